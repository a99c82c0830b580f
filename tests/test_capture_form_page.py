"""The example site's /contact/ form page creates leads through the mixin."""

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from wagtail_crm.models import Contact, Lead, Phone

from .capture_helpers import CONTACT_FORM, form_post

pytestmark = pytest.mark.django_db


def post_contact(client, url="/contact/", **changes):
    return client.post(url, form_post(**(CONTACT_FORM | changes)))


def test_submission_creates_one_attributed_lead(client, site_pages):
    response = post_contact(
        client, "/contact/?utm_source=newsletter&utm_campaign=spring"
    )

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    lead = Lead.objects.get()
    assert lead.source_page_id == site_pages["contact"].pk
    assert lead.utm_source == "newsletter"
    assert lead.utm_campaign == "spring"
    assert lead.source_url.endswith(
        "/contact/?utm_source=newsletter&utm_campaign=spring"
    )
    assert lead.consent is True
    assert lead.consent_text == "I agree to the processing of my personal data"
    assert lead.email == "anna@example.com"
    assert lead.phone == "+7 (916) 123-45-67"
    assert lead.phone_e164 == "+79161234567"
    assert lead.data["Message"] == CONTACT_FORM["message"]
    assert lead.attribution["first_touch"]["utm_campaign"] == "spring"
    # Wagtail's own submission is still stored.
    assert FormSubmission.objects.filter(page=site_pages["contact"]).count() == 1
    assert lead.data["form_submission_id"] == FormSubmission.objects.get().pk


def test_repeat_person_with_other_phone_format_links_same_contact(client, site_pages):
    post_contact(client)
    post_contact(
        client, phone="8 916 1234567", email="ANNA@example.com", message="Again"
    )

    assert Lead.objects.count() == 2
    contact = Contact.objects.get()
    assert set(Lead.objects.values_list("contact", flat=True)) == {contact.pk}
    assert list(Phone.objects.values_list("e164", flat=True)) == ["+79161234567"]
    assert contact.email == "anna@example.com"


def test_badly_typed_phone_never_loses_the_lead(client, site_pages):
    post_contact(client, phone="call me after 6pm")

    lead = Lead.objects.get()
    assert lead.phone == "call me after 6pm"
    assert lead.phone_e164 == ""
    assert lead.contact.email == "anna@example.com"


def test_mapping_survives_renaming_the_label(client, site_pages):
    field = site_pages["contact"].form_fields.get(crm_field="email")
    field.label = "Your e-mail address"
    field.save()

    field.refresh_from_db()
    post_contact(client, **{field.clean_name: "renamed@example.com"})

    lead = Lead.objects.get()
    assert lead.email == "renamed@example.com"
    assert lead.data["Your e-mail address"] == "renamed@example.com"


def test_company_creates_organization_once(client, site_pages):
    post_contact(client, company="ООО «Ромашка»")
    post_contact(client, company="Ромашка", email="boss@romashka.ru")

    leads = Lead.objects.order_by("pk")
    assert leads[0].organization_id == leads[1].organization_id
    assert leads[0].organization.name == "ООО «Ромашка»"


def test_capture_off_keeps_only_wagtail_submission(client, site_pages):
    page = site_pages["contact"]
    page.crm_capture_enabled = False
    page.save()

    response = client.post("/contact/", dict(CONTACT_FORM))

    assert response.status_code == 200
    assert FormSubmission.objects.count() == 1
    assert not Lead.objects.exists()


def test_owner_and_tags_from_page_and_notification_email(
    client, site_pages, django_user_model, django_capture_on_commit_callbacks
):
    manager = django_user_model.objects.create_user(
        "olga", "olga@example.com", "x", is_staff=True
    )
    page = site_pages["contact"]
    page.crm_owner = manager
    page.crm_tags = "website, wholesale"
    page.save()

    with django_capture_on_commit_callbacks(execute=True):
        post_contact(client)

    lead = Lead.objects.get()
    assert lead.owner == manager
    assert sorted(lead.tags.names()) == ["website", "wholesale"]
    crm_mail = [m for m in mail.outbox if m.subject.startswith("New lead")]
    assert crm_mail[0].to == ["olga@example.com"]
    assert crm_mail[0].reply_to == ["anna@example.com"]


def test_wagtail_email_of_the_submission_goes_after_the_commit(
    client, site_pages, django_capture_on_commit_callbacks
):
    page = site_pages["contact"]
    page.to_address = "office@example.com"
    page.subject = "Website enquiry"
    page.save()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_contact(client)
    assert Lead.objects.count() == 1
    assert not [m for m in mail.outbox if m.subject == "Website enquiry"]

    for callback in callbacks:
        callback()

    sent = [m for m in mail.outbox if m.subject == "Website enquiry"]
    assert [m.to for m in sent] == [["office@example.com"]]
    assert "Anna Smirnova" in sent[0].body


def test_wagtail_submission_is_kept_when_capture_fails(client, site_pages, monkeypatch):
    def broken(*args, **kwargs):
        Lead.objects.create(name="half-written")
        raise RuntimeError("capture is broken")

    monkeypatch.setattr("wagtail_crm.capture.mixins.capture_submission", broken)

    with pytest.raises(RuntimeError):
        post_contact(client)

    assert not Lead.objects.exists()  # rolled back with its transaction
    submission = FormSubmission.objects.get()
    assert submission.get_data()["email"] == "Anna@Example.com"


def test_submitted_values_are_stored_as_their_json():
    import datetime
    import decimal
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from wagtail_crm.capture.mixins import _json_safe

    choices = ["a", "b"]
    samples = [
        "Anna",
        "",
        True,
        False,
        None,
        7,
        2.5,
        choices,
        [1, "x"],
        decimal.Decimal("1.50"),
        datetime.date(2026, 3, 1),
        datetime.datetime(2026, 3, 1, 12, 30),
    ]
    for value in samples:
        expected = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
        assert _json_safe(value) == expected
        assert type(_json_safe(value)) is type(expected)
    assert _json_safe(choices) is not choices
