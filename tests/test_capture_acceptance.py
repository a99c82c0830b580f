"""Form capture as a new site owner, and the issue's acceptance tests, use it."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Site
from wagtail.search.backends import get_search_backend
from wagtail.test.utils import WagtailTestUtils

from wagtail_crm.capture.field_guess import crm_fields_of
from wagtail_crm.capture.quarantine import release
from wagtail_crm.models import Contact, CRMSettings, Lead, QuarantinedSubmission
from wagtail_crm.privacy.data import PersonalData

from .capture_helpers import CONTACT_FORM, form_post

pytestmark = pytest.mark.django_db


def search(text, model):
    return get_search_backend().search(text, model)


# Spam checks ----------------------------------------------------------------


def test_min_fill_time_of_zero_turns_the_timestamp_check_off(
    client, site_pages, settings
):
    settings.WAGTAILCRM_CAPTURE_MIN_FILL_SECONDS = 0

    response = client.post("/contact/", CONTACT_FORM)  # no signed "shown at"

    assert response.status_code == 200
    assert Lead.objects.count() == 1


# The lead-form block --------------------------------------------------------


def block_ids(client):
    html = client.get("/services/").content.decode()
    return {
        "page_id": re.search(r'name="page_id" value="(\d+)"', html).group(1),
        "block_id": re.search(r'name="block_id" value="([^"]+)"', html).group(1),
        "csrfmiddlewaretoken": re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', html
        ).group(1),
    }


BLOCK_ANSWERS = {"name": "Boris Ivanov", "email": "boris@example.com", "consent": "on"}


def test_block_answers_json_to_xmlhttprequest(client, site_pages):
    response = client.post(
        "/crm/lead-form/",
        form_post(**BLOCK_ANSWERS, **block_ids(client)),
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )

    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert Lead.objects.get().email == "boris@example.com"


def test_block_posts_with_a_csrf_token_and_is_refused_without(site_pages):
    client = Client(enforce_csrf_checks=True)
    ids = block_ids(client)
    token = ids.pop("csrfmiddlewaretoken")

    refused = client.post("/crm/lead-form/", form_post(**BLOCK_ANSWERS, **ids))
    sent = client.post(
        "/crm/lead-form/",
        form_post(**BLOCK_ANSWERS, **ids, csrfmiddlewaretoken=token),
    )

    assert refused.status_code == 403
    assert sent.status_code == 302
    assert Lead.objects.count() == 1


def nested_form_page(home):
    """A page with lead-form blocks in a StructBlock, ListBlock and StreamBlock."""
    from tests.testapp.models import NestedFormPage

    def form(thanks):
        return {"fields": ["name", "email"], "thank_you": thanks}

    page = NestedFormPage(
        title="Nested",
        slug="nested",
        body=[
            ("section", {"heading": "Write to us", "form": form("From the section")}),
            ("forms", [form("From list item 1"), form("From list item 2")]),
            ("columns", [("lead_form", form("From the column"))]),
        ],
    )
    home.add_child(instance=page)
    return page


def test_a_lead_form_block_nested_in_other_blocks_takes_posts(client, site_pages):
    page = nested_form_page(site_pages["home"])
    html = client.get(page.url).content.decode()
    block_ids = re.findall(r'name="block_id" value="([^"]+)"', html)

    messages = []
    for n, block_id in enumerate(block_ids):
        answers = {"name": f"Visitor {n}", "email": f"v{n}@example.com"}
        response = client.post(
            "/crm/lead-form/",
            form_post(**answers, page_id=page.pk, block_id=block_id),
            HTTP_ACCEPT="application/json",
        )
        messages.append(response.json()["message"])

    assert len(set(block_ids)) == 4
    assert messages == [
        "From the section",
        "From list item 1",
        "From list item 2",
        "From the column",
    ]
    assert Lead.objects.filter(source_page=page).count() == 4
    unknown = form_post(**BLOCK_ANSWERS, page_id=page.pk, block_id="nope")
    assert client.post("/crm/lead-form/", unknown).status_code == 404


# Quarantine and personal data ------------------------------------------------


def test_quarantined_form_post_keeps_its_wagtail_submission_for_release_and_erase(
    client, site_pages
):
    crm = CRMSettings.for_site(Site.objects.get(is_default_site=True))
    crm.stop_phrases = "casino"
    crm.save()

    client.post("/contact/", form_post(**(CONTACT_FORM | {"message": "Casino!"})))

    submission = FormSubmission.objects.get()
    item = QuarantinedSubmission.objects.get()
    found = PersonalData.find(email="anna@example.com")
    assert found.form_submissions == [submission]
    lead = release(item)
    assert lead.data["form_submission_id"] == submission.pk


def form_page(home, fields, slug="zayavka"):
    """A form page whose fields are added as in Wagtail's docs: no CRM field."""
    from home.models import ContactPage

    page = ContactPage(title="Заявка", slug=slug)
    for order, (label, field_type) in enumerate(fields):
        page.form_fields.add(
            page.form_fields.model(
                sort_order=order, label=label, field_type=field_type, required=False
            )
        )
    home.add_child(instance=page)
    return page


