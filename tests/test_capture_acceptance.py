"""Form capture as a new site owner, and the issue's acceptance tests, use it."""

import re

import pytest
from django.test import Client
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from wagtail_crm.capture.quarantine import release
from wagtail_crm.models import CRMSettings, Lead, QuarantinedSubmission
from wagtail_crm.privacy.data import PersonalData

from .capture_helpers import CONTACT_FORM, form_post

pytestmark = pytest.mark.django_db

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
