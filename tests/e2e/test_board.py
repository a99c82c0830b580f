import pytest

from wagtail_crm.models import Deal, Lead

from ..sales_factories import DealFactory, LeadFactory, pipeline_with_stages

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def deal(superuser):
    stages = list(pipeline_with_stages().stages.order_by("sort_order"))
    return DealFactory(title="Boilers for the school", stage=stages[0], owner=superuser)


def column(page, name):
    return page.locator(f"section[data-stage-name='{name}']")


def test_drag_a_deal_to_the_next_stage_and_it_stays(admin_page, live_server, deal):
    admin_page.goto(f"{live_server.url}/admin/crm-board/")
    card = admin_page.locator(f"[data-deal='{deal.pk}']")

    with admin_page.expect_response(lambda r: "/move/" in r.url) as moved:
        card.drag_to(column(admin_page, "Negotiation").locator("[data-cards]"))
    assert moved.value.ok
    admin_page.reload()

    assert column(admin_page, "Negotiation").get_by_text(deal.title).is_visible()
    assert column(admin_page, "New").get_by_text(deal.title).count() == 0
    assert column(admin_page, "Negotiation").locator("[data-count]").inner_text() == "1"
    assert Deal.objects.get().stage.name == "Negotiation"


def test_arrow_key_moves_a_deal(admin_page, live_server, deal):
    admin_page.goto(f"{live_server.url}/admin/crm-board/")
    card = admin_page.locator(f"[data-deal='{deal.pk}']")

    card.focus()
    with admin_page.expect_response(lambda r: "/move/" in r.url):
        admin_page.keyboard.press("ArrowRight")

    assert (
        column(admin_page, "Negotiation")
        .locator(f"[data-deal='{deal.pk}']")
        .is_visible()
    )
    assert Deal.objects.get().stage.name == "Negotiation"


def test_report_shows_its_chart(admin_page, live_server):
    for campaign in ["spring_sale", "spring_sale", "newsletter"]:
        LeadFactory(utm_campaign=campaign)

    admin_page.goto(f"{live_server.url}/admin/crm-reports/leads/")
    canvas = admin_page.locator("canvas[data-crm-chart]")

    canvas.wait_for()
    admin_page.wait_for_function(
        "() => window.Chart"
        " && Chart.getChart(document.querySelector('canvas[data-crm-chart]'))"
    )
    box = canvas.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    datasets = admin_page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-crm-chart]'))"
        ".data.datasets.map(d => [d.label, d.data.reduce((a, b) => a + b, 0)])"
    )
    assert sorted(datasets) == [["newsletter", 1], ["spring_sale", 2]]
    assert Lead.objects.count() == 3
