"""A new user's pass over the CRM admin: what a manager who works only their
own records must not reach by URL, filter, form or Wagtail's own reports."""

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from tests.crm_admin_data import (
    SECRET,
    admin_url,
    form_data,
    records_of,
    sales_users,
)
from wagtail_crm.models import Activity, Contact, Deal, Lead, Organization, Task

MODELS = (Lead, Contact, Organization, Deal, Activity, Task)


@pytest.fixture
def world(db):
    manager, other, head = sales_users()
    mine = records_of(manager, "Mine")
    theirs = records_of(other, SECRET)
    return {
        "manager": manager,
        "other": other,
        "head": head,
        "mine": mine,
        "theirs": theirs,
    }


def _content(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_site_history_shows_a_manager_only_their_own_records(client, world):
    for who in ("manager", "other"):
        for record in world["mine" if who == "manager" else "theirs"].values():
            log(instance=record, action="wagtail.create", user=world[who])
    url = reverse("wagtailadmin_reports:site_history")

    client.force_login(world["manager"])
    for address in (url, url + "?export=csv"):
        content = _content(client.get(address))
        assert "Mine Lead" in content
        assert SECRET not in content

    client.force_login(world["head"])
    assert SECRET in _content(client.get(url))


def test_site_history_keeps_a_managers_own_actions(client, world):
    """What the manager did themselves stays, e.g. on a record since handed on."""
    lead = world["theirs"][Lead]
    log(instance=lead, action="wagtail.edit", user=world["manager"])
    client.force_login(world["manager"])
    content = _content(client.get(reverse("wagtailadmin_reports:site_history")))
    assert SECRET in content


@pytest.mark.parametrize(
    "model", (Lead, Contact, Deal, Activity, Task), ids=lambda m: m.__name__
)
def test_organization_filter_does_not_name_another_managers_organization(
    client, world, model
):
    client.force_login(world["manager"])
    theirs = world["theirs"][Organization]
    response = client.get(admin_url(model, "list") + f"?organization={theirs.pk}")
    assert response.status_code == 200
    assert SECRET not in _content(response)


def test_organization_filter_names_the_managers_own_organization(client, world):
    client.force_login(world["manager"])
    mine = world["mine"][Organization]
    response = client.get(admin_url(Contact, "list") + f"?organization={mine.pk}")
    assert "Mine Org" in _content(response)


def test_a_posted_id_of_another_managers_record_is_not_named_back(client, world):
    client.force_login(world["manager"])
    deal = world["mine"][Deal]
    url = admin_url(Deal, "edit", deal.pk)
    data = form_data(client, url)
    data["contact"] = world["theirs"][Contact].pk
    response = client.post(url, data)
    assert response.status_code == 200  # the form error
    assert SECRET not in _content(response)
    deal.refresh_from_db()
    assert deal.contact_id is None


def _chooser_url(model_name):
    return reverse(f"wagtailsnippetchoosers_wagtail_crm_{model_name}:choose")


@pytest.mark.parametrize("model_name", ["webhook", "webhookdelivery"])
def test_choosers_of_crm_settings_refuse_users_without_a_permission(
    client, world, model_name
):
    from tests.crm_admin_data import make_editor

    for user in (make_editor(), world["manager"]):
        client.force_login(user)
        response = client.get(_chooser_url(model_name))
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")


def test_quarantine_chooser_refuses_a_manager(client, world, superuser):
    from wagtail_crm.models import QuarantinedSubmission

    QuarantinedSubmission.objects.create(name="Spam Sender", email="s@example.com")
    client.force_login(world["manager"])
    response = client.get(_chooser_url("quarantinedsubmission"))
    assert response.status_code == 302
    client.force_login(superuser)
    response = client.get(_chooser_url("quarantinedsubmission"))
    assert response.status_code == 200
    assert "Spam Sender" in _content(response)


def test_reports_index_refuses_an_editor_without_crm_permissions(client, world):
    from tests.crm_admin_data import make_editor

    client.force_login(make_editor())
    response = client.get(reverse("crm-reports:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    client.force_login(world["manager"])
    assert client.get(reverse("crm-reports:index")).status_code == 200
