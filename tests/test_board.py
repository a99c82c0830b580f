import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from wagtail_crm.models import Deal, Stage
from wagtail_crm.pipeline import STAGE_CHANGE_ACTION

from .sales_factories import DealFactory, manager, pipeline_with_stages

pytestmark = pytest.mark.django_db

BOARD_URL = "/admin/crm-board/"


@pytest.fixture
def pipeline():
    return pipeline_with_stages()


@pytest.fixture
def stages(pipeline):
    return {stage.name: stage for stage in pipeline.stages.all()}


@pytest.fixture
def olga():
    return manager("olga", "wagtail_crm.change_deal", "wagtail_crm.view_deal")


@pytest.fixture
def ivan():
    return manager("ivan", "wagtail_crm.change_deal", "wagtail_crm.view_deal")


def move_url(deal):
    return reverse("crm-board:move", args=[deal.pk])


def move(client, deal, stage, reason="", json=True):
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    return client.post(move_url(deal), {"stage": stage.pk, "reason": reason}, **headers)


def test_board_shows_columns_cards_and_totals(admin_client, stages, superuser):
    DealFactory(title="Boilers", stage=stages["New"], amount=1500, owner=superuser)
    DealFactory(title="Pumps", stage=stages["New"], amount=2500)
    DealFactory(title="Valves", stage=stages["Won"], amount=700)

    response = admin_client.get(BOARD_URL)

    assert response.status_code == 200
    columns = {c["stage"].name: c for c in response.context["columns"]}
    assert list(columns) == ["New", "Negotiation", "Won", "Lost"]
    assert columns["New"]["count"] == 2
    assert columns["New"]["totals"] == [("RUB", 4000)]
    assert [d.title for d in columns["Won"]["deals"]] == ["Valves"]
    html = response.content.decode()
    assert "Boilers" in html and "0 days in stage" in html
    assert 'name="stage"' in html  # the no-JS stage select


def test_board_filters_by_pipeline_and_owner(admin_client, stages, superuser, olga):
    other = pipeline_with_stages("Service", is_default=False)
    DealFactory(title="Mine", stage=stages["New"], owner=olga)
    DealFactory(title="Theirs", stage=stages["New"], owner=superuser)
    DealFactory(title="Repair", stage=other.stages.first())

    by_owner = admin_client.get(BOARD_URL, {"owner": olga.pk})
    by_pipeline = admin_client.get(BOARD_URL, {"pipeline": other.pk})

    assert b"Mine" in by_owner.content and b"Theirs" not in by_owner.content
    assert b"Repair" in by_pipeline.content and b"Mine" not in by_pipeline.content


def test_own_records_only(client, stages, olga, ivan):
    DealFactory(title="Olga's deal", stage=stages["New"], owner=olga)
    DealFactory(title="Ivan's deal", stage=stages["New"], owner=ivan)
    client.force_login(olga)

    response = client.get(BOARD_URL, {"owner": ivan.pk})

    assert b"Olga&#x27;s deal" in response.content
    assert b"Ivan" not in response.content
    assert response.context["owners"] == []


def test_board_needs_deal_permission(client, stages):
    client.force_login(manager("nobody"))

    assert client.get(BOARD_URL).status_code in (302, 403)


def test_move_changes_stage_and_is_recorded_in_history(client, stages, olga):
    deal = DealFactory(stage=stages["New"], owner=olga)
    client.force_login(olga)

    response = move(client, deal, stages["Negotiation"])

    assert response.status_code == 200
    assert response.json()["columns"][str(stages["Negotiation"].pk)]["count"] == 1
    deal.refresh_from_db()
    assert deal.stage == stages["Negotiation"]
    assert deal.closed_at is None
    entry = ModelLogEntry.objects.get(action=STAGE_CHANGE_ACTION)
    assert entry.object_id == str(deal.pk)
    assert entry.user == olga
    assert entry.data["from"]["name"] == "New"
    assert entry.message == "Stage changed from New to Negotiation"
    history = client.get(
        reverse("wagtailsnippets_wagtail_crm_deal:history", args=[deal.pk])
    )
    assert b"Stage changed from New to Negotiation" in history.content


def test_won_sets_closed_at_and_days_restart(client, stages, olga):
    deal = DealFactory(stage=stages["Negotiation"], owner=olga)
    client.force_login(olga)
    before = deal.stage_changed_at

    move(client, deal, stages["Won"])

    deal.refresh_from_db()
    assert deal.closed_at is not None
    assert deal.stage_changed_at > before


def test_lost_needs_a_reason(client, stages, olga):
    deal = DealFactory(stage=stages["New"], owner=olga)
    client.force_login(olga)

    refused = move(client, deal, stages["Lost"])
    accepted = move(client, deal, stages["Lost"], reason="Too expensive")

    assert refused.status_code == 400
    assert "why" in refused.json()["error"]
    assert accepted.status_code == 200
    deal.refresh_from_db()
    assert deal.lost_reason == "Too expensive"
    assert ModelLogEntry.objects.filter(action=STAGE_CHANGE_ACTION).count() == 1


def test_someone_elses_deal_cannot_be_moved(client, stages, olga, ivan):
    deal = DealFactory(stage=stages["New"], owner=ivan)
    client.force_login(olga)

    response = move(client, deal, stages["Won"])

    assert response.status_code == 404
    assert Deal.objects.get().stage == stages["New"]
    assert not ModelLogEntry.objects.filter(action=STAGE_CHANGE_ACTION).exists()


def test_view_permission_alone_cannot_move(client, stages):
    viewer = manager("viewer", "wagtail_crm.view_deal")
    deal = DealFactory(stage=stages["New"], owner=viewer)
    client.force_login(viewer)

    assert client.get(BOARD_URL).status_code == 200
    assert move(client, deal, stages["Won"]).status_code == 403
    assert Deal.objects.get().stage == stages["New"]


def test_stage_of_another_pipeline_is_refused(admin_client, stages):
    other = pipeline_with_stages("Service", is_default=False)
    deal = DealFactory(stage=stages["New"])

    response = move(admin_client, deal, other.stages.first())

    assert response.status_code == 400
    assert Deal.objects.get().stage == stages["New"]


def test_move_needs_csrf(stages, olga):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(olga)
    deal = DealFactory(stage=stages["New"], owner=olga)

    assert move(client, deal, stages["Won"]).status_code == 403
    assert Deal.objects.get().stage == stages["New"]


def test_no_js_form_redirects_back_with_a_message(client, stages, olga):
    deal = DealFactory(stage=stages["New"], owner=olga)
    client.force_login(olga)

    response = client.post(
        move_url(deal),
        {"stage": stages["Won"].pk, "next_query": "owner=1"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == BOARD_URL + "?owner=1"
    assert "moved to Won" in response.content.decode()
    assert Deal.objects.get().stage.kind == Stage.Kind.WON


def test_board_queries_do_not_grow_with_deals(
    admin_client, stages, django_assert_max_num_queries
):
    for _index in range(3):
        DealFactory(stage=stages["New"])
    admin_client.get(BOARD_URL)
    with django_assert_max_num_queries(20) as small:
        admin_client.get(BOARD_URL)
    for index in range(30):
        DealFactory(stage=list(stages.values())[index % 4])
    with django_assert_max_num_queries(len(small.captured_queries)):
        admin_client.get(BOARD_URL)


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_missing_or_unknown_stage_is_400(admin_client, stages, value):
    deal = DealFactory(stage=stages["New"])

    response = admin_client.post(
        move_url(deal), {"stage": value}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "Choose a stage."
    assert Deal.objects.get().stage == stages["New"]
