"""Per form: the pipeline a deal made from its leads starts in."""

import re

import pytest
from django.urls import reverse

from tests.crm_admin_data import default_pipeline, sales_users
from tests.sales_factories import pipeline_with_stages
from wagtail_crm import conversion
from wagtail_crm.capture.quarantine import quarantine, release
from wagtail_crm.capture.service import capture_lead
from wagtail_crm.capture.submission import LeadSubmission
from wagtail_crm.models import Deal, Lead

from .capture_helpers import CONTACT_FORM, form_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipelines(db):
    return {
        "default": default_pipeline(),
        "wholesale": pipeline_with_stages("Wholesale", is_default=False),
    }


def test_form_page_sets_the_pipeline_and_the_deal_starts_there(
    client, site_pages, pipelines
):
    page = site_pages["contact"]
    page.crm_pipeline = pipelines["wholesale"]
    page.save()

    client.post("/contact/", form_post(**CONTACT_FORM))

    lead = Lead.objects.get()
    assert lead.pipeline == pipelines["wholesale"]
    manager, _other, _head = sales_users()
    result = conversion.convert_lead(
        lead, manager, create_deal=True, deal_title="Pallets"
    )
    assert (
        result.deal.stage
        == pipelines["wholesale"].stages.order_by("sort_order").first()
    )


def test_without_a_pipeline_the_deal_goes_to_the_default(site_pages, pipelines):
    lead = capture_lead({"name": "Anna Smirnova", "email": "anna@example.com"})
    manager, _other, _head = sales_users()

    result = conversion.convert_lead(lead, manager, create_deal=True, deal_title="X")

    assert lead.pipeline is None
    assert result.deal.stage.pipeline == pipelines["default"]


def test_lead_form_block_sets_the_pipeline(client, site_pages, pipelines):
    page = site_pages["services"]
    stream = page.body.raw_data
    for block in stream:
        if block["type"] == "lead_form":
            block["value"]["pipeline"] = pipelines["wholesale"].pk
    page.body = stream
    page.save_revision().publish()
    html = client.get("/services/").content.decode()
    ids = {
        "page_id": re.search(r'name="page_id" value="(\d+)"', html).group(1),
        "block_id": re.search(r'name="block_id" value="([^"]+)"', html).group(1),
    }

    client.post(
        "/crm/lead-form/",
        form_post(name="Boris", email="boris@example.com", consent="on", **ids),
    )

    assert Lead.objects.get().pipeline == pipelines["wholesale"]


def test_convert_screen_offers_the_leads_pipeline_and_may_change_it(client, pipelines):
    manager, _other, _head = sales_users()
    lead = Lead.objects.create(
        name="Ivan",
        email="ivan@example.com",
        owner=manager,
        pipeline=pipelines["wholesale"],
    )
    client.force_login(manager)
    url = reverse(Lead.snippet_viewset.get_url_name("convert"), args=[lead.pk])

    screen = client.get(url).content.decode()
    selected = re.search(
        r'<option value="(\d+)" selected>', screen[screen.index('name="pipeline"') :]
    )
    assert selected.group(1) == str(pipelines["wholesale"].pk)

    response = client.post(
        url,
        {
            "create_deal": "on",
            "deal_title": "Deal",
            "pipeline": pipelines["default"].pk,
        },
    )
    assert response.status_code == 302
    assert Deal.objects.get().stage.pipeline == pipelines["default"]


def test_released_submission_whose_pipeline_is_gone_uses_the_default(pipelines):
    wholesale = pipelines["wholesale"]
    held = quarantine(
        LeadSubmission(fields={"email": "late@example.com"}, pipeline_id=wholesale.pk),
        "Stop phrase: casino",
    )
    wholesale.delete()

    lead = release(held)

    assert lead.email == "late@example.com"
    assert lead.pipeline is None