def post_answers(client, page, answers):
    names = [field.clean_name for field in page.get_form_fields()]
    return client.post(page.url, form_post(**dict(zip(names, answers, strict=True))))


def fields(*specs):
    return [
        SimpleNamespace(label=label, field_type=field_type, crm_field=crm_field)
        for label, field_type, crm_field in specs
    ]


# Unmapped form fields -------------------------------------------------------


def test_unmapped_fields_are_recognised_by_type_and_label(client, site_pages):
    page = form_page(
        site_pages["home"],
        [
            ("Имя", "singleline"),
            ("Телефон", "singleline"),
            ("Where can we write?", "email"),
            ("Сообщение", "multiline"),
            ("Как вы о нас узнали?", "singleline"),
            ("Я согласен на обработку персональных данных", "checkbox"),
        ],
    )

    response = post_answers(
        client,
        page,
        ["Анна Смирнова", "8 916 123-45-67", "A@Example.com", "Привет", "Друзья", "on"],
    )

    assert response.status_code == 200
    lead = Lead.objects.get()
    assert lead.name == "Анна Смирнова"
    assert lead.email == "a@example.com"
    assert lead.phone == "8 916 123-45-67"
    assert lead.phone_e164 == "+79161234567"
    assert lead.message == "Привет"
    assert lead.consent is True
    assert lead.consent_text == "Я согласен на обработку персональных данных"
    assert lead.data["Как вы о нас узнали?"] == "Друзья"  # custom data
    assert (lead.contact.first_name, lead.contact.last_name) == ("Анна", "Смирнова")


def test_labels_in_english_and_albanian_with_your():
    guessed = crm_fields_of(
        fields(
            ("Your name", "singleline", ""),
            ("Numri i telefonit", "singleline", ""),
            ("E-maili juaj", "singleline", ""),
            ("Company", "singleline", ""),
            ("Your message", "multiline", ""),
            ("Subscribe to our newsletter", "checkbox", ""),
            ("Favourite colour", "singleline", ""),
        )
    )

    assert guessed == ["name", "phone", "email", "company", "message", "", ""]


def test_first_and_last_name_fields_stay_apart():
    guessed = crm_fields_of(
        fields(("First name", "singleline", ""), ("Фамилия", "singleline", ""))
    )

    assert guessed == ["first_name", "last_name"]


def test_labels_from_the_column_synonyms_hook_are_recognised():
    def synonyms():
        return {"phone": ["How can we reach you"]}

    specs = fields(("How can we reach you?", "singleline", ""))
    with WagtailTestUtils().register_hook(
        "wagtailcrm_register_column_synonyms", synonyms
    ):
        assert crm_fields_of(specs) == ["phone"]
    assert crm_fields_of(specs) == [""]


