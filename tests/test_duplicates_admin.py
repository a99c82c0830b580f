"""The "Possible duplicates" screen, the merge screen and their permissions."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.factories import (
    ActivityFactory,
    ContactFactory,
    OrganizationFactory,
    PhoneFactory,
)
from wagtail_crm.duplicate_groups import find_groups
from wagtail_crm.models import Contact, NotDuplicate

INDEX = reverse("crm-duplicates:index")


def _merge_url(kind, a, b):
    return reverse("crm-duplicates:merge", args=[kind, a.pk, b.pk])


def _user(username, *codenames):
    user = get_user_model().objects.create_user(username, password="password")
    perms = Permission.objects.filter(
        codename__in=["access_admin", *codenames],
    )
    user.user_permissions.add(*perms)
    return user


def _denied(response):
    """Wagtail turns PermissionDenied into a redirect to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def _phone_pair(number="+79161234567"):
    first = ContactFactory(last_name="Фёдоров", email="")
    second = ContactFactory(last_name="Fedorov", email="")
    PhoneFactory(contact=first, e164=number)
    PhoneFactory(contact=second, e164=number)
    return first, second


@pytest.mark.django_db
def test_lists_groups_with_their_reason(admin_client):
    a = ContactFactory(last_name="Иванов", email="ivanov@example.com")
    b = ContactFactory(last_name="Иванов", email="IVANOV@example.com ")
    c, d = _phone_pair()
    ContactFactory(last_name="Петров")
    OrganizationFactory(name="ООО «Ромашка»")
    OrganizationFactory(name="Ромашка, ООО")
    OrganizationFactory(name="Acme", tax_id="1")
    OrganizationFactory(name="Acme Ltd", tax_id="2")

    response = admin_client.get(INDEX)

    assert response.status_code == 200
    body = response.content.decode()
    for reason in ("same e-mail", "same phone and last name", "same name"):
        assert reason in body
    assert body.count("data-duplicate-group=") == 3
    assert _merge_url("contact", a, b) in body
    assert _merge_url("contact", c, d) in body
    assert "Acme" not in body  # same name, different tax ids


@pytest.mark.django_db
def test_listing_queries_do_not_grow_with_the_number_of_groups(admin_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(INDEX).status_code == 200
        return len(captured)

    for n in range(2):
        _phone_pair(f"+7916000000{n}")
    few = queries()
    for n in range(2, 12):
        _phone_pair(f"+7916000001{n}")
    assert queries() == few


@pytest.mark.django_db
def test_not_a_duplicate_is_never_proposed_again(admin_client, superuser):
    first, second = _phone_pair()
    url = reverse("crm-duplicates:dismiss", args=["contact", second.pk, first.pk])
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url)
    assert response.status_code == 302
    assert NotDuplicate.objects.get().created_by == superuser
    assert find_groups("contact", superuser) == []
    assert "data-duplicate-group" not in admin_client.get(INDEX).content.decode()


