"""The lead workflow: take, qualify, lose, convert — never a second card."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.crm_admin_data import default_pipeline, sales_users
from wagtail_crm import conversion
from wagtail_crm.models import Contact, Deal, Lead, Organization, Phone


def _url(name, lead):
    return reverse(Lead.snippet_viewset.get_url_name(name), args=[lead.pk])


@pytest.fixture
def users(db):
    manager, other, head = sales_users()
    default_pipeline()
    return {"manager": manager, "other": other, "head": head}


def make_lead(owner, **fields):
    fields.setdefault("name", "Иван Петров")
    fields.setdefault("email", "ivan@example.com")
    return Lead.objects.create(owner=owner, **fields)


def test_convert_creates_contact_organization_and_deal(users):
    lead = make_lead(
        users["manager"],
        company="ООО «Вектор»",
        phone="8 916 123 45 67",
        phone_e164="+79161234567",
    )
    result = conversion.convert_lead(
        lead, users["manager"], create_deal=True, deal_title="Поставка", amount=1000
    )
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED
    assert (lead.contact, lead.organization, lead.deal) == (
        result.contact,
        result.organization,
        result.deal,
    )
    assert result.contact_created and result.organization_created
    assert (result.contact.first_name, result.contact.last_name) == ("Иван", "Петров")
    assert result.contact.organization == result.organization
    assert result.contact.phones.get().e164 == "+79161234567"
    assert result.deal.stage.pipeline.is_default
    assert result.deal.amount == 1000
    entry = ModelLogEntry.objects.get(action=conversion.ACTION_CONVERTED)
    assert entry.object_id == str(lead.pk)
    assert entry.data["contact_created"] is True


def test_convert_links_an_existing_contact_by_email_even_of_another_owner(users):
    existing = Contact.objects.create(
        last_name="Петров", email="ivan@example.com", owner=users["other"]
    )
    lead = make_lead(users["manager"], email=" IVAN@example.com ")
    result = conversion.convert_lead(lead, users["manager"])
    assert result.contact == existing
    assert not result.contact_created
    assert Contact.objects.count() == 1


def test_convert_links_an_existing_contact_by_phone_and_last_name(users):
    existing = Contact.objects.create(last_name="Петров", owner=users["manager"])
    Phone.objects.create(contact=existing, e164="+79161234567")
    lead = make_lead(users["manager"], email="", phone_e164="+79161234567")
    result = conversion.convert_lead(lead, users["manager"])
    assert result.contact == existing
    assert Contact.objects.count() == 1


def test_convert_reads_the_russian_name_order_and_links_the_existing_card(users):
    existing = Contact.objects.create(
        last_name="Смирнова", first_name="Анна", owner=users["manager"]
    )
    Phone.objects.create(contact=existing, e164="+79161234567")
    lead = make_lead(
        users["manager"], name="Смирнова Анна", email="", phone_e164="+79161234567"
    )
    result = conversion.convert_lead(lead, users["manager"])
    assert result.contact == existing
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Иванов Пётр Сергеевич", ("Иванов", "Пётр", "Сергеевич")),
        ("Смирнова Анна", ("Смирнова", "Анна", "")),
        ("Анна Смирнова", ("Смирнова", "Анна", "")),
        ("Anna Smirnova", ("Smirnova", "Anna", "")),
        ("Анна", ("", "Анна", "")),
    ],
)
def test_convert_stores_the_name_as_the_importer_reads_it(users, name, expected):
    lead = make_lead(users["manager"], name=name, email="")
    contact = conversion.convert_lead(lead, users["manager"]).contact
    assert (contact.last_name, contact.first_name, contact.middle_name) == expected


def test_convert_links_an_existing_organization_by_name(users):
    existing = Organization.objects.create(name='ООО "Вектор"')
    lead = make_lead(users["manager"], company="Вектор ООО")
    result = conversion.convert_lead(lead, users["manager"])
    assert result.organization == existing
    assert Organization.objects.count() == 1


def test_converting_twice_is_refused(users):
    lead = make_lead(users["manager"])
    conversion.convert_lead(lead, users["manager"])
    with pytest.raises(conversion.WorkflowError):
        conversion.convert_lead(lead, users["manager"])
    assert Contact.objects.count() == 1


def test_statuses_and_reason_are_logged(users):
    lead = make_lead(None)
    conversion.take_in_progress(lead, users["manager"])
    assert lead.owner == users["manager"]
    conversion.qualify(lead, users["manager"])
    conversion.mark_lost(lead, users["manager"], "No budget")
    lead.refresh_from_db()
    assert (lead.status, lead.lost_reason) == (Lead.Status.LOST, "No budget")
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(lead.pk))
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        conversion.ACTION_TAKEN,
        conversion.ACTION_QUALIFIED,
        conversion.ACTION_LOST,
    ]


def test_workflow_buttons_and_convert_screen(client, users):
    client.force_login(users["manager"])
    existing = Contact.objects.create(
        last_name="Петров", email="ivan@example.com", owner=users["manager"]
    )
    lead = make_lead(users["manager"])
    edit = client.get(_url("edit", lead)).content.decode()
    for step in ("take", "qualify", "lost", "convert"):
        assert _url(step, lead) in edit
    screen = client.get(_url("convert", lead)).content.decode()
    assert "Linked to the existing contact" in screen
    response = client.post(
        _url("convert", lead), {"create_deal": "on", "deal_title": "Сделка"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.contact == existing
    assert Deal.objects.get().title == "Сделка"
    history = client.get(
        reverse(Lead.snippet_viewset.get_url_name("history"), args=[lead.pk])
    )
    assert "Lead converted" in history.content.decode()


def test_lost_needs_a_reason_and_another_managers_lead_is_404(client, users):
    client.force_login(users["manager"])
    lead = make_lead(users["manager"])
    response = client.post(_url("lost", lead), {"reason": ""})
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW
    theirs = make_lead(users["other"], email="x@example.com")
    for step in ("take", "qualify", "lost", "convert"):
        assert client.get(_url(step, theirs)).status_code == 404
        assert client.post(_url(step, theirs), {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Lead.Status.NEW


def test_edit_form_does_not_offer_converted_as_a_status(client, users):
    client.force_login(users["manager"])
    lead = make_lead(users["manager"])
    form = client.get(_url("edit", lead)).context["form"]
    assert "converted" not in [value for value, _label in form.fields["status"].choices]
