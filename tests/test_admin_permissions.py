"""The permissions matrix: every CRM admin URL × anonymous, editor, manager, head.

A sales manager sees and touches only records they own; a head of sales sees
all; an editor without CRM permissions and an anonymous visitor get nothing.
No response to a manager ever contains another manager's record.
"""

import pytest
from django.urls import reverse

from tests.crm_admin_data import SECRET, make_editor, records_of, sales_users
from wagtail_crm.models import Activity, Contact, Deal, Lead, Organization, Task

MODELS = (Lead, Contact, Organization, Deal, Activity, Task)
BULK_ACTIONS = {
    Lead: ("crm_assign_owner", "crm_change_status", "crm_add_tag", "delete"),
    Contact: ("crm_assign_owner", "crm_add_tag", "delete"),
    Organization: ("crm_assign_owner", "crm_add_tag", "delete"),
    Deal: ("crm_assign_owner", "crm_change_stage", "delete"),
    Activity: ("crm_assign_owner", "delete"),
    Task: ("crm_assign_owner", "delete"),
}
FILTERS = {
    Lead: "status=new",
    Contact: "private=false",
    Organization: "created_at_from=2000-01-01",
    Deal: "stage__kind=open",
    Activity: "kind=call",
    Task: "done=false",
}


@pytest.fixture
def world(db):
    manager, other, head = sales_users()
    editor = make_editor()
    return {
        "users": {"manager": manager, "head": head, "editor": editor},
        "mine": records_of(manager, "Mine"),
        "theirs": records_of(other, SECRET),
    }


def _url(model, name, *args):
    return reverse(model.snippet_viewset.get_url_name(name), args=args)


def _chooser_url(model, name, *args):
    namespace = model.snippet_viewset.get_chooser_admin_url_namespace()
    return reverse(f"{namespace}:{name}", args=args)


def _bulk_url(model, action, *records):
    url = reverse(
        "wagtail_bulk_action", args=("wagtail_crm", model._meta.model_name, action)
    )
    return url + "?" + "&".join(f"id={record.pk}" for record in records)


def listing_urls(model):
    listing = _url(model, "list")
    return {
        "listing": listing,
        "results": _url(model, "list_results"),
        "search": listing + "?q=Person",
        "search_phone": listing + "?q=8+916+123-45-67",
        "filter": listing + "?" + FILTERS[model],
        "ordering": listing + "?ordering=-created_at",
        "choose": _chooser_url(model, "choose"),
        "choose_results": _chooser_url(model, "choose_results") + "?q=a",
    }


def record_urls(model, record):
    return {
        "edit": _url(model, "edit", record.pk),
        "delete": _url(model, "delete", record.pk),
        "inspect": _url(model, "inspect", record.pk),
        "history": _url(model, "history", record.pk),
        "usage": _url(model, "usage", record.pk),
        "chosen": _chooser_url(model, "chosen", record.pk),
    }


def export_urls(model):
    listing = _url(model, "list")
    return {"csv": listing + "?export=csv", "xlsx": listing + "?export=xlsx"}


def _client_for(client, world, who):
    if who != "anonymous":
        client.force_login(world["users"][who])
    return client


