"""The demo's sales groups: what a sales manager and a head of sales get."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail_crm.models import Contact, Lead, Organization, Task
from wagtail_crm.permissions import can_see_all


@pytest.mark.django_db
def test_demo_groups_users_and_spread_of_records(client):
    out = io.StringIO()
    call_command("crm_demo", stdout=out)
    call_command("crm_demo", stdout=io.StringIO())
    assert "manager / changeme" in out.getvalue()
    assert "head / changeme" in out.getvalue()
    manager = Group.objects.get(name="Sales managers").user_set.get()
    head = Group.objects.get(name="Sales heads").user_set.get()
    assert not can_see_all(manager) and can_see_all(head)
    assert head.has_perm("wagtail_crm.export_records")
    for model in (Organization, Contact, Lead):
        owners = set(model.objects.values_list("owner__username", flat=True))
        assert {"manager", "head"} <= owners, model
    assert Task.objects.filter(done=False, due_at__lt=timezone.now()).exists()

    assert client.login(username="manager", password="changeme")
    listing = client.get(reverse(Contact.snippet_viewset.get_url_name("list")))
    theirs = Contact.objects.exclude(owner=manager).first()
    assert listing.status_code == 200
    assert str(theirs) not in listing.content.decode()
    assert "My CRM" in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.django_db
def test_ticking_a_task_done_stamps_when(admin_client):
    task = Task.objects.create(title="Call back")
    url = reverse(Task.snippet_viewset.get_url_name("edit"), args=[task.pk])
    data = {
        "title": "Call back",
        "due_at": "",
        "done": "on",
        "description": "",
        "contact": "",
        "organization": "",
        "lead": "",
        "deal": "",
        "assignee": "",
    }
    assert admin_client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert task.done and task.done_at is not None
    data.pop("done")
    admin_client.post(url, data)
    task.refresh_from_db()
    assert not task.done and task.done_at is None
