"""Stages are edited with their pipeline; every way of moving a deal keeps its rules.

Ported from the admin review: the pipeline form had no stages, and the deal's
edit form and the "Change stage" bulk action bypassed ``move_deal()``.
"""

from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.crm_admin_data import (
    SECRET,
    admin_url,
    bulk_url,
    default_pipeline,
    form_data,
)
from wagtail_crm.models import Deal, Organization, Pipeline, Stage
from wagtail_crm.pipeline import STAGE_CHANGE_ACTION

PIPELINE_ADD = "wagtailsnippets_wagtail_crm_pipeline:add"
PIPELINE_EDIT = "wagtailsnippets_wagtail_crm_pipeline:edit"


def _stage_changes(deal):
    return ModelLogEntry.objects.filter(
        object_id=str(deal.pk), action=STAGE_CHANGE_ACTION
    )


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
    data = form_data(admin_client, admin_url(Deal, "add"))
    assert data["stage"] == str(pipeline.stages.get(name="New").pk)
    data["title"] = "First deal"
    assert admin_client.post(admin_url(Deal, "add"), data).status_code == 302
    assert Deal.objects.get(title="First deal").stage.name == "New"


def test_stage_holding_deals_is_not_deleted(admin_client, two_managers):
    pipeline = default_pipeline()
    new = pipeline.stages.get(name="New")
    assert new.deals.exists()
    url = reverse(PIPELINE_EDIT, args=[pipeline.pk])
    data = form_data(admin_client, url)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and value == str(new.pk)
    )
    data[f"stages-{index}-DELETE"] = "1"
    admin_client.raise_request_exception = False
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "The stage “New” holds deals" in response.content.decode()
    assert Stage.objects.filter(pk=new.pk).exists()


def test_empty_stage_is_deleted(admin_client, two_managers):
    pipeline = default_pipeline()
    proposal = pipeline.stages.get(name="Proposal")
    url = reverse(PIPELINE_EDIT, args=[pipeline.pk])
    data = form_data(admin_client, url)
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
    page = admin_client.get(admin_url(Pipeline, "delete", pipeline.pk)).content.decode()
    assert "prevent it from being deleted" in page
    assert "Yes, delete" not in page
    admin_client.raise_request_exception = False
    response = admin_client.post(admin_url(Pipeline, "delete", pipeline.pk))
    assert response.status_code != 500  # Wagtail: "no permission", back home
    assert Pipeline.objects.filter(pk=pipeline.pk).exists()


def test_bulk_delete_leaves_out_pipelines_holding_deals(admin_client, two_managers):
    busy = default_pipeline()
    spare = Pipeline.objects.create(name="Spare")
    url = reverse("wagtail_bulk_action", args=("wagtail_crm", "pipeline", "delete"))
    url += f"?id={busy.pk}&id={spare.pk}"

    admin_client.post(url)

    assert Pipeline.objects.filter(pk=busy.pk).exists()
    assert not Pipeline.objects.filter(pk=spare.pk).exists()


def test_pipeline_without_deals_is_deleted(admin_client):
    pipeline = Pipeline.objects.create(name="Spare")
    Stage.objects.create(pipeline=pipeline, name="Only", sort_order=0)
    response = admin_client.post(admin_url(Pipeline, "delete", pipeline.pk))
    assert response.status_code == 302
    assert not Pipeline.objects.filter(pk=pipeline.pk).exists()


# The deal's edit form


def _edit(client, deal, **changes):
    url = admin_url(Deal, "edit", deal.pk)
    data = form_data(client, url)
    for name, value in changes.items():
        data[name] = value
    return client.post(url, data)


def test_deal_moved_to_won_in_edit_form_is_closed(client, users, two_managers):
    mine, _theirs = two_managers
    deal = mine[Deal]
    client.force_login(users["manager"])
    won = Stage.objects.get(name="Won")
    assert _edit(client, deal, stage=str(won.pk)).status_code == 302
    deal.refresh_from_db()
    assert deal.stage == won
    assert deal.closed_at is not None
    entry = _stage_changes(deal).get()
    assert entry.data["to"]["name"] == "Won"
    assert entry.user == users["manager"]


