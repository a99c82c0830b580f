"""A visitor lands with UTM, browses to the lead form on another page and sends it;
the manager finds the lead with its first- and last-touch attribution."""

import pytest

from wagtail_crm.models import Lead


@pytest.mark.django_db(transaction=True)
def test_visitor_to_lead_with_first_and_last_touch(
    browser, live_server, site_pages, settings, superuser
):
    settings.WAGTAILCRM_CAPTURE_MIN_FILL_SECONDS = 1
    visitor = browser.new_context(locale="en-GB")
    page = visitor.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/?utm_source=newsletter&utm_campaign=spring")
    page.goto(
        f"{live_server.url}/contact/?utm_source=google&utm_medium=cpc"
        "&utm_campaign=retarget"
    )
    page.click("header nav >> text=Services")
    page.wait_for_url(f"{live_server.url}/services/")
    page.fill("input[name=name]", "Boris Ivanov")
    page.fill("input[name=email]", "boris@example.com")
    page.fill("input[name=phone]", "8 (495) 765-43-21")
    page.fill("textarea[name=message]", "A quote for 40 pallets, please.")
    page.check("input[name=consent]")
    page.wait_for_timeout(1200)  # a person takes longer than the minimum fill time
    page.click("text=Request a quote >> nth=-1")

    thanks = page.locator("[data-wagtailcrm-thanks]")
    thanks.wait_for(state="visible")
    assert "quote within one working day" in thanks.inner_text()
    assert page.url == f"{live_server.url}/services/"  # no reload
    visitor.close()

    lead = Lead.objects.get()
    assert lead.attribution["first_touch"]["utm_campaign"] == "spring"
    assert lead.attribution["last_touch"]["utm_campaign"] == "retarget"
    assert lead.utm_campaign == "retarget"
    assert lead.source_page_id == site_pages["services"].pk

    manager = browser.new_context(locale="en-GB")
    admin = manager.new_page()
    admin.goto(f"{live_server.url}/admin/login/")
    admin.fill("input[name=username]", "root")
    admin.fill("input[name=password]", "password")
    admin.click("button[type=submit]")
    admin.wait_for_url(f"{live_server.url}/admin/")
    admin.goto(f"{live_server.url}/admin/snippets/wagtail_crm/lead/")
    row = admin.locator("a", has_text="Boris Ivanov").first
    row.wait_for(state="visible")
    assert "retarget" in admin.content()  # the listing's campaign column
    admin.goto(f"{live_server.url}/admin/snippets/wagtail_crm/lead/edit/{lead.pk}/")
    admin.wait_for_load_state("load")
    content = admin.content()
    assert "retarget" in content
    attribution = admin.locator("[data-crm-attribution]")
    assert "spring" in attribution.inner_text()
    assert "retarget" in attribution.inner_text()
    manager.close()
