"""A manager's day in the browser: an organization with its people, a typed
phone stored as E.164, a call logged on a person and seen on the company."""

import re

import pytest
from django.urls import reverse

from wagtail_crm.models import Activity, Contact, Organization, Phone


def _url(live_server, model, name, *args):
    return live_server.url + reverse(
        model.snippet_viewset.get_url_name(name), args=args
    )


def _add_person(page, index, last_name, first_name, role):
    page.click("#id_contacts-ADD")
    page.fill(f"#id_contacts-{index}-last_name", last_name)
    page.fill(f"#id_contacts-{index}-first_name", first_name)
    page.select_option(f"#id_contacts-{index}-role", role)


@pytest.mark.django_db(transaction=True)
def test_organization_people_phone_and_call_on_timeline(admin_page, live_server):
    page = admin_page
    page.goto(_url(live_server, Organization, "add"))
    page.fill("#id_name", "ООО «Север»")
    _add_person(page, 0, "Иванова", "Анна", "accountant")
    _add_person(page, 1, "Смирнов", "Олег", "director")
    page.click("#id_phones-ADD")
    page.fill("#id_phones-0-e164", "8 (495) 123-45-67")
    page.get_by_role("button", name=re.compile("^Save")).first.click()
    page.wait_for_url(re.compile(r"/organization/$"))

    org = Organization.objects.get(name="ООО «Север»")
    assert sorted(org.contacts.values_list("last_name", flat=True)) == [
        "Иванова",
        "Смирнов",
    ]
    assert Phone.objects.get(organization=org).e164 == "+74951234567"
    assert page.get_by_text("+7 495 123-45-67").first.is_visible()

    anna = Contact.objects.get(last_name="Иванова")
    page.goto(_url(live_server, Contact, "edit", anna.pk))
    page.get_by_role("link", name="Log an activity").click()
    page.select_option("#id_kind", "call")
    page.fill("#id_subject", "Обсудили договор поставки")
    page.get_by_role("button", name=re.compile("^Save")).first.click()
    page.wait_for_url(re.compile(r"/activity/$"))
    assert Activity.objects.get().contact == anna

    page.goto(_url(live_server, Organization, "edit", org.pk))
    timeline = page.locator("table.crm-timeline")
    assert timeline.get_by_text("Обсудили договор поставки").is_visible()
    assert timeline.get_by_text("Иванова Анна").is_visible()
