"""Form capture as a new site developer meets it: their own form pages (as
docs/form-capture.md shows them), every Wagtail field type, hooks, webhooks
and personal data."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from wagtail.contrib.forms.models import FormSubmission

from tests.testapp.models import (
    CustomSubmissionFormPage,
    DocsFormPage,
    PlainFormPage,
    UserFormSubmission,
)
from wagtail_crm.capture import mixins
from wagtail_crm.models import Contact, Lead

from .capture_helpers import form_post

pytestmark = pytest.mark.django_db

EVERY_TYPE = [
    # label, type, choices, crm_field
    ("Имя", "singleline", "", ""),
    ("E-mail", "email", "", ""),
    ("Телефон", "singleline", "", ""),
    ("How many people", "number", "", ""),
    ("Website", "url", "", ""),
    ("Я согласен на обработку персональных данных", "checkbox", "", ""),
    ("Interests", "checkboxes", "Окна\r\nДвери", ""),
    ("City", "dropdown", "Москва\r\nTiranë", ""),
    ("Languages", "multiselect", "English\r\nShqip", ""),
    ("Contact by", "radio", "Phone\r\nE-mail", ""),
    ("Preferred date", "date", "", ""),
    ("Preferred time", "datetime", "", ""),
    ("Campaign", "hidden", "", ""),
    ("Сообщение", "multiline", "", ""),
]
ANSWERS = {
    "Имя": "Анна Смирнова",
    "E-mail": "Anna@Example.com",
    "Телефон": "8 (916) 123-45-67",
    "How many people": "3",
    "Website": "https://example.com",
    "Я согласен на обработку персональных данных": "on",
    "Interests": ["Окна", "Двери"],
    "City": "Tiranë",
    "Languages": ["Shqip"],
    "Contact by": "E-mail",
    "Preferred date": "2030-01-31",
    "Preferred time": "2030-01-31 10:30",
    "Campaign": "spring",
    "Сообщение": "Перезвоните, пожалуйста",
}


def post_of(page, answers=ANSWERS):
    """The POST of ``answers`` (label → value), under Wagtail's field names."""
    names = {field.label: field.clean_name for field in page.get_form_fields()}
    return form_post(**{names[label]: value for label, value in answers.items()})


def make_page(page_class, fields, home, slug="form", **kwargs):
    page = page_class(title=slug.title(), slug=slug, **kwargs)
    for order, (label, field_type, choices, crm_field) in enumerate(fields):
        page.form_fields.add(
            page.form_fields.model(
                sort_order=order,
                label=label,
                field_type=field_type,
                choices=choices,
                required=False,
                crm_field=crm_field,
            )
        )
    home.add_child(instance=page)
    return page


@pytest.fixture
def fresh_check():
    mixins._runs_wagtails_own_submission.cache_clear()
    yield
    mixins._runs_wagtails_own_submission.cache_clear()


@pytest.mark.parametrize("page_class", [DocsFormPage, PlainFormPage])
def test_every_wagtail_field_type(client, site_pages, page_class, fresh_check):
    page = make_page(page_class, EVERY_TYPE, site_pages["home"])
    response = client.get(page.url)
    assert response.status_code == 200
    for name in post_of(page):
        assert f'name="{name}"' in response.text, name

    response = client.post(page.url, post_of(page))

    assert response.status_code == 200, response.text
    assert "Thank you" in response.text
    lead = Lead.objects.get()
    submission = FormSubmission.objects.get()
    assert lead.data["form_submission_id"] == submission.pk
    assert lead.name == "Анна Смирнова"
    assert lead.email == "anna@example.com"
    assert lead.phone == "8 (916) 123-45-67"
    assert lead.phone_e164 == "+79161234567"
    assert lead.message == "Перезвоните, пожалуйста"
    assert lead.consent is True
    assert lead.consent_text == "Я согласен на обработку персональных данных"
    assert lead.data["Interests"] == ["Окна", "Двери"]
    assert lead.data["City"] == "Tiranë"
    assert lead.data["Preferred date"] == "2030-01-31"
    assert lead.data["Campaign"] == "spring"
    assert "crm_ts" not in submission.form_data
    assert "crm_website" not in submission.form_data
    assert set(submission.get_data()) >= {"city", "campaign", "submit_time"}
    contact = lead.contact
    assert (contact.first_name, contact.last_name) == ("Анна", "Смирнова")


