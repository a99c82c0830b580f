"""Form capture with what visitors really send: a phone only, long values, line
breaks, nested and private blocks; and the quarantine in the editor's language."""

import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail import blocks
from wagtail.models import ModelLogEntry, PageViewRestriction

from wagtail_crm.capture.blocks import LeadFormBlock, _lead_forms_in
from wagtail_crm.capture.notifications import send_new_lead_email
from wagtail_crm.capture.quarantine import quarantine
from wagtail_crm.capture.service import capture_lead
from wagtail_crm.capture.spam import content_spam_reason, translated_reason
from wagtail_crm.capture.submission import LeadSubmission
from wagtail_crm.dedup import PERSON_KEY_LENGTH
from wagtail_crm.integrations import webhooks
from wagtail_crm.models import Contact, Lead

from .capture_helpers import form_post
from .test_capture_block import QUOTE, block_form

pytestmark = pytest.mark.django_db


# A "call me back" form: the number is all there is.


def test_phone_only_repeat_links_to_the_same_card():
    first = capture_lead({"phone": "8 (903) 111-22-33"})
    second = capture_lead({"phone": "+7 903 111 22 33"})

    assert Contact.objects.count() == 1
    assert second.contact_id == first.contact_id


def test_phone_only_links_to_the_named_card_with_that_number():
    named = capture_lead({"name": "Пётр Сидоров", "phone": "8 903 333-44-55"})
    again = capture_lead({"phone": "89033334455"})

    assert again.contact_id == named.contact_id
    assert Contact.objects.count() == 1


def test_the_name_sent_later_goes_on_the_card_made_from_the_number():
    callback = capture_lead({"phone": "8 903 333-44-55"})
    named = capture_lead({"name": "Пётр Сидоров", "phone": "+79033334455"})

    assert named.contact_id == callback.contact_id
    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name) == ("Пётр", "Сидоров")
    assert contact.last_name_key == "sidorov"
    # From now on the card is found by phone and name like any other.
    assert capture_lead({"name": "Сидоров", "phone": "89033334455"}).contact_id == (
        contact.pk
    )


def test_phone_only_with_another_e_mail_than_the_card_is_someone_else():
    capture_lead(
        {"name": "Ivan Petrov", "email": "ivan@a.example", "phone": "84951112233"}
    )
    capture_lead({"email": "olga@a.example", "phone": "84951112233"})

    assert Contact.objects.count() == 2


def test_two_people_on_one_office_line_stay_two():
    capture_lead({"name": "Ivan Petrov", "phone": "84951112233"})
    capture_lead({"name": "Olga Sidorova", "phone": "84951112233"})

    assert Contact.objects.count() == 2


# Long values: the lead is kept, whatever the columns hold.


def test_an_e_mail_longer_than_an_address_can_be_keeps_the_lead():
    email = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "com"  # 309 characters

    lead = capture_lead({"name": "Long Mail", "email": email}, data={"E-mail": email})

    lead.refresh_from_db()
    assert lead.email == ""  # not an address a mail server takes
    assert lead.data["E-mail"] == email  # as typed
    assert lead.contact_id is None  # nothing to find the person by again


def test_a_long_cyrillic_surname_keeps_the_lead():
    # "Щ" becomes "sh" in the match key: longer than the name once cut.
    lead = capture_lead({"name": "Анна " + "Щукина" * 30, "email": "s@example.com"})

    contact = Lead.objects.get(pk=lead.pk).contact
    assert len(contact.last_name) == 150
    assert 0 < len(contact.last_name_key) <= PERSON_KEY_LENGTH
    # Found again by the same (cut) key.
    again = capture_lead({"name": "Анна " + "Щукина" * 30, "phone": "89160000000"})
    assert again.contact_id is not None


