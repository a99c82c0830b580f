"""The lead-form block on the example site's Services page."""

import re

import pytest

from wagtail_crm.models import Lead

from .capture_helpers import form_post

pytestmark = pytest.mark.django_db

QUOTE = {
    "name": "Boris Ivanov",
    "email": "boris@example.com",
    "phone": "+7 495 765-43-21",
    "company": "Vega LLC",
    "message": "A quote for 40 pallets, please.",
    "consent": "on",
}


def block_form(client):
    html = client.get("/services/?utm_source=google&utm_medium=cpc").content.decode()
    page_id = re.search(r'name="page_id" value="(\d+)"', html).group(1)
    block_id = re.search(r'name="block_id" value="([^"]+)"', html).group(1)
    return html, {"page_id": page_id, "block_id": block_id}


def test_block_renders_the_chosen_fields_and_consent(client, site_pages):
    html, _ids = block_form(client)

    assert "Request a quote" in html
    assert 'name="company"' in html
    assert "I agree to the processing of my personal data." in html
    assert "csrfmiddlewaretoken" in html
    assert "wagtail_crm/lead-form.js" in html


def test_without_javascript_redirects_back_with_the_thank_you(client, site_pages):
    _html, ids = block_form(client)
    referer = "http://testserver/services/?utm_source=google&utm_medium=cpc"

    response = client.post(
        "/crm/lead-form/", form_post(**QUOTE, **ids), HTTP_REFERER=referer
    )

    assert response.status_code == 302
    assert response["Location"] == referer
    page = client.get(response["Location"]).content.decode()
    assert "We will send you a quote within one working day." in page
    lead = Lead.objects.get()
    assert lead.source_page_id == site_pages["services"].pk
    assert lead.source_url == referer
    assert lead.consent_text == "I agree to the processing of my personal data."
    assert lead.consent is True
    assert lead.company == "Vega LLC"
    assert lead.organization.name == "Vega LLC"
    assert lead.tags.names()[0] == "quote"
    # The first touch was the landing with UTM, kept by the cookie.
    assert lead.attribution["first_touch"]["utm_source"] == "google"
    assert lead.utm_medium == "cpc"


def test_with_javascript_answers_json(client, site_pages):
    _html, ids = block_form(client)

    response = client.post(
        "/crm/lead-form/", form_post(**QUOTE, **ids), HTTP_ACCEPT="application/json"
    )

    assert response.json() == {
        "ok": True,
        "message": "Thank you! We will send you a quote within one working day.",
    }
    assert Lead.objects.count() == 1


def test_consent_is_required_when_the_block_asks_for_it(client, site_pages):
    _html, ids = block_form(client)
    data = form_post(**{k: v for k, v in QUOTE.items() if k != "consent"}, **ids)

    response = client.post("/crm/lead-form/", data, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert "consent" in response.json()["errors"]
    assert not Lead.objects.exists()


def test_invalid_form_without_javascript_shows_the_errors_in_place(client, site_pages):
    _html, ids = block_form(client)
    data = form_post(**(QUOTE | {"email": "not-an-email", "name": ""}), **ids)

    response = client.post("/crm/lead-form/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in html
    assert 'value="Vega LLC"' in html
    assert not Lead.objects.exists()


def test_too_fast_json_message(client, site_pages):
    _html, ids = block_form(client)

    response = client.post(
        "/crm/lead-form/", {**QUOTE, **ids}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert "faster than a person" in response.json()["message"]
    assert not Lead.objects.exists()


def test_unknown_block_is_404(client, site_pages):
    _html, ids = block_form(client)
    data = form_post(**QUOTE, page_id=ids["page_id"], block_id="nope")

    assert client.post("/crm/lead-form/", data).status_code == 404
