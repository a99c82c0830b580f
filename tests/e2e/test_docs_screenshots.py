"""The screenshots of docs/records.md and docs/permissions.md, taken from the
demo data; each also checks what the screenshot is meant to show.

They are written to docs/img/ when WAGTAILCRM_SCREENSHOTS=1, else to a
temporary directory (so a normal run never dirties the docs).
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from wagtail_crm.models import Contact, Organization

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


@pytest.fixture
def shots(tmp_path):
    if os.environ.get("WAGTAILCRM_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(exist_ok=True)
        return DOCS_IMG
    return tmp_path


@pytest.fixture
def demo(transactional_db):
    call_command("crm_demo", stdout=io.StringIO())


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "changeme")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def _url(live_server, model, name, *args):
    return live_server.url + reverse(
        model.snippet_viewset.get_url_name(name), args=args
    )


@pytest.mark.django_db(transaction=True)
def test_screenshots_of_records_and_permissions(page, live_server, demo, shots):
    _login(page, live_server, "head")
    page.goto(_url(live_server, Contact, "list"))
    assert page.get_by_text("+7 ").first.is_visible()
    page.screenshot(path=str(shots / "contacts-listing.png"))

    org = Organization.objects.filter(contacts__isnull=False).first()
    page.goto(_url(live_server, Organization, "edit", org.pk))
    assert page.locator("table.crm-timeline").count() == 1
    page.get_by_role("heading", name="Contact persons").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "organization-edit.png"))

    page.context.clear_cookies()
    _login(page, live_server, "manager")
    page.goto(_url(live_server, Contact, "list"))
    theirs = Contact.objects.exclude(owner__username="manager").first()
    assert page.get_by_text(str(theirs), exact=True).count() == 0
    page.screenshot(path=str(shots / "manager-contacts.png"))
    for name in ("contacts-listing", "organization-edit", "manager-contacts"):
        assert (shots / f"{name}.png").stat().st_size > 10_000