def test_deal_moved_to_lost_in_edit_form_needs_reason(client, users, two_managers):
    mine, _theirs = two_managers
    deal = mine[Deal]
    client.force_login(users["manager"])
    lost = Stage.objects.get(name="Lost")
    response = _edit(client, deal, stage=str(lost.pk), lost_reason=" ")
    assert response.status_code == 200
    assert "lost_reason" in response.context["form"].errors
    deal.refresh_from_db()
    assert deal.stage.name == "New"

    response = _edit(client, deal, stage=str(lost.pk), lost_reason="Too expensive")
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason) == (lost, "Too expensive")
    assert deal.closed_at is not None
    assert _stage_changes(deal).get().data["reason"] == "Too expensive"


def test_deal_reopened_in_edit_form_is_open_again(client, users, two_managers):
    mine, _theirs = two_managers
    deal = mine[Deal]
    client.force_login(users["manager"])
    _edit(client, deal, stage=str(Stage.objects.get(name="Lost").pk), lost_reason="X")
    new = Stage.objects.get(name="New")
    assert _edit(client, deal, stage=str(new.pk)).status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.closed_at, deal.lost_reason) == (new, None, "")
    assert _stage_changes(deal).count() == 2


def test_deal_edited_in_its_stage_logs_no_move(client, users, two_managers):
    mine, _theirs = two_managers
    deal = mine[Deal]
    client.force_login(users["manager"])
    assert _edit(client, deal, title="Renamed").status_code == 302
    deal.refresh_from_db()
    assert deal.title == "Renamed" and deal.closed_at is None
    assert not _stage_changes(deal).exists()


def test_new_deal_in_won_stage_is_closed(admin_client, two_managers):
    data = form_data(admin_client, admin_url(Deal, "add"))
    data["title"] = "Signed already"
    data["stage"] = str(Stage.objects.get(name="Won").pk)
    assert admin_client.post(admin_url(Deal, "add"), data).status_code == 302
    assert Deal.objects.get(title="Signed already").closed_at is not None


# The "Change stage" bulk action


def _bulk_move(client, deal, stage, reason=None):
    data = {"stage": stage.pk, "next": admin_url(Deal, "list")}
    if reason is not None:
        data["reason"] = reason
    return client.post(bulk_url(Deal, "crm_change_stage", deal), data)


def test_bulk_change_stage_closes_deal(client, users, two_managers):
    mine, _theirs = two_managers
    deal = mine[Deal]
    client.force_login(users["manager"])
    response = _bulk_move(client, deal, Stage.objects.get(name="Won"))
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage.name == "Won"
    assert deal.closed_at is not None
    assert _stage_changes(deal).get().user == users["manager"]


def test_bulk_change_to_lost_needs_reason(client, users, two_managers):
    mine, _theirs = two_managers
    deal = mine[Deal]
    client.force_login(users["manager"])
    lost = Stage.objects.get(name="Lost")
    response = _bulk_move(client, deal, lost)
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    deal.refresh_from_db()
    assert deal.stage.name == "New"

    assert _bulk_move(client, deal, lost, reason="No budget").status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason) == (lost, "No budget")
    assert deal.closed_at is not None


def test_bulk_change_stage_stays_in_pipeline(client, users, two_managers):
    mine, _theirs = two_managers
    deal = mine[Deal]
    other = Pipeline.objects.create(name="Other")
    foreign = Stage.objects.create(pipeline=other, name="Elsewhere", sort_order=0)
    client.force_login(users["manager"])
    response = _bulk_move(client, deal, foreign)
    deal.refresh_from_db()
    assert deal.stage.pipeline == default_pipeline()
    messages = [str(m).strip() for m in response.wsgi_request._messages]
    assert "The stage belongs to another pipeline. Mine Deal" in messages


# The usage view of a record


def test_usage_view_hides_other_managers_records(client, users, two_managers):
    mine, theirs = two_managers
    theirs[Deal].organization = mine[Organization]
    theirs[Deal].save()
    client.force_login(users["manager"])
    response = client.get(admin_url(Organization, "usage", mine[Organization].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET not in html
    assert admin_url(Deal, "edit", theirs[Deal].pk) not in html
    assert "(Private deal)" in html
    # The manager's own deal is still listed with its link.
    assert "Mine Deal" in html
    assert admin_url(Deal, "edit", mine[Deal].pk) in html


def test_usage_view_shows_everything_to_head_of_sales(client, users, two_managers):
    mine, theirs = two_managers
    theirs[Deal].organization = mine[Organization]
    theirs[Deal].save()
    client.force_login(users["head"])
    response = client.get(admin_url(Organization, "usage", mine[Organization].pk))
    assert admin_url(Deal, "edit", theirs[Deal].pk) in response.content.decode()
