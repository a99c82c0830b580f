"""Record edit forms and bulk actions as a manager meets them: the phones
inline, linked records of a colleague, owners, lost leads, phone search and
report exports."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.crm_admin_data import (
    SECRET,
    admin_url,
    bulk_url,
    form_data,
    sales_users,
)
from wagtail_crm import conversion
from wagtail_crm.models import Contact, Deal, Lead, Organization, Phone, Task


@pytest.mark.parametrize("model", [Organization, Contact])
def test_phones_inline_has_only_the_phones_fields(client, users, two_managers, model):
    mine, _theirs = two_managers
    client.force_login(users["manager"])
    html = client.get(admin_url(model, "edit", mine[model].pk)).content.decode()
    assert SECRET not in html
    assert 'name="phones-0-e164"' in html
    assert 'name="phones-0-contact"' not in html
    assert 'name="phones-0-organization"' not in html


def test_phones_inline_ignores_a_posted_parent(client, users, two_managers):
    mine, theirs = two_managers
    org = mine[Organization]
    client.force_login(users["manager"])
    data = form_data(client, admin_url(Organization, "edit", org.pk))
    data["phones-0-contact"] = str(theirs[Contact].pk)
    data["phones-0-extension"] = "15"
    response = client.post(admin_url(Organization, "edit", org.pk), data)
    assert response.status_code == 302
    phone = org.phones.get()
    assert (phone.contact_id, phone.extension) == (None, "15")
    assert not theirs[Contact].phones.filter(organization=org).exists()
    assert (
        Phone.objects.filter(contact__isnull=False, organization__isnull=False)[
            :1
        ].count()
        == 0
    )


def test_converted_lead_and_its_deal_stay_editable(client, users, two_managers):
    _mine, theirs = two_managers
    manager = users["manager"]
    lead = Lead.objects.create(
        name="Ivan Person",
        email=theirs[Contact].email,
        company=theirs[Organization].name,
        owner=manager,
    )
    result = conversion.convert_lead(lead, manager, create_deal=True, deal_title="D")
    assert result.deal.contact == theirs[Contact]
    client.force_login(manager)
    for model, pk in ((Lead, lead.pk), (Deal, result.deal.pk)):
        data = form_data(client, admin_url(model, "edit", pk))
        response = client.post(admin_url(model, "edit", pk), data)
        assert response.status_code == 302, (
            model.__name__,
            response.context["form"].errors,
        )
    result.deal.refresh_from_db()
    assert result.deal.contact == theirs[Contact]


def test_linked_choices_still_hide_other_records(client, users, two_managers):
    mine, theirs = two_managers
    client.force_login(users["manager"])
    url = admin_url(Deal, "edit", mine[Deal].pk)
    data = form_data(client, url)
    data["contact"] = str(theirs[Contact].pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "contact" in response.context["form"].errors


def test_record_created_by_head_belongs_to_head(client, users):
    head = users["head"]
    client.force_login(head)
    data = form_data(client, admin_url(Task, "add"))
    data["title"] = "Call back"
    assert client.post(admin_url(Task, "add"), data).status_code == 302
    assert Task.objects.get(title="Call back").assignee == head


def test_head_may_still_clear_the_owner_of_an_existing_record(
    client, users, two_managers
):
    mine, _theirs = two_managers
    client.force_login(users["head"])
    url = admin_url(Lead, "edit", mine[Lead].pk)
    data = form_data(client, url)
    data["owner"] = ""
    assert client.post(url, data).status_code == 302
    mine[Lead].refresh_from_db()
    assert mine[Lead].owner is None


def test_manager_created_in_wagtail_admin_can_be_assigned(admin_client, db):
    sales_users()
    group = Group.objects.get(name="Sales managers")
    admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "newmgr",
            "email": "newmgr@example.com",
            "first_name": "Nadia",
            "last_name": "Newmanager",
            "password1": "Xyzzy12345!!",
            "password2": "Xyzzy12345!!",
            "groups": [group.pk],
            "is_active": "on",
        },
    )
    get_user_model().objects.create_user(
        "visitor", first_name="Vera", last_name="Visitor", is_staff=True
    )
    lead = Lead.objects.create(name="Unassigned lead")
    page = admin_client.get(bulk_url(Lead, "crm_assign_owner", lead))
    assert "Nadia Newmanager" in page.content.decode()
    assert "Vera Visitor" not in page.content.decode()  # no admin access
    listing = admin_client.get(admin_url(Lead, "list")).content.decode()
    assert "Nadia Newmanager" in listing


def test_lead_marked_lost_in_edit_form_needs_reason(client, users, two_managers):
    mine, _theirs = two_managers
    lead = mine[Lead]
    client.force_login(users["manager"])
    data = form_data(client, admin_url(Lead, "edit", lead.pk))
    data["status"] = "lost"
    data["lost_reason"] = ""
    response = client.post(admin_url(Lead, "edit", lead.pk), data)
    assert "lost_reason" in response.context["form"].errors
    lead.refresh_from_db()
    assert lead.status != "lost"
    data["lost_reason"] = "Too expensive"
    assert client.post(admin_url(Lead, "edit", lead.pk), data).status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.lost_reason) == ("lost", "Too expensive")


def test_bulk_status_lost_needs_reason(client, users, two_managers):
    mine, _theirs = two_managers
    lead = mine[Lead]
    client.force_login(users["manager"])
    url = bulk_url(Lead, "crm_change_status", lead)
    page = client.get(url).content.decode()
    assert 'name="lost_reason"' in page
    response = client.post(url, {"status": "lost", "lost_reason": " "})
    assert response.status_code == 200
    assert "lost_reason" in response.context["form"].errors
    lead.refresh_from_db()
    assert lead.status != "lost"
    client.post(url, {"status": "lost", "lost_reason": "No budget"})
    lead.refresh_from_db()
    assert (lead.status, lead.lost_reason) == ("lost", "No budget")
    client.post(url, {"status": "in_progress", "lost_reason": ""})
    lead.refresh_from_db()
    assert lead.status == "in_progress"


@pytest.mark.parametrize("query", ["+7 916 1234567 доб. 12", "8 916 123-45-67 ext 3"])
def test_search_phone_with_extension(client, users, two_managers, query):
    client.force_login(users["manager"])
    response = client.get(admin_url(Contact, "list"), {"q": query})
    assert [str(c) for c in response.context["object_list"]] == ["MinePerson Ivan"]


def test_search_phone_with_extension_finds_organizations_and_leads(
    client, users, two_managers
):
    mine, _theirs = two_managers
    mine[Lead].phone = "+7 916 1234567"
    mine[Lead].phone_e164 = "+79161234567"
    mine[Lead].save()
    client.force_login(users["manager"])
    query = {"q": "8 (495) 111-22-33 доб. 7"}
    response = client.get(admin_url(Organization, "list"), query)
    assert [str(o) for o in response.context["object_list"]] == ["Mine Org"]
    query = {"q": "+7 916 123-45-67 ext. 5"}
    response = client.get(admin_url(Lead, "list"), query)
    assert [str(lead) for lead in response.context["object_list"]] == ["Mine Lead"]


def test_search_words_with_digits_stay_a_text_search(client, users, two_managers):
    client.force_login(users["manager"])
    response = client.get(admin_url(Contact, "list"), {"q": "MinePerson 12345"})
    assert list(response.context["object_list"]) == []
    response = client.get(admin_url(Contact, "list"), {"q": "MinePerson"})
    assert [str(c) for c in response.context["object_list"]] == ["MinePerson Ivan"]


def test_manager_cannot_export_reports(client, users, two_managers):
    client.force_login(users["manager"])
    url = reverse("crm-reports:managers")
    for export in ("csv", "xlsx"):
        response = client.get(url + f"?export={export}")
        # Wagtail's admin turns PermissionDenied into a redirect home.
        assert response.status_code in (302, 403)
        assert not response.get("Content-Disposition")
    page = client.get(url)
    assert page.status_code == 200
    assert "export=csv" not in page.content.decode()


def test_head_exports_reports(client, users, two_managers):
    client.force_login(users["head"])
    url = reverse("crm-reports:managers")
    assert "export=csv" in client.get(url).content.decode()
    response = client.get(url + "?export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
