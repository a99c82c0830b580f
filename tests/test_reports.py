from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from wagtail_crm.models import Activity, Deal, Lead, Stage

from .sales_factories import (
    ActivityFactory,
    DealFactory,
    LeadFactory,
    manager,
    pipeline_with_stages,
)

pytestmark = pytest.mark.django_db

LEADS_URL = "/admin/crm-reports/leads/"
FUNNEL_URL = "/admin/crm-reports/funnel/"
MANAGERS_URL = "/admin/crm-reports/managers/"


@pytest.fixture
def team():
    perms = ["wagtail_crm.view_lead", "wagtail_crm.view_deal"]
    return manager("olga", *perms), manager("ivan", *perms)


@pytest.fixture
def seeded(team):
    """Leads over three months, some converted into won deals, and calls."""
    olga, ivan = team
    stages = {s.kind: s for s in pipeline_with_stages().stages.all()}
    now = timezone.now()
    campaigns = ["spring_sale", "spring_sale", "newsletter", ""]
    statuses = [
        Lead.Status.NEW,
        Lead.Status.QUALIFIED,
        Lead.Status.CONVERTED,
        Lead.Status.CONVERTED,
        Lead.Status.LOST,
    ]
    for index in range(30):
        won = index % 3 == 0
        deal = DealFactory(
            stage=stages[Stage.Kind.WON if won else Stage.Kind.OPEN],
            owner=olga if index % 2 else ivan,
            amount=1000 + index,
            closed_at=now if won else None,
        )
        lead = LeadFactory(
            utm_campaign=campaigns[index % 4],
            status=statuses[index % 5],
            owner=olga if index % 2 else ivan,
            deal=deal,
        )
        Lead.objects.filter(pk=lead.pk).update(
            created_at=now - timedelta(days=31 * (index % 3))
        )
        ActivityFactory(author=olga if index % 3 else ivan, occurred_at=now)
    return team


def test_leads_by_campaign_equal_direct_counts(admin_client, seeded):
    response = admin_client.get(LEADS_URL)

    rows = response.context["object_list"]
    assert sum(row["leads"] for row in rows) == Lead.objects.count()
    by_campaign = {}
    for row in rows:
        by_campaign[row["source"]] = by_campaign.get(row["source"], 0) + row["leads"]
    assert (
        by_campaign["spring_sale"]
        == Lead.objects.filter(utm_campaign="spring_sale").count()
    )
    assert by_campaign["(none)"] == Lead.objects.filter(utm_campaign="").count()
    assert len({row["period"] for row in rows}) == 3
    html = response.content.decode()
    assert 'data-crm-chart="crm-chart-leads-data"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_leads_by_page_and_week(admin_client, seeded):
    response = admin_client.get(LEADS_URL, {"by": "page", "interval": "week"})

    rows = response.context["object_list"]
    assert {row["source"] for row in rows} == {"(none)"}
    assert sum(row["leads"] for row in rows) == 30


def test_leads_period_filter(admin_client, seeded):
    today = timezone.localdate()
    response = admin_client.get(
        LEADS_URL,
        {"period_from": (today - timedelta(days=5)).isoformat()},
    )

    rows = response.context["object_list"]
    expected = Lead.objects.filter(
        created_at__date__gte=today - timedelta(days=5)
    ).count()
    assert sum(row["leads"] for row in rows) == expected == 10


def test_funnel_numbers_and_rates(admin_client, seeded):
    response = admin_client.get(FUNNEL_URL)

    rows = {row["key"]: row for row in response.context["object_list"]}
    leads = Lead.objects.count()
    qualified = Lead.objects.filter(status__in=["qualified", "converted"]).count()
    converted = Lead.objects.filter(status="converted").count()
    won = Lead.objects.filter(status="converted", deal__stage__kind="won").count()
    assert [rows[k]["count"] for k in ("leads", "qualified", "converted", "won")] == [
        leads,
        qualified,
        converted,
        won,
    ]
    assert rows["converted"]["step_rate"] == round(100 * converted / qualified, 1)
    assert rows["won"]["overall_rate"] == round(100 * won / leads, 1)
    assert "crm-chart-funnel" in response.content.decode()


def test_managers_performance(admin_client, seeded):
    olga, ivan = seeded

    response = admin_client.get(MANAGERS_URL)

    rows = {row["manager"]: row for row in response.context["object_list"]}
    assert rows["olga"]["leads"] == Lead.objects.filter(owner=olga).count()
    assert rows["olga"]["activities"] == Activity.objects.filter(author=olga).count()
    won = Deal.objects.filter(owner=olga, stage__kind="won")
    assert rows["olga"]["deals_won"] == won.count()
    amount = sum(won.values_list("amount", flat=True))
    digits = "".join(ch for ch in rows["olga"]["won_amount"] if ch.isdigit())
    assert digits == str(int(amount))
    assert rows["olga"]["won_amount"].endswith("RUB")


def test_own_records_only(client, seeded):
    olga, _ivan = seeded
    client.force_login(olga)

    managers = client.get(MANAGERS_URL).context["object_list"]
    funnel = client.get(FUNNEL_URL).context["object_list"]

    assert [row["manager"] for row in managers] == ["olga"]
    assert funnel[0]["count"] == Lead.objects.filter(owner=olga).count()


def test_reports_need_permission(client, seeded):
    client.force_login(manager("nobody"))

    for url in (LEADS_URL, FUNNEL_URL, MANAGERS_URL):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("url", [LEADS_URL, FUNNEL_URL, MANAGERS_URL])
def test_exports(admin_client, seeded, url, tmp_path):
    csv = admin_client.get(url, {"export": "csv"})
    xlsx = admin_client.get(url, {"export": "xlsx"})

    assert csv.status_code == 200
    lines = b"".join(csv.streaming_content).decode().strip().splitlines()
    assert len(lines) == len(admin_client.get(url).context["object_list"]) + 1
    path = tmp_path / "report.xlsx"
    path.write_bytes(
        b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    )
    sheet = load_workbook(path).active
    assert sheet.max_row == len(lines)


def test_report_index_lists_reports(admin_client):
    response = admin_client.get("/admin/crm-reports/")

    html = response.content.decode()
    assert "Sales funnel" in html and "Manager performance" in html


@pytest.mark.parametrize("url", [LEADS_URL, FUNNEL_URL, MANAGERS_URL])
def test_queries_stay_constant(
    admin_client, seeded, url, django_assert_max_num_queries
):
    admin_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        admin_client.get(url)
    pipeline = pipeline_with_stages("More", is_default=False)
    for _index in range(20):
        LeadFactory(
            utm_campaign="spring_sale", deal=DealFactory(stage=pipeline.stages.last())
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        admin_client.get(url)
