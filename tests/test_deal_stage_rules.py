"""Stages are edited with their pipeline; every way of moving a deal keeps its rules.

Ported from the admin review: the pipeline form had no stages, and the deal's
edit form and the "Change stage" bulk action bypassed ``move_deal()``.
"""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import querydict_from_html

from tests.crm_admin_data import SECRET, default_pipeline, records_of, sales_users
from wagtail_crm.models import Deal, Organization, Pipeline, Stage  # noqa: F401
from wagtail_crm.pipeline import STAGE_CHANGE_ACTION

PIPELINE_ADD = "wagtailsnippets_wagtail_crm_pipeline:add"
PIPELINE_EDIT = "wagtailsnippets_wagtail_crm_pipeline:edit"


def _url(model, name, *args):
    return reverse(model.snippet_viewset.get_url_name(name), args=args)


def _form_data(client, url):
    html = client.get(url).content.decode()
    return querydict_from_html(html, form_id="w-editor-form")


def _bulk_url(model, action, *records):
    url = reverse(
        "wagtail_bulk_action", args=("wagtail_crm", model._meta.model_name, action)
    )
    return url + "?" + "&".join(f"id={record.pk}" for record in records)


def _stage_changes(deal):
    return ModelLogEntry.objects.filter(
        object_id=str(deal.pk), action=STAGE_CHANGE_ACTION
    )


@pytest.fixture
def users(db):
    manager, other, head = sales_users()
    return {"manager": manager, "other": other, "head": head}


@pytest.fixture
def two_managers(users):
    return records_of(users["manager"], "Mine"), records_of(users["other"], SECRET)


def stage_data(stages):
    data = {
        "stages-TOTAL_FORMS": str(len(stages)),
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "1",
        "stages-MAX_NUM_FORMS": "1000",
    }
    for index, (name, kind) in enumerate(stages):
        data |= {
            f"stages-{index}-name": name,
            f"stages-{index}-kind": kind,
            f"stages-{index}-probability": "10",
            f"stages-{index}-ORDER": str(index + 1),
            f"stages-{index}-DELETE": "",
            f"stages-{index}-id": "",
        }
    return data


# Pipelines and their stages


def test_pipeline_form_edits_stages(admin_client):
    html = admin_client.get(reverse(PIPELINE_ADD)).content.decode()
    assert "stages-TOTAL_FORMS" in html
    assert 'name="stages-0-kind"' in html


def test_new_site_creates_pipeline_with_stages_then_deal(admin_client, superuser):
    response = admin_client.post(
        reverse(PIPELINE_ADD),
        {"name": "Sales", "is_default": "on"}
        | stage_data([("New", "open"), ("Won", "won"), ("Lost", "lost")]),
    )
    assert response.status_code == 302
    pipeline = Pipeline.objects.get(name="Sales")
    assert [(s.name, s.kind) for s in pipeline.stages.order_by("sort_order")] == [
        ("New", "open"),
        ("Won", "won"),
        ("Lost", "lost"),
    ]
    data = _form_data(admin_client, _url(Deal, "add"))
    assert data["stage"] == str(pipeline.stages.get(name="New").pk)
    data["title"] = "First deal"
    assert admin_client.post(_url(Deal, "add"), data).status_code == 302
    assert Deal.objects.get(title="First deal").stage.name == "New"


def test_stage_holding_deals_is_not_deleted(admin_client, two_managers):
    pipeline = default_pipeline()
    new = pipeline.stages.get(name="New")
    assert new.deals.exists()
    url = reverse(PIPELINE_EDIT, args=[pipeline.pk])
    data = _form_data(admin_client, url)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and value == str(new.pk)
    )
    data[f"stages-{index}-DELETE"] = "1"
    admin_client.raise_request_exception = False
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "holds 2 deals" in response.content.decode()
    assert Stage.objects.filter(pk=new.pk).exists()


def test_empty_stage_is_deleted(admin_client, two_managers):
    pipeline = default_pipeline()
    proposal = pipeline.stages.get(name="Proposal")
    url = reverse(PIPELINE_EDIT, args=[pipeline.pk])
    data = _form_data(admin_client, url)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and value == str(proposal.pk)
    )
    data[f"stages-{index}-DELETE"] = "1"
    assert admin_client.post(url, data).status_code == 302
    assert not Stage.objects.filter(pk=proposal.pk).exists()


def test_pipeline_holding_deals_is_not_deleted(admin_client, two_managers):
    pipeline = default_pipeline()
    admin_client.raise_request_exception = False
    response = admin_client.post(_url(Pipeline, "delete", pipeline.pk))
    assert response.status_code != 500
    assert Pipeline.objects.filter(pk=pipeline.pk).exists()
