import pytest
from django.urls import reverse

from wagtail_crm.models import Activity, Contact
from wagtail_crm.views.activities import log_activity_url

from .sales_factories import (
    DealFactory,
    LeadFactory,
    OrganizationFactory,
    manager,
    pipeline_with_stages,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def olga():
    return manager("olga", "wagtail_crm.add_activity", "wagtail_crm.view_contact")


@pytest.fixture
def contact(olga):
    org = OrganizationFactory(owner=olga)
    return Contact.objects.create(
        first_name="Пётр", last_name="Иванов", organization=org, owner=olga
    )


def test_log_call_form_is_prefilled_from_the_query(client, olga, contact):
    client.force_login(olga)

    response = client.get(log_activity_url("call", contact))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["kind"] == "call"
    assert form.initial["direction"] == "outbound"
    assert "Log call" in response.content.decode()
    assert "Иванов" in response.content.decode()


def test_logging_links_the_record_and_its_organization(client, olga, contact):
    client.force_login(olga)
    next_url = reverse("wagtailsnippets_wagtail_crm_contact:list")

    response = client.post(
        log_activity_url("call", contact, next_url),
        {
            "kind": "call",
            "direction": "outbound",
            "subject": "Discussed the delivery",
            "occurred_at": "2026-11-20 10:00",
            "duration_minutes": 7,
        },
    )

    assert response.status_code == 302
    assert response.url == next_url
    activity = Activity.objects.get()
    assert activity.contact == contact
    assert activity.organization == contact.organization
    assert activity.author == olga
    assert activity.duration.total_seconds() == 7 * 60


def test_note_on_a_deal_also_lands_on_its_organization(admin_client):
    deal = DealFactory(stage=pipeline_with_stages().stages.first())

    admin_client.post(
        log_activity_url("note", deal),
        {"kind": "note", "subject": "Wants 5% off", "occurred_at": "2026-11-20 10:00"},
    )

    activity = Activity.objects.get()
    assert activity.deal == deal
    assert activity.organization == deal.organization


def test_foreign_next_url_is_ignored(admin_client):
    lead = LeadFactory()

    response = admin_client.post(
        log_activity_url("email", lead, "https://evil.example.com/"),
        {
            "kind": "email",
            "subject": "Sent the offer",
            "occurred_at": "2026-11-20 10:00",
        },
    )

    assert response.url == reverse(
        "wagtailsnippets_wagtail_crm_lead:edit", args=[lead.pk]
    )


def test_someone_elses_record_cannot_be_logged_on(client, olga):
    other = Contact.objects.create(last_name="Чужой", owner=manager("ivan"))
    client.force_login(olga)

    response = client.post(
        log_activity_url("call", other),
        {"kind": "call", "subject": "x", "occurred_at": "2026-11-20 10:00"},
    )

    assert response.status_code == 302
    assert not Activity.objects.exists()


def test_without_add_permission_it_is_refused(client, contact):
    client.force_login(manager("viewer", "wagtail_crm.view_contact"))

    response = client.get(log_activity_url("call", contact))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_listing_rows_offer_the_log_buttons(admin_client, contact):
    response = admin_client.get(reverse("wagtailsnippets_wagtail_crm_contact:list"))

    html = response.content.decode()
    assert "Log call" in html and "Add note" in html
    assert (
        log_activity_url("meeting", contact).split("&next")[0].replace("&", "&amp;")
        in html
    )


def test_edit_views_can_reuse_the_buttons(olga, contact):
    from wagtail.admin.widgets import HeaderButton

    from wagtail_crm.views.activities import log_activity_buttons

    buttons = log_activity_buttons(contact, olga, "/back/", button_class=HeaderButton)

    assert [b.label for b in buttons] == [
        "Log call",
        "Log meeting",
        "Log e-mail",
        "Add note",
    ]
    assert buttons[0].url == log_activity_url("call", contact, "/back/")
    assert log_activity_buttons(contact, manager("viewer")) == []


def test_history_outlives_the_records_it_is_linked_to(admin_client):
    """Deleting an organization (or its contact, lead, deal) keeps the calls
    and tasks logged on them: the links are emptied, not the history."""
    from wagtail_crm.models import Organization, Task

    deal = DealFactory(stage=pipeline_with_stages().stages.first())
    organization = deal.organization or OrganizationFactory()
    contact = Contact.objects.create(last_name="Иванов", organization=organization)
    links = {
        "contact": contact,
        "organization": organization,
        "lead": LeadFactory(),
        "deal": deal,
    }
    Activity.objects.create(subject="Important call", **links)
    Task.objects.create(title="Call back", **links)

    for record in (links["deal"], links["lead"], contact):
        record.delete()
    delete_url = reverse(
        Organization.snippet_viewset.get_url_name("delete"), args=[organization.pk]
    )
    assert admin_client.post(delete_url).status_code == 302
    assert not Organization.objects.filter(pk=organization.pk).exists()

    activity = Activity.objects.get(subject="Important call")
    task = Task.objects.get(title="Call back")
    for record in (activity, task):
        assert (record.contact, record.organization, record.lead, record.deal) == (
            None,
            None,
            None,
            None,
        )
    for model, text in ((Activity, "Important call"), (Task, "Call back")):
        listing = admin_client.get(reverse(model.snippet_viewset.get_url_name("list")))
        assert text in listing.content.decode()
    edit_url = reverse(
        Activity.snippet_viewset.get_url_name("edit"), args=[activity.pk]
    )
    assert admin_client.get(edit_url).status_code == 200