def test_custom_submission_class_and_process_form_submission(
    client, site_pages, fresh_check
):
    page = make_page(CustomSubmissionFormPage, EVERY_TYPE, site_pages["home"])
    user = get_user_model().objects.create_user("visitor", "v@example.com", "pw")
    client.force_login(user)

    response = client.post(page.url, post_of(page))

    assert response.status_code == 200
    submission = UserFormSubmission.objects.get()
    assert submission.user == user
    assert "crm_ts" not in submission.form_data
    lead = Lead.objects.get()
    assert lead.data["form_submission_id"] == submission.pk
    assert lead.email == "anna@example.com"


def test_admin_listing_of_submissions(admin_client, client, site_pages, fresh_check):
    page = make_page(DocsFormPage, EVERY_TYPE, site_pages["home"])
    client.post(page.url, post_of(page))
    response = admin_client.get(f"/admin/forms/submissions/{page.pk}/")
    assert response.status_code == 200
    assert "Анна Смирнова" in response.text
    response = admin_client.get(f"/admin/forms/submissions/{page.pk}/?export=csv")
    assert response.status_code == 200


def test_a_page_whose_own_method_calls_super_makes_one_lead(
    client, site_pages, fresh_check
):
    from tests.testapp.models import SuperCallingFormPage

    page = make_page(CustomSubmissionFormPage, EVERY_TYPE, site_pages["home"])
    page = SuperCallingFormPage.objects.get(pk=page.pk)
    request = RequestFactory().post(page.url, post_of(page))
    request.user = AnonymousUser()

    response = page.serve(request)

    assert response.status_code == 200
    assert Lead.objects.count() == UserFormSubmission.objects.count() == 1


def test_stop_phrase_in_an_answer_no_crm_field_takes(
    client, site_pages, crm_settings_with_filters, fresh_check
):
    from wagtail_crm.models import CRMSettings, QuarantinedSubmission

    settings = CRMSettings.objects.get()
    page = make_page(DocsFormPage, EVERY_TYPE, site_pages["home"])
    phrase = settings.stop_phrase_list[0]

    client.post(
        page.url, post_of(page, {**ANSWERS, "Campaign": f"Best {phrase.upper()}!"})
    )

    assert not Lead.objects.exists()
    assert QuarantinedSubmission.objects.count() == 1
    assert FormSubmission.objects.count() == 1  # saved either way


@pytest.mark.parametrize("answer,consent", [("Да", True), ("Нет", False), ("Po", True)])
def test_consent_answered_in_words(client, site_pages, answer, consent, fresh_check):
    fields = [
        ("Email", "email", "", ""),
        ("Согласие", "radio", "Да\r\nНет\r\nPo", "consent"),
    ]
    page = make_page(PlainFormPage, fields, site_pages["home"])

    client.post(page.url, post_of(page, {"Email": "a@example.com", "Согласие": answer}))

    lead = Lead.objects.get()
    assert lead.consent is consent
    assert lead.consent_text == "Согласие"


def test_consent_as_ticked_checkboxes(client, site_pages, fresh_check):
    fields = [
        ("Email", "email", "", ""),
        ("Consent", "checkboxes", "I agree to be contacted", "consent"),
    ]
    page = make_page(PlainFormPage, fields, site_pages["home"])

    client.post(
        page.url,
        post_of(
            page, {"Email": "a@example.com", "Consent": ["I agree to be contacted"]}
        ),
    )

    assert Lead.objects.get().consent is True