@pytest.mark.django_db
def test_merge_screen_picks_survivor_and_fields(admin_client, superuser):
    first, second = _phone_pair()
    Contact.objects.filter(pk=first.pk).update(job_title="Директор")
    Contact.objects.filter(pk=second.pk).update(job_title="Director", email="f@ex.com")
    ActivityFactory(contact=first, subject="Первый звонок")
    ActivityFactory(contact=second, subject="Second call")
    url = _merge_url("contact", first, second)

    response = admin_client.get(url)
    page = response.content.decode()
    assert "Директор" in page and "Director" in page and "f@ex.com" in page
    counts = {
        record.pk: {str(label): n for label, n in rows}
        for record, rows in response.context["related"]
    }
    assert counts[first.pk] == {
        "phones": 1,
        "activities": 1,
        "tasks": 0,
        "leads": 0,
        "deals": 0,
    }

    response = admin_client.post(
        url,
        {
            "survivor": str(second.pk),
            "field_last_name": str(first.pk),
            "field_job_title": str(second.pk),
            "field_email": str(second.pk),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "wagtailsnippets_wagtail_crm_contact:edit", args=[second.pk]
    )
    assert not Contact.objects.filter(pk=first.pk).exists()
    second.refresh_from_db()
    assert (second.last_name, second.job_title) == ("Фёдоров", "Director")
    assert set(second.activities.values_list("subject", flat=True)) == {
        "Первый звонок",
        "Second call",
    }
    entry = ModelLogEntry.objects.get(action="wagtail_crm.merge")
    assert entry.user == superuser and entry.data["fields"] == ["last_name"]


@pytest.mark.django_db
def test_menu_shows_possible_duplicates(admin_client):
    assert "Possible duplicates" in admin_client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_without_change_permission_the_screen_is_closed(client):
    client.force_login(_user("reader", "view_contact"))
    assert _denied(client.get(INDEX))
    assert "Possible duplicates" not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_own_records_users_see_and_merge_only_their_own(client):
    manager = _user("manager", "change_contact", "delete_contact")
    mine = _phone_pair("+79161111111")
    theirs = _phone_pair("+79162222222")
    Contact.objects.filter(pk__in=[c.pk for c in mine]).update(owner=manager)
    client.force_login(manager)

    body = client.get(INDEX).content.decode()

    assert _merge_url("contact", *mine) in body
    assert _merge_url("contact", *theirs) not in body
    assert client.get(_merge_url("contact", *theirs)).status_code == 404
    assert client.get(_merge_url("contact", *mine)).status_code == 200


@pytest.mark.django_db
def test_merging_needs_delete_permission_too(client):
    editor = _user("editor", "change_contact", "view_all_records")
    first, second = _phone_pair()
    client.force_login(editor)
    assert client.get(INDEX).status_code == 200
    assert _denied(client.get(_merge_url("contact", first, second)))
    assert _denied(client.post(_merge_url("contact", first, second), {}))
    assert Contact.objects.count() == 2


@pytest.mark.django_db
def test_demo_data_plants_a_duplicate_pair(demo_site, superuser):
    groups = find_groups("contact", superuser)
    planted = [
        group
        for group in groups
        if {c.last_name for c in Contact.objects.filter(pk__in=group.pks)}
        == {"Орлов", "Orlov"}
    ]
    assert len(planted) == 1
    assert planted[0].reasons == ["email", "phone_name"]


@pytest.mark.django_db
def test_an_incomplete_merge_form_is_shown_again(admin_client):
    first, second = _phone_pair()
    response = admin_client.post(_merge_url("contact", first, second), {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Contact.objects.count() == 2


@pytest.mark.django_db
def test_merge_organizations_through_the_screen(admin_client):
    first = OrganizationFactory(name="ООО «Ромашка»", tax_id="7701234567")
    second = OrganizationFactory(name="Ромашка, ООО", website="https://romashka.ru")
    people = [ContactFactory(organization=org) for org in (first, second, second)]
    body = admin_client.get(INDEX).content.decode()
    assert _merge_url("organization", first, second) in body

    response = admin_client.post(
        _merge_url("organization", first, second),
        {
            "survivor": str(first.pk),
            "field_name": str(first.pk),
            "field_tax_id": str(first.pk),
            "field_website": str(second.pk),
        },
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.website == "https://romashka.ru"
    assert set(first.contacts.all()) == set(people)


def test_each_row_acts_on_a_card_it_matches_directly(admin_client, superuser):
    """A and B share an e-mail, B and C a phone and surname: C's buttons act on
    (B, C), and "Not a duplicate" there takes C out of the group."""
    from wagtail_crm.duplicate_groups import find_groups
    from wagtail_crm.models import NotDuplicate

    from .factories import ContactFactory, PhoneFactory

    a = ContactFactory(last_name="Орлов", email="m.orlov@example.ru")
    b = ContactFactory(last_name="Orlov", email="m.orlov@example.ru")
    c = ContactFactory(last_name="Орлов", email="orlov.home@example.ru")
    PhoneFactory(contact=b, e164="+79264102233")
    PhoneFactory(contact=c, e164="+79264102233")
    (group,) = find_groups("contact", superuser)
    assert group.partners == {b.pk: a.pk, c.pk: b.pk}

    html = admin_client.get(reverse("crm-duplicates:index")).content.decode()
    assert reverse("crm-duplicates:dismiss", args=["contact", b.pk, c.pk]) in html
    assert reverse("crm-duplicates:dismiss", args=["contact", a.pk, c.pk]) not in html
    admin_client.post(reverse("crm-duplicates:dismiss", args=["contact", b.pk, c.pk]))

    assert NotDuplicate.objects.count() == 1
    (group,) = find_groups("contact", superuser)
    assert group.pks == [a.pk, b.pk]


def test_companies_with_different_tax_ids_are_never_one_group(superuser):
    from wagtail_crm.duplicate_groups import find_groups
    from wagtail_crm.models import Organization

    Organization.objects.create(name="ООО «Ромашка»", tax_id="7701234567")
    Organization.objects.create(name="Ромашка", tax_id="5003012345")
    Organization.objects.create(name="Ромашка ООО")

    assert find_groups("organization", superuser) == []