def test_a_line_break_in_the_name_does_not_stop_the_e_mail():
    owner = get_user_model().objects.create_user("owner", "owner@example.com", "x")
    lead = capture_lead(
        {"name": "Anna\nSmirnova", "email": "anna@example.com"}, owner_id=owner.pk
    )
    mail.outbox.clear()

    send_new_lead_email(lead.pk)

    (message,) = mail.outbox
    assert "\n" not in message.subject
    assert "Anna Smirnova" in message.subject
    assert message.reply_to == ["anna@example.com"]


# The lead-form block, nested and on a private page.


def test_a_block_nested_in_struct_blocks_can_be_sent():
    class Column(blocks.StructBlock):
        callback_request_form = LeadFormBlock()

    class TwoColumns(blocks.StructBlock):
        sidebar_column = Column()

    outer = TwoColumns()
    value = outer.to_python(
        {"sidebar_column": {"callback_request_form": {"fields": ["email"]}}}
    )
    ((block_id, block, form_value),) = _lead_forms_in(outer, value, str(uuid.uuid4()))
    form = block.build_form(
        form_value,
        {"page_id": "1", "block_id": block_id, "name": "A", "email": "a@example.com"},
    )

    assert len(block_id) > 64
    assert form.is_valid(), form.errors


def test_a_private_page_takes_posts_from_those_who_may_see_it(admin_client, site_pages):
    client = Client()  # anonymous (admin_client is pytest-django's client, logged in)
    _html, ids = block_form(client)
    PageViewRestriction.objects.create(
        page=site_pages["services"], restriction_type=PageViewRestriction.LOGIN
    )

    anonymous = client.post("/crm/lead-form/", form_post(**QUOTE, **ids))
    signed_in = admin_client.post("/crm/lead-form/", form_post(**QUOTE, **ids))

    assert anonymous.status_code == 404
    assert signed_in.status_code == 302
    assert Lead.objects.count() == 1


# Webhook signatures: an old one is a replay.


def test_verify_refuses_an_old_timestamp_unless_told_not_to():
    body = b'{"event": "lead.created"}'
    now, old = str(int(time.time())), str(int(time.time()) - 3600)

    assert webhooks.verify("s3cret", now, body, webhooks.sign("s3cret", now, body))
    old_signature = webhooks.sign("s3cret", old, body)
    assert not webhooks.verify("s3cret", old, body, old_signature)
    assert webhooks.verify("s3cret", old, body, old_signature, max_age=None)
    assert not webhooks.verify("s3cret", "soon", body, old_signature)


# The quarantine: reasons in the editor's language, subdomains, one release.


def test_a_reason_is_stored_in_english_and_shown_in_the_editor_language(
    crm_settings_with_filters,
):
    site = crm_settings_with_filters.site
    with translation.override("ru"):  # a Russian visitor
        reason = content_spam_reason({"message": "Casino bonus!"}, site=site)

    assert reason == "Stop phrase: casino bonus"
    with translation.override("ru"):
        assert translated_reason(reason) == "Стоп-фраза: casino bonus"
    with translation.override("sq"):
        assert translated_reason(reason) != reason
        assert translated_reason(reason).endswith(": casino bonus")
    assert translated_reason("something else") == "something else"


def test_a_subdomain_of_a_blocked_domain_is_blocked(crm_settings_with_filters):
    site = crm_settings_with_filters.site
    reason = content_spam_reason({"email": "x@mail.Spam.example"}, site=site)
    assert reason == "Blocked e-mail domain: mail.spam.example"
    assert content_spam_reason({"email": "x@notspam.example"}, site=site) == ""


def test_releasing_twice_logs_one_release(admin_client, site_pages):
    item = quarantine(
        LeadSubmission(fields={"name": "Real Person", "email": "real@example.com"}),
        "Stop phrase: casino",
    )
    url = reverse("wagtail_crm_quarantine_release", args=[item.pk])

    admin_client.post(url)
    admin_client.post(url)

    assert Lead.objects.count() == 1
    assert (
        ModelLogEntry.objects.filter(action="wagtail_crm.quarantine_released").count()
        == 1
    )
