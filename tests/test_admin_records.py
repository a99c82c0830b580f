"""Organization and contact edit views: contact persons inline, typed phones,
duplicate warnings, timelines, and the admin search by phone and tax id."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from tests.crm_admin_data import records_of
from wagtail_crm.models import Activity, Contact, Organization, Phone


def _url(model, name, *args):
    return reverse(model.snippet_viewset.get_url_name(name), args=args)


def organization_data(name="ООО «Ромашка»", persons=(), phones=(), **fields):
    return nested_form_data(
        {
            "name": name,
            "tax_id": fields.pop("tax_id", ""),
            "email": fields.pop("email", ""),
            "website": "",
            "address": "",
            "notes": "",
            "tags": "",
            "contacts": inline_formset(list(persons)),
            "phones": inline_formset(list(phones)),
            **fields,
        }
    )


def person(last_name, first_name="", phone_numbers="", role="", email=""):
    return {
        "last_name": last_name,
        "first_name": first_name,
        "middle_name": "",
        "role": role,
        "job_title": "",
        "email": email,
        "phone_numbers": phone_numbers,
    }


def contact_data(last_name="Петров", phones=(), **fields):
    return nested_form_data(
        {
            "last_name": last_name,
            "first_name": fields.pop("first_name", "Пётр"),
            "middle_name": "",
            "organization": fields.pop("organization", ""),
            "role": "",
            "job_title": "",
            "email": fields.pop("email", ""),
            "tags": "",
            "notes": "",
            "phones": inline_formset(list(phones)),
            **fields,
        }
    )


@pytest.fixture
def manager_client(client, users):
    client.force_login(users["manager"])
    return client


def test_organization_with_two_contact_persons_and_typed_phones(manager_client, users):
    data = organization_data(
        persons=[
            person("Иванова", "Анна", "8 (495) 123-45-67 доб. 12", role="accountant"),
            person("Смирнов", "Олег", "+7 916 000-11-22, 8 903 111 22 33"),
        ],
        phones=[{"e164": "8 (495) 765-43-21", "extension": "", "kind": "work"}],
    )
    response = manager_client.post(_url(Organization, "add"), data)
    assert response.status_code == 302, response.context["form"].errors
    org = Organization.objects.get(name="ООО «Ромашка»")
    assert org.owner == users["manager"]
    people = {c.last_name: c for c in org.contacts.all()}
    assert set(people) == {"Иванова", "Смирнов"}
    assert people["Иванова"].role == "accountant"
    assert people["Иванова"].owner == users["manager"]
    assert list(people["Иванова"].phones.values_list("e164", "extension")) == [
        ("+74951234567", "12")
    ]
    assert sorted(people["Смирнов"].phones.values_list("e164", flat=True)) == [
        "+79031112233",
        "+79160001122",
    ]
    assert list(org.phones.values_list("e164", flat=True)) == ["+74957654321"]

    edit = manager_client.get(_url(Organization, "edit", org.pk)).content.decode()
    assert "+7 495 123-45-67 ext. 12" in edit
    assert "+7 495 765-43-21" in edit


def test_unparseable_phone_is_a_form_error_naming_the_value(manager_client):
    data = organization_data(persons=[person("Иванова", phone_numbers="12-ab")])
    response = manager_client.post(_url(Organization, "add"), data)
    assert response.status_code == 200
    assert "12-ab" in response.content.decode()
    assert not Organization.objects.exists()
    assert not Phone.objects.exists()

    response = manager_client.post(
        _url(Contact, "add"),
        contact_data(phones=[{"e164": "call me", "extension": "", "kind": "work"}]),
    )
    assert response.status_code == 200
    assert "call me" in response.content.decode()
    assert not Contact.objects.exists()


def test_editing_person_phones_replaces_them(manager_client, users):
    org = Organization.objects.create(name="Acme", owner=users["manager"])
    anna = Contact.objects.create(
        last_name="Иванова", organization=org, owner=users["manager"]
    )
    Phone.objects.create(contact=anna, e164="+74951234567")
    data = organization_data(name="Acme")
    data.update(
        nested_form_data(
            {
                "contacts": inline_formset(
                    [
                        {
                            **person("Иванова", phone_numbers="+7 916 000-11-22"),
                            "id": anna.pk,
                        }
                    ],
                    initial=1,
                )
            }
        )
    )
    response = manager_client.post(_url(Organization, "edit", org.pk), data)
    assert response.status_code == 302
    assert org.contacts.count() == 1
    assert list(anna.phones.values_list("e164", flat=True)) == ["+79160001122"]


def test_contact_phone_typed_in_any_format_is_stored_as_e164(manager_client):
    response = manager_client.post(
        _url(Contact, "add"),
        contact_data(
            phones=[{"e164": "8 (495) 123-45-67", "extension": "", "kind": "work"}]
        ),
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.phones.get().e164 == "+74951234567"
    listing = manager_client.get(_url(Contact, "list")).content.decode()
    assert "+7 495 123-45-67" in listing


def test_duplicate_email_warns_with_a_link_and_can_be_overridden(manager_client, users):
    existing = Contact.objects.create(
        last_name="Петров", email="petrov@example.com", owner=users["manager"]
    )
    response = manager_client.post(
        _url(Contact, "add"), contact_data(email=" Petrov@Example.com ")
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "A contact with this e-mail already exists" in content
    assert _url(Contact, "edit", existing.pk) in content
    assert Contact.objects.count() == 1

    response = manager_client.post(
        _url(Contact, "add"),
        contact_data(email="petrov@example.com", ignore_duplicates="on"),
    )
    assert response.status_code == 302
    assert Contact.objects.count() == 2


def test_duplicate_phone_of_another_managers_contact_warns_without_a_link(
    manager_client, users
):
    theirs = Contact.objects.create(last_name="Secretov", owner=users["other"])
    Phone.objects.create(contact=theirs, e164="+74951234567")
    response = manager_client.post(
        _url(Contact, "add"),
        contact_data(phones=[{"e164": "84951234567", "extension": "", "kind": "work"}]),
    )
    content = response.content.decode()
    assert "A contact with this phone already exists" in content
    assert "another manager" in content
    assert "Secretov" not in content


def test_duplicate_tax_id_blocks_with_a_link(manager_client, users):
    existing = Organization.objects.create(
        name="Рога и копыта", tax_id="7701234567", owner=users["manager"]
    )
    response = manager_client.post(
        _url(Organization, "add"),
        organization_data(name="Другое имя", tax_id="7701 234 567"),
    )
    content = response.content.decode()
    assert "An organization with this tax id already exists" in content
    assert _url(Organization, "edit", existing.pk) in content
    assert Organization.objects.count() == 1


def test_organization_timeline_shows_activities_of_its_people_newest_first(
    manager_client, users
):
    mine = records_of(users["manager"], "Mine")
    org, contact = mine[Organization], mine[Contact]
    Activity.objects.create(
        subject="Older note on the organization",
        organization=org,
        author=users["manager"],
        occurred_at="2020-01-01T10:00:00Z",
    )
    Activity.objects.create(
        subject="Call from the person", contact=contact, author=users["manager"]
    )
    content = manager_client.get(_url(Organization, "edit", org.pk)).content.decode()
    assert content.index("Call from the person") < content.index(
        "Older note on the organization"
    )
    assert "Mine Deal" in content
    assert "Mine Task" in content


def test_log_activity_link_prefills_contact_and_organization(manager_client, users):
    contact = records_of(users["manager"], "Mine")[Contact]
    response = manager_client.get(_url(Activity, "add") + f"?contact={contact.pk}")
    form = response.context["form"]
    assert form.initial["contact"] == contact.pk
    assert form.initial["organization"] == contact.organization_id


@pytest.mark.parametrize(
    "query",
    ["8 (916) 123-45-67", "+79161234567", "9161234567", "minepers", "Ivan Mine Org"],
)
def test_contact_search_by_phone_in_any_format_and_name(manager_client, users, query):
    records_of(users["manager"], "Mine")
    records_of(users["other"], "Theirs")
    content = manager_client.get(_url(Contact, "list"), {"q": query}).content.decode()
    assert "MinePerson" in content
    assert "TheirsPerson" not in content


def test_a_tax_id_typed_with_a_label_is_stored_clean(manager_client, users):
    manager_client.post(
        _url(Organization, "add"),
        organization_data(name="Вектор", tax_id="ИНН 7707-083-893/770701001"),
    )

    assert Organization.objects.get().tax_id == "7707083893"


def test_organization_search_by_tax_id_and_phone(client, users):
    client.force_login(users["head"])
    org = records_of(users["manager"], "Mine")[Organization]
    for query in (org.tax_id, "8 495 111 22 33"):
        content = client.get(_url(Organization, "list"), {"q": query}).content
        assert b"Mine Org" in content


@pytest.mark.parametrize("model", [Contact, Organization], ids=lambda m: m.__name__)
def test_listing_queries_do_not_grow_with_rows(client, users, model):
    client.force_login(users["head"])
    records_of(users["manager"], "A")
    with CaptureQueriesContext(connection) as few:
        client.get(_url(model, "list"))
    for index in range(15):
        records_of(users["manager"], f"Row{index}")
    with CaptureQueriesContext(connection) as many:
        client.get(_url(model, "list"))
    assert len(many) == len(few), "\n".join(
        q["sql"][:200] for q in many.captured_queries
    )


def test_chooser_finds_records_written_in_bulk_by_phone(manager_client, users):
    Contact.objects.bulk_create(
        [Contact(last_name="Bulkov", last_name_key="bulkov", owner=users["manager"])]
    )
    bulk = Contact.objects.get(last_name="Bulkov")
    Phone.objects.create(contact=bulk, e164="+74957770011")
    namespace = Contact.snippet_viewset.get_chooser_admin_url_namespace()
    url = reverse(f"{namespace}:choose_results")
    assert (
        "Bulkov" in manager_client.get(url, {"q": "8 495 777-00-11"}).content.decode()
    )
    assert "Bulkov" not in manager_client.get(url, {"q": "Nobody"}).content.decode()


def test_listing_filters_by_organization_tag_and_private_client(client, users):
    client.force_login(users["head"])
    mine = records_of(users["manager"], "Mine")
    records_of(users["manager"], "Else")
    private = Contact.objects.create(last_name="Privatov", owner=users["manager"])
    mine[Contact].tags.add("vip")
    mine[Contact].save()
    url = _url(Contact, "list")
    by_org = client.get(url, {"organization": mine[Organization].pk}).content.decode()
    assert "MinePerson" in by_org and "ElsePerson" not in by_org
    by_tag = client.get(url, {"tag": "vip"}).content.decode()
    assert "MinePerson" in by_tag and "ElsePerson" not in by_tag
    privates = client.get(url, {"private": "true"}).content.decode()
    assert str(private) in privates and "MinePerson" not in privates
