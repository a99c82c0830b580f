"""In the browser: find a planted pair under Possible duplicates and merge it."""

import pytest
from django.urls import reverse

from tests.factories import ActivityFactory, ContactFactory, PhoneFactory
from wagtail_crm.models import Activity, Contact

FIRST_CALL = "Звонок: запросил прайс-лист"
SECOND_MEETING = "Meeting: discussed a discount"


def _plant_pair():
    first = ContactFactory(
        last_name="Орлов", first_name="Михаил", email="m.orlov@example.ru"
    )
    second = ContactFactory(
        last_name="Orlov", first_name="Mikhail", email=" M.Orlov@Example.ru"
    )
    PhoneFactory(contact=first, e164="+79264102233")
    PhoneFactory(contact=second, e164="+79264102233")
    ActivityFactory(contact=first, subject=FIRST_CALL)
    ActivityFactory(contact=second, subject=SECOND_MEETING)
    ContactFactory(last_name="Петров", email="petrov@example.ru")
    return first, second


def _merge_in_browser(page, base_url):
    page.goto(f"{base_url}{reverse('crm-duplicates:index')}")
    group = page.locator("[data-duplicate-group=contact]")
    assert group.count() == 1
    assert group.get_by_text("same e-mail").is_visible()
    assert group.get_by_text("same phone and last name").is_visible()
    assert group.get_by_role("link", name="Орлов Михаил").is_visible()
    assert group.get_by_role("link", name="Orlov Mikhail").is_visible()
    assert page.get_by_text("Петров").count() == 0
    group.get_by_role("link", name="Merge…").click()
    page.get_by_label("Орлов Михаил").first.check()
    page.get_by_role("button", name="Merge", exact=True).click()
    page.wait_for_url("**/edit/**")


@pytest.mark.django_db(transaction=True)
def test_merge_a_planted_pair(admin_page, live_server):
    first, second = _plant_pair()

    _merge_in_browser(admin_page, live_server.url)

    assert f"/{first.pk}/" in admin_page.url
    assert "was merged into" in admin_page.locator(".messages").inner_text()
    assert not Contact.objects.filter(pk=second.pk).exists()
    assert set(
        Activity.objects.filter(contact=first).values_list("subject", flat=True)
    ) == {FIRST_CALL, SECOND_MEETING}
    history = reverse("wagtailsnippets_wagtail_crm_contact:history", args=[first.pk])
    admin_page.goto(f"{live_server.url}{history}")
    assert admin_page.get_by_text("Merged “Orlov Mikhail”").is_visible()
    admin_page.goto(f"{live_server.url}{reverse('crm-duplicates:index')}")
    assert admin_page.locator("[data-duplicate-group]").count() == 0


@pytest.mark.django_db(transaction=True)
def test_survivor_timeline_shows_both_histories(admin_page, live_server):
    _plant_pair()
    _merge_in_browser(admin_page, live_server.url)
    assert admin_page.get_by_text(FIRST_CALL).first.is_visible()
    assert admin_page.get_by_text(SECOND_MEETING).first.is_visible()