def test_a_broken_before_hook_does_not_lose_the_lead(client, site_pages, caplog):
    from wagtail import hooks

    def broken(submission, request):
        raise KeyError("oops")

    with hooks.register_temporarily("wagtailcrm_before_lead_create", broken):
        from wagtail_crm.capture.service import capture_lead

        lead = capture_lead({"name": "Anna", "email": "anna@example.com"})
        response = client.post(
            "/contact/",
            form_post(
                name="Boris",
                email="boris@example.com",
                i_agree_to_the_processing_of_my_personal_data="on",
            ),
        )

    assert lead.pk
    assert response.status_code == 200
    assert Lead.objects.count() == 2
    assert "wagtailcrm_before_lead_create hook" in caplog.text


def test_docs_hook_examples(client, site_pages):
    from wagtail import hooks

    from wagtail_crm.capture.service import LeadRejected, capture_lead

    def route_and_filter(submission, request):
        if submission.text("email").endswith("@competitor.example"):
            raise LeadRejected("Please call us instead.")
        if "wholesale" in submission.text("message").lower():
            submission.tags.append("wholesale")

    seen = []

    def notify_chat(lead, request):
        seen.append(f"New lead: {lead} ({lead.utm_campaign or 'direct'})")
        raise RuntimeError("chat is down")

    with (
        hooks.register_temporarily("wagtailcrm_before_lead_create", route_and_filter),
        hooks.register_temporarily("wagtailcrm_after_lead_create", notify_chat),
    ):
        lead = capture_lead(
            {"name": "Anna", "email": "anna@example.com", "message": "Wholesale?"}
        )
        with pytest.raises(LeadRejected):
            capture_lead({"name": "Spy", "email": "spy@competitor.example"})
        response = client.post(
            "/contact/",
            form_post(
                name="Spy",
                email="spy@competitor.example",
                i_agree_to_the_processing_of_my_personal_data="on",
            ),
        )

    assert list(lead.tags.names()) == ["wholesale"]
    assert len(seen) == 1
    assert response.status_code == 400
    assert "Please call us instead." in response.text
    assert Lead.objects.count() == 1
    assert not FormSubmission.objects.exists()


def test_returning_person_is_one_contact(client, site_pages):
    from wagtail_crm.capture.service import capture_lead

    first = capture_lead(
        {"name": "Anna Smirnova", "email": "anna@example.com", "phone": "+79161234567"}
    )
    by_email = capture_lead({"name": "Anna", "email": "ANNA@Example.COM "})
    by_phone = capture_lead({"name": "Смирнова Анна", "phone": "8 (916) 123-45-67"})

    assert Contact.objects.count() == 1
    assert first.contact_id == by_email.contact_id == by_phone.contact_id


def test_personal_data_and_purge_of_a_custom_submission_class(
    client, site_pages, fresh_check
):
    import io
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from wagtail_crm.privacy.data import PersonalData

    # A row of Wagtail's own table with the same id must not be mistaken for it.
    page = make_page(CustomSubmissionFormPage, EVERY_TYPE, site_pages["home"])
    other = FormSubmission.objects.create(
        form_data={"x": 1}, page=site_pages["contact"]
    )
    client.post(page.url, post_of(page))
    submission = UserFormSubmission.objects.get()
    assert Lead.objects.get().data["form_submission_id"] == submission.pk

    found = PersonalData.find(email="anna@example.com")
    assert found.form_submissions == [submission]
    assert found.as_dict()["form_submissions"][0]["id"] == submission.pk
    found.erase()
    assert not UserFormSubmission.objects.exists()
    assert FormSubmission.objects.filter(pk=other.pk).exists()

    client.post(page.url, post_of(page))
    UserFormSubmission.objects.update(submit_time=timezone.now() - timedelta(days=400))
    call_command("crm_purge_leads", "--days", "365", stdout=io.StringIO())
    assert not UserFormSubmission.objects.exists()
