"""Honeypot, fill time, rate limit, stop phrases, blocked domains, quarantine."""

import re
import time

import pytest
from wagtail.contrib.forms.models import FormSubmission

from wagtail_crm.capture import spam
from wagtail_crm.capture.quarantine import release
from wagtail_crm.models import Contact, Lead, QuarantinedSubmission

from .capture_helpers import CONTACT_FORM, form_post

pytestmark = pytest.mark.django_db


def test_honeypot_hit_creates_nothing_and_looks_successful(client, site_pages):
    data = form_post(**CONTACT_FORM, **{spam.HONEYPOT_FIELD: "http://spam.example"})
    response = client.post("/contact/", data)

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not Lead.objects.exists()
    assert not FormSubmission.objects.exists()
    assert not QuarantinedSubmission.objects.exists()


def test_too_fast_creates_nothing_and_tells_the_visitor(client, site_pages):
    data = {**CONTACT_FORM, spam.TIMESTAMP_FIELD: spam.sign_timestamp()}
    response = client.post("/contact/", data)

    assert response.status_code == 400
    assert "faster than a person" in response.content.decode()
    assert not Lead.objects.exists()
    assert not FormSubmission.objects.exists()


def test_missing_or_forged_timestamp_is_refused(client, site_pages):
    forged = {**CONTACT_FORM, spam.TIMESTAMP_FIELD: str(time.time() - 60)}
    assert client.post("/contact/", forged).status_code == 400
    assert client.post("/contact/", CONTACT_FORM).status_code == 400
    assert not Lead.objects.exists()


def test_the_refused_form_keeps_what_was_typed(client, site_pages):
    data = {**CONTACT_FORM, spam.TIMESTAMP_FIELD: spam.sign_timestamp()}
    html = client.post("/contact/", data).content.decode()

    assert 'value="Anna Smirnova"' in html


def _shown_at(html):
    match = re.search(rf'name="{spam.TIMESTAMP_FIELD}" value="([^"]*)"', html)
    assert match, "the form carries its signed shown-at time"
    return match.group(1)


def test_a_refused_form_is_shown_with_a_fresh_timestamp(client, site_pages):
    posted = spam.sign_timestamp(time.time() - 1)
    data = {**CONTACT_FORM, spam.TIMESTAMP_FIELD: posted}
    html = client.post("/contact/", data).content.decode()

    shown = _shown_at(html)
    assert shown != posted
    assert 0 <= spam.seconds_since_shown(shown) < 1


def test_an_invalid_form_is_shown_with_a_fresh_timestamp(client, site_pages):
    posted = spam.sign_timestamp(time.time() - 600)
    data = {**CONTACT_FORM, "email": "not an address", spam.TIMESTAMP_FIELD: posted}
    response = client.post("/contact/", data)

    assert not Lead.objects.exists()
    shown = _shown_at(response.content.decode())
    assert shown != posted
    assert 0 <= spam.seconds_since_shown(shown) < 1


def test_a_valid_post_signs_no_new_timestamp(client, site_pages, monkeypatch):
    data = form_post(**CONTACT_FORM)
    signed = []
    sign = spam.sign_timestamp
    monkeypatch.setattr(spam, "sign_timestamp", lambda *a: signed.append(1) or sign(*a))
    response = client.post("/contact/", data)

    assert response.status_code == 200
    assert Lead.objects.count() == 1
    assert signed == []


def test_the_shown_form_carries_a_signed_timestamp(client, site_pages):
    html = client.get("/contact/").content.decode()

    assert 0 <= spam.seconds_since_shown(_shown_at(html)) < 1


def test_rate_limited_creates_nothing(client, site_pages, settings):
    settings.WAGTAILCRM_CAPTURE_RATE_LIMIT = "2/m"
    statuses = [
        client.post("/contact/", form_post(**CONTACT_FORM)).status_code
        for _attempt in range(3)
    ]

    assert statuses == [200, 200, 429]
    assert Lead.objects.count() == 2


@pytest.mark.parametrize("rate", ["1/x", "ten/m"])
def test_an_invalid_rate_limit_is_no_limit_logged_once(
    client, site_pages, settings, caplog, rate
):
    settings.WAGTAILCRM_CAPTURE_RATE_LIMIT = rate
    statuses = [
        client.post("/contact/", form_post(**CONTACT_FORM)).status_code
        for _attempt in range(3)
    ]

    assert statuses == [200, 200, 200]
    assert Lead.objects.count() == 3
    warnings = [r for r in caplog.records if "WAGTAILCRM_CAPTURE_RATE_LIMIT" in r.msg]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"


def test_min_fill_time_setting(client, site_pages, settings):
    settings.WAGTAILCRM_CAPTURE_MIN_FILL_SECONDS = 0
    data = {**CONTACT_FORM, spam.TIMESTAMP_FIELD: spam.sign_timestamp()}

    assert client.post("/contact/", data).status_code == 200
    assert Lead.objects.count() == 1


class RejectingCaptcha:
    def __init__(self, answer):
        self.answer = answer

    def render(self):
        return '<input name="captcha_answer" data-test-captcha>'

    def verify(self, request):
        return request.POST.get("captcha_answer") == self.answer


def test_captcha_hook_point(client, site_pages, settings):
    settings.WAGTAILCRM_CAPTURE_CAPTCHA = {
        "CLASS": "tests.test_capture_spam.RejectingCaptcha",
        "OPTIONS": {"answer": "42"},
    }
    assert "data-test-captcha" in client.get("/contact/").content.decode()

    wrong = client.post("/contact/", form_post(**CONTACT_FORM, captcha_answer="7"))
    right = client.post("/contact/", form_post(**CONTACT_FORM, captcha_answer="42"))

    assert wrong.status_code == 400
    assert "not a robot" in wrong.content.decode()
    assert right.status_code == 200
    assert Lead.objects.count() == 1


def test_stop_phrase_goes_to_quarantine_and_can_be_released(
    client, crm_settings_with_filters
):
    data = form_post(**(CONTACT_FORM | {"message": "Cheap SEO SERVICES for you"}))
    response = client.post("/contact/?utm_campaign=spring", data)

    assert response.status_code == 200
    assert not Lead.objects.exists()
    item = QuarantinedSubmission.objects.get()
    assert item.reason == "Stop phrase: seo services"
    assert item.email == "anna@example.com"

    lead = release(item)

    assert lead.utm_campaign == "spring"
    assert lead.message == "Cheap SEO SERVICES for you"
    assert Contact.objects.get().email == "anna@example.com"
    assert release(item) == lead  # releasing twice creates nothing new
    assert Lead.objects.count() == 1


def test_blocked_domain_goes_to_quarantine(client, crm_settings_with_filters):
    client.post("/contact/", form_post(**(CONTACT_FORM | {"email": "x@Spam.example"})))

    assert not Lead.objects.exists()
    assert QuarantinedSubmission.objects.get().reason.startswith("Blocked e-mail")
