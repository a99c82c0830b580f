"""Export and erase a person's data; retention purge."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import ModelLogEntry

from wagtail_crm.capture.quarantine import quarantine
from wagtail_crm.capture.service import capture_lead
from wagtail_crm.capture.submission import LeadSubmission
from wagtail_crm.models import Contact, Lead, Phone, QuarantinedSubmission
from wagtail_crm.privacy.data import PersonalData

from .capture_helpers import CONTACT_FORM, form_post

pytestmark = pytest.mark.django_db
URL = "wagtail_crm_personal_data"


@pytest.fixture
def anna(client, site_pages):
    client.post("/contact/?utm_campaign=spring", form_post(**CONTACT_FORM))
    capture_lead({"name": "Anna Smirnova", "phone": "8 916 123-45-67"})
    return Contact.objects.get()


def test_export_json_has_everything_about_the_person(admin_client, anna):
    response = admin_client.get(
        reverse(URL), {"email": "anna@example.com", "export": "json"}
    )

    data = json.loads(response.content)
    assert response["Content-Disposition"].endswith('personal-data.json"')
    assert [c["email"] for c in data["contacts"]] == ["anna@example.com"]
    assert len(data["leads"]) == 2  # the phone-only lead is linked to the contact
    assert data["contacts"][0]["phones"] == ["+79161234567"]
    assert len(data["form_submissions"]) == 1


def test_export_xlsx_by_phone(admin_client, anna):
    response = admin_client.get(
        reverse(URL), {"phone": "+7 916 1234567", "export": "xlsx"}
    )

    workbook = load_workbook(io.BytesIO(response.content))
    assert "leads" in workbook.sheetnames
    assert workbook["leads"].max_row == 3  # header + 2 leads


def test_erase_anonymizes_and_keeps_counts(admin_client, anna):
    response = admin_client.post(
        reverse(URL), {"email": "anna@example.com", "confirm_erase": "on"}
    )

    assert response.status_code == 302
    assert Lead.objects.count() == 2
    assert not Lead.objects.filter(email="anna@example.com").exists()
    assert set(Lead.objects.values_list("utm_campaign", flat=True)) == {"spring", ""}
    contact = Contact.objects.get()
    assert contact.email == "" and contact.first_name == ""
    assert not Phone.objects.exists()
    assert not FormSubmission.objects.exists()
    assert ModelLogEntry.objects.filter(
        action="wagtail_crm.personal_data_erased", object_id=str(contact.pk)
    ).exists()


def test_phone_finds_and_erases_quarantined_submissions(admin_client, db):
    spam = quarantine(
        LeadSubmission(fields={"name": "Anna", "phone": "8 (916) 123-45-67"}),
        "Stop phrase: casino",
    )
    quarantine(
        LeadSubmission(fields={"name": "Boris", "phone": "+7 495 765-43-21"}),
        "Stop phrase: casino",
    )
    quarantine(LeadSubmission(fields={"name": "No phone"}), "Stop phrase: casino")

    assert PersonalData.find(phone="+7 916 1234567").quarantined == [spam]
    admin_client.post(reverse(URL), {"phone": "+79161234567", "confirm_erase": "on"})

    remaining = QuarantinedSubmission.objects.values_list("name", flat=True)
    assert set(remaining) == {"Boris", "No phone"}


def test_phone_kept_as_typed_is_found_by_its_digits(admin_client, db):
    typed = capture_lead({"name": "Ivan Petrov", "phone": "12-34"})
    capture_lead({"name": "Other", "phone": "12-345"})
    assert typed.phone_e164 == ""

    response = admin_client.get(reverse(URL), {"phone": "(12) 34", "export": "json"})

    leads = json.loads(response.content)["leads"]
    assert [lead["name"] for lead in leads] == ["Ivan Petrov"]
    admin_client.post(reverse(URL), {"phone": "1234", "confirm_erase": "on"})
    assert set(Lead.objects.values_list("name", flat=True)) == {"Erased", "Other"}


def test_erase_needs_confirmation(admin_client, anna):
    admin_client.post(reverse(URL), {"email": "anna@example.com"})
    assert Contact.objects.get().email == "anna@example.com"


def test_personal_data_needs_its_own_permission(client, django_user_model, anna):
    user = django_user_model.objects.create_user("m", "m@example.com", "x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(reverse(URL), {"email": "anna@example.com"}).status_code in (
        302,
        403,
    )
    user.user_permissions.add(Permission.objects.get(codename="manage_personal_data"))
    user = django_user_model.objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(reverse(URL), {"email": "anna@example.com"}).status_code == 200


def test_purge_removes_old_unconverted_leads(anna, settings):
    settings.WAGTAILCRM_LEAD_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=40)
    converted = Lead.objects.order_by("pk").first()
    converted.status = Lead.Status.CONVERTED
    converted.save()
    Lead.objects.update(created_at=old)
    FormSubmission.objects.update(submit_time=old)
    fresh = capture_lead({"email": "new@example.com"})

    out = io.StringIO()
    call_command("crm_purge_leads", stdout=out)

    assert "Removed 1 leads" in out.getvalue()
    assert set(Lead.objects.values_list("pk", flat=True)) == {converted.pk, fresh.pk}
    converted.refresh_from_db()
    assert converted.data == {}
    assert not FormSubmission.objects.exists()


def test_purge_keeps_the_campaign_of_old_converted_leads_but_not_the_visitor(
    client, site_pages, settings
):
    settings.WAGTAILCRM_CAPTURE_STORE_IP = True
    client.post(
        "/contact/?utm_source=google&utm_campaign=spring",
        form_post(**CONTACT_FORM),
        HTTP_USER_AGENT="Firefox/130",
        HTTP_ACCEPT_LANGUAGE="ru-RU",
        HTTP_REFERER="https://search.example/",
    )
    lead = Lead.objects.get()
    assert lead.attribution["ip"] and lead.attribution["user_agent"] == "Firefox/130"
    Lead.objects.update(
        status=Lead.Status.CONVERTED, created_at=timezone.now() - timedelta(days=40)
    )

    call_command("crm_purge_leads", days=30, stdout=io.StringIO())

    lead.refresh_from_db()
    for personal in ("ip", "user_agent", "accept_language"):
        assert personal not in lead.attribution
    touch = lead.attribution["last_touch"]
    assert touch["utm_source"] == "google" and touch["utm_campaign"] == "spring"
    assert touch["referrer"] == "https://search.example/"
    assert "utm_campaign=spring" in touch["landing_url"]
    assert lead.attribution["first_touch"]["utm_campaign"] == "spring"
    assert lead.utm_campaign == "spring"