def test_a_mapped_crm_field_is_never_guessed_for_another_field():
    guessed = crm_fields_of(
        fields(
            ("Work address", "singleline", "email"),
            ("Email", "email", ""),
            ("Phone", "singleline", ""),
            ("Mobile phone", "singleline", ""),
        )
    )

    assert guessed == ["email", "", "phone", ""]


# Attribution, assignment, notification --------------------------------------


def test_utm_of_the_landing_page_reaches_a_lead_sent_from_another_page(
    client, site_pages
):
    client.get(
        "/?utm_source=newsletter&utm_campaign=spring",
        HTTP_REFERER="https://mail.example.net/",
    )
    client.get("/contact/", HTTP_REFERER="http://testserver/")

    client.post(
        "/contact/",
        form_post(**CONTACT_FORM),
        HTTP_REFERER="http://testserver/contact/",
        REMOTE_ADDR="203.0.113.5",
    )

    lead = Lead.objects.get()
    assert (lead.utm_source, lead.utm_campaign) == ("newsletter", "spring")
    assert lead.referrer == "https://mail.example.net/"
    assert lead.attribution["first_touch"]["landing_url"].endswith(
        "/?utm_source=newsletter&utm_campaign=spring"
    )
    assert "ip" not in lead.attribution


def test_ip_is_stored_only_with_the_setting(client, site_pages, settings):
    settings.WAGTAILCRM_CAPTURE_STORE_IP = True

    client.post("/contact/", form_post(**CONTACT_FORM), REMOTE_ADDR="203.0.113.5")

    assert Lead.objects.get().attribution["ip"] == "203.0.113.5"


def test_round_robin_and_reply_to_the_visitor(
    client, site_pages, django_user_model, django_capture_on_commit_callbacks
):
    group = Group.objects.create(name="Sales")
    for name in ("olga", "pavel"):
        django_user_model.objects.create_user(name, f"{name}@example.com").groups.add(
            group
        )
    page = site_pages["contact"]
    page.crm_owner_group = group
    page.save()

    for number in range(3):
        answers = CONTACT_FORM | {
            "name": f"Person {number}",
            "email": f"p{number}@example.com",
            "phone": "",
        }
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/contact/", form_post(**answers))

    owners = Lead.objects.order_by("pk").values_list("owner__username", flat=True)
    assert list(owners) == ["olga", "pavel", "olga"]
    assert [(m.to, m.reply_to) for m in mail.outbox] == [
        (["olga@example.com"], ["p0@example.com"]),
        (["pavel@example.com"], ["p1@example.com"]),
        (["olga@example.com"], ["p2@example.com"]),
    ]


def test_block_takes_utm_from_the_page_it_was_sent_from(site_pages):
    client = Client()  # no cookie: the post is the visitor's first request
    ids = block_ids(Client())
    del ids["csrfmiddlewaretoken"]
    page_url = "http://testserver/services/?utm_source=google&utm_campaign=spring"

    client.post(
        "/crm/lead-form/", form_post(**BLOCK_ANSWERS, **ids), HTTP_REFERER=page_url
    )

    lead = Lead.objects.get()
    assert lead.source_url == page_url
    assert (lead.utm_source, lead.utm_campaign) == ("google", "spring")
    assert lead.attribution["first_touch"]["landing_url"] == page_url


def test_erase_leaves_the_name_neither_in_the_audit_log_nor_in_search(
    admin_client, site_pages, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/contact/", form_post(**CONTACT_FORM))
    lead = Lead.objects.get()
    log(lead, "wagtail.edit")  # an earlier entry, labelled with the name
    assert search("Smirnova", Contact).count() == 1

    admin_client.post(
        reverse("wagtail_crm_personal_data"),
        {"email": "anna@example.com", "confirm_erase": "on"},
    )

    labels = set(ModelLogEntry.objects.values_list("label", flat=True))
    assert labels == {"Erased"}
    assert (
        ModelLogEntry.objects.filter(action="wagtail_crm.personal_data_erased").count()
        == 2
    )
    for model in (Contact, Lead):
        assert search("Smirnova", model).count() == 0
        assert search("anna@example.com", model).count() == 0