def _assert_no_secret(response):
    content = (
        b"".join(response.streaming_content)
        if response.streaming
        else (response.content)
    )
    assert SECRET.encode() not in content


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_anonymous_is_sent_to_login(client, world, model):
    urls = {
        **listing_urls(model),
        **record_urls(model, world["mine"][model]),
        **export_urls(model),
        "add": _url(model, "add"),
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert "/admin/login/" in response["Location"], name


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_editor_without_crm_permissions_is_refused(client, world, model):
    client = _client_for(client, world, "editor")
    urls = {**listing_urls(model), **export_urls(model), "add": _url(model, "add")}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code in (302, 403), name
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home"), name
        _assert_no_secret(response)
    # Another person's record does not exist for the editor: 404 before the
    # permission check (the chooser, which checks first, refuses).
    for name, url in record_urls(model, world["theirs"][model]).items():
        response = client.get(url)
        assert response.status_code == (302 if name == "chosen" else 404), name
        _assert_no_secret(response)
    for action in BULK_ACTIONS[model]:
        response = client.get(_bulk_url(model, action, world["theirs"][model]))
        assert response.status_code in (302, 403), action
        _assert_no_secret(response)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_manager_sees_own_records_only(client, world, model):
    client = _client_for(client, world, "manager")
    mine, theirs = world["mine"][model], world["theirs"][model]
    for name, url in listing_urls(model).items():
        response = client.get(url)
        assert response.status_code == 200, name
        _assert_no_secret(response)
    response = client.get(_url(model, "list"))
    assert str(mine) in response.content.decode()
    for name, url in record_urls(model, mine).items():
        response = client.get(url)
        assert response.status_code == 200, name
    for name, url in record_urls(model, theirs).items():
        response = client.get(url)
        assert response.status_code == 404, name
    assert client.get(_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_manager_cannot_export_without_the_export_permission(client, world, model):
    client = _client_for(client, world, "manager")
    for name, url in export_urls(model).items():
        response = client.get(url)
        # Wagtail turns PermissionDenied into a redirect to the dashboard.
        assert response.status_code == 302, name
        assert response["Location"] == reverse("wagtailadmin_home"), name
    listing = client.get(_url(model, "list")).content.decode()
    assert "export=xlsx" not in listing


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_manager_bulk_actions_skip_other_records(client, world, model):
    client = _client_for(client, world, "manager")
    mine, theirs = world["mine"][model], world["theirs"][model]
    for action in BULK_ACTIONS[model]:
        response = client.get(_bulk_url(model, action, mine, theirs))
        assert response.status_code == 200, action
        _assert_no_secret(response)
    response = client.post(
        _bulk_url(model, "delete", mine, theirs), {"next": _url(model, "list")}
    )
    assert response.status_code == 302
    assert not model.objects.filter(pk=mine.pk).exists()
    assert model.objects.filter(pk=theirs.pk).exists()


def test_manager_cannot_take_another_managers_record_by_posting(client, world):
    client = _client_for(client, world, "manager")
    theirs = world["theirs"][Contact]
    response = client.post(_url(Contact, "edit", theirs.pk), {"last_name": "Hijacked"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.last_name != "Hijacked"
    response = client.post(_url(Contact, "delete", theirs.pk))
    assert response.status_code == 404
    assert Contact.objects.filter(pk=theirs.pk).exists()


def test_manager_cannot_assign_owner_in_bulk(client, world):
    client = _client_for(client, world, "manager")
    mine = world["mine"][Lead]
    head = world["users"]["head"]
    client.post(
        _bulk_url(Lead, "crm_assign_owner", mine),
        {"owner": head.pk, "next": _url(Lead, "list")},
    )
    mine.refresh_from_db()
    assert mine.owner == world["users"]["manager"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_head_sees_and_exports_everything(client, world, model):
    client = _client_for(client, world, "head")
    theirs = world["theirs"][model]
    response = client.get(_url(model, "list"))
    assert response.status_code == 200
    assert str(theirs) in response.content.decode()
    for name, url in record_urls(model, theirs).items():
        assert client.get(url).status_code == 200, name
    response = client.get(export_urls(model)["csv"])
    assert response.status_code == 200
    assert SECRET.encode() in b"".join(response.streaming_content)
    for action in BULK_ACTIONS[model]:
        response = client.get(_bulk_url(model, action, theirs))
        assert response.status_code == 200, action
        assert str(theirs) in response.content.decode()


def test_head_reassigns_records_in_bulk(client, world):
    client = _client_for(client, world, "head")
    theirs = world["theirs"][Lead]
    manager = world["users"]["manager"]
    response = client.post(
        _bulk_url(Lead, "crm_assign_owner", theirs),
        {"owner": manager.pk, "next": _url(Lead, "list")},
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.owner == manager


def test_manager_dashboard_shows_only_own_work(client, world):
    client = _client_for(client, world, "manager")
    response = client.get(reverse("wagtailadmin_home"))
    content = response.content.decode()
    assert "Mine Task" in content
    assert "Mine Lead" in content
    assert SECRET not in content


def test_editor_dashboard_has_no_crm_panel(client, world):
    client = _client_for(client, world, "editor")
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "My CRM" not in response.content.decode()
