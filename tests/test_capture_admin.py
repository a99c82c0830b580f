"""Admin side of capture: quarantine, webhooks, deliveries, the page panel."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from wagtail_crm.capture.panels import (
    PageLeadsPanel,
    leads_from_page,
    leads_listing_url,
)
from wagtail_crm.capture.quarantine import quarantine
from wagtail_crm.capture.service import capture_lead
from wagtail_crm.capture.submission import LeadSubmission
from wagtail_crm.models import Lead, QuarantinedSubmission, Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(site_pages):
    submission = LeadSubmission(
        fields={"name": "Real Person", "email": "real@example.com", "message": "hi"},
        source_page_id=site_pages["contact"].pk,
        attribution={"last_touch": {"utm_campaign": "spring"}},
    )
    return quarantine(submission, "Stop phrase: casino")


def test_quarantine_listing_offers_release(admin_client, held):
    response = admin_client.get(
        reverse("wagtailsnippets_wagtail_crm_quarantinedsubmission:list")
    )

    html = response.content.decode()
    assert "Real Person" in html
    assert "Stop phrase: casino" in html
    assert reverse("wagtail_crm_quarantine_release", args=[held.pk]) in html


def test_release_from_the_admin_creates_the_lead(admin_client, held):
    url = reverse("wagtail_crm_quarantine_release", args=[held.pk])
    assert "Yes, release into leads" in admin_client.get(url).content.decode()

    response = admin_client.post(url)

    lead = Lead.objects.get()
    assert response.status_code == 302
    assert lead.utm_campaign == "spring"
    assert lead.email == "real@example.com"
    held.refresh_from_db()
    assert held.released_lead == lead
    assert ModelLogEntry.objects.filter(
        action="wagtail_crm.quarantine_released", object_id=str(lead.pk)
    ).exists()


def test_release_needs_permission(client, django_user_model, held):
    editor = django_user_model.objects.create_user("ed", "ed@example.com", "x")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    url = reverse("wagtail_crm_quarantine_release", args=[held.pk])
    response = client.post(url)

    assert response.status_code in (302, 403)
    assert not Lead.objects.exists()


def test_webhook_admin_create_and_delivery_log(
    admin_client, django_capture_on_commit_callbacks
):
    response = admin_client.post(
        reverse("wagtailsnippets_wagtail_crm_webhook:add"),
        {
            "name": "ERP",
            "url": "http://127.0.0.1:9/hook",
            "events": ["lead.created", "deal.stage_changed"],
            "secret": "abc",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    webhook = Webhook.objects.get()
    assert webhook.events == ["lead.created", "deal.stage_changed"]

    with django_capture_on_commit_callbacks(execute=True):  # the lead's task
        capture_lead({"email": "anna@example.com"})
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")
    listing = admin_client.get(
        reverse("wagtailsnippets_wagtail_crm_webhookdelivery:list")
    ).content.decode()
    assert "lead.created" in listing
    assert reverse("wagtail_crm_webhook_retry", args=[delivery.pk]) in listing


def test_page_editor_shows_leads_of_the_last_30_days(admin_client, site_pages):
    page = site_pages["contact"]
    for n in range(3):
        capture_lead({"email": f"c{n}@example.com"}, source_page=page)
    old = capture_lead({"email": "old@example.com"}, source_page=page)
    Lead.objects.filter(pk=old.pk).update(created_at="2020-01-01T00:00:00Z")

    html = admin_client.get(
        reverse("wagtailadmin_pages:edit", args=[page.pk])
    ).content.decode()

    assert "Leads in the last 30 days" in html
    assert f"?source_page={page.pk}&amp;created_at_from=" in html
    panel = html[html.index("data-wagtailcrm-page-leads") :]
    assert ">3</a>" in panel[:600]


def test_a_form_page_with_the_crm_panels_shows_its_leads_once(admin_client, site_pages):
    """The leads panel comes with ``LeadCaptureFormMixin.crm_panels``: a page
    type that adds only those (as the docs say) shows it, and only once."""
    from home.models import ContactPage

    page = site_pages["contact"]
    capture_lead({"email": "c@example.com"}, source_page=page)

    html = admin_client.get(
        reverse("wagtailadmin_pages:edit", args=[page.pk])
    ).content.decode()

    own_panels = [type(panel) for panel in ContactPage.content_panels]
    assert PageLeadsPanel not in own_panels
    assert html.count("data-wagtailcrm-page-leads") == 1
    panel = html[html.index("data-wagtailcrm-page-leads") :]
    assert ">1</a>" in panel[:600]


def test_panel_link_opens_the_listing_filtered_to_the_pages_recent_leads(
    admin_client, site_pages
):
    contact, services = site_pages["contact"], site_pages["services"]
    for n in range(2):
        capture_lead({"name": f"Fromcontact{n}"}, source_page=contact)
    old = capture_lead({"name": "Oldcontact"}, source_page=contact)
    Lead.objects.filter(pk=old.pk).update(created_at="2020-01-01T00:00:00Z")
    capture_lead({"name": "Fromservices"}, source_page=services)
    capture_lead({"name": "Frominnowhere"})

    url = leads_listing_url(contact)
    listing = admin_client.get(url).content.decode()

    assert leads_from_page(contact).count() == 2
    assert "Fromcontact0" in listing and "Fromcontact1" in listing
    for other in ("Oldcontact", "Fromservices", "Frominnowhere"):
        assert other not in listing
    # Without the filter the listing has them all: the parameters are understood.
    unfiltered = admin_client.get(url.split("?")[0]).content.decode()
    for name in ("Oldcontact", "Fromservices", "Frominnowhere"):
        assert name in unfiltered


def test_page_editor_panel_counts_only_own_leads(client, django_user_model, site_pages):
    user = django_user_model.objects.create_user("m", "m@example.com", "x")
    group = Group.objects.get(name="Editors")
    group.user_set.add(user)
    user.user_permissions.add(Permission.objects.get(codename="view_lead"))
    page = site_pages["contact"]
    capture_lead({"email": "a@example.com"}, source_page=page, owner_id=user.pk)
    capture_lead({"email": "b@example.com"}, source_page=page)
    client.force_login(user)

    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content
    panel = html.decode()[html.decode().index("data-wagtailcrm-page-leads") :]

    assert ">1</a>" in panel[:600]
    assert QuarantinedSubmission.objects.count() == 0


def test_quarantine_and_delivery_log_are_not_added_or_edited_by_hand(
    admin_client, held
):
    """Rows the CRM writes itself: no "Add" for anyone, a superuser neither;
    a delivery is read, retried or deleted, not edited. Release and retry
    work as before."""
    webhook = Webhook.objects.create(
        name="Hook", url="http://127.0.0.1:9/", secret="s", events=["lead.created"]
    )
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, event="lead.created", payload={"id": 1}, status="failed"
    )
    quarantine_list = reverse("wagtailsnippets_wagtail_crm_quarantinedsubmission:list")
    delivery_list = reverse("wagtailsnippets_wagtail_crm_webhookdelivery:list")
    for name in ("quarantinedsubmission", "webhookdelivery"):
        add = reverse(f"wagtailsnippets_wagtail_crm_{name}:add")
        assert admin_client.get(add).status_code in (302, 403)
    for url in (quarantine_list, delivery_list):
        html = admin_client.get(url).content.decode()
        assert "/add/" not in html
    edit = reverse(
        "wagtailsnippets_wagtail_crm_webhookdelivery:edit", args=[delivery.pk]
    )
    assert admin_client.get(edit).status_code in (302, 403)
    inspect = reverse(
        "wagtailsnippets_wagtail_crm_webhookdelivery:inspect", args=[delivery.pk]
    )
    assert admin_client.get(inspect).status_code == 200
    assert reverse("wagtail_crm_webhook_retry", args=[delivery.pk]) in (
        admin_client.get(delivery_list).content.decode()
    )
    assert reverse("wagtail_crm_quarantine_release", args=[held.pk]) in (
        admin_client.get(quarantine_list).content.decode()
    )
