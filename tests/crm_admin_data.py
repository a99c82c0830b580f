"""Users and records for the CRM admin tests: two managers' records side by side."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html

from wagtail_crm.demo.access import ensure_sales_groups
from wagtail_crm.models import (
    Activity,
    Contact,
    Deal,
    Lead,
    Organization,
    Phone,
    Pipeline,
    Stage,
    Task,
)

SECRET = "OTHERSECRET"


def make_user(username, *groups):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw", is_staff=True
    )
    user.groups.add(*groups)
    return user


def make_editor():
    """A Wagtail editor with admin access but no CRM permission."""
    group, _ = Group.objects.get_or_create(name="Site editors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    return make_user("editor", group)


def sales_users():
    """(manager, other manager, head) in the demo's sales groups."""
    manager, head = ensure_sales_groups()
    other = make_user("other", Group.objects.get(name="Sales managers"))
    return manager, other, head


def default_pipeline():
    pipeline, _ = Pipeline.objects.get_or_create(name="Sales", is_default=True)
    if not pipeline.stages.exists():
        for order, (name, kind) in enumerate(
            [("New", "open"), ("Proposal", "open"), ("Won", "won"), ("Lost", "lost")]
        ):
            Stage.objects.create(
                pipeline=pipeline, name=name, kind=kind, sort_order=order
            )
    return pipeline


def records_of(user, label):
    """One record of every kind owned by ``user``, named after ``label``."""
    stage = default_pipeline().stages.order_by("sort_order").first()
    org = Organization.objects.create(
        name=f"{label} Org", tax_id=f"77{abs(hash(label)) % 10**8:08d}", owner=user
    )
    Phone.objects.create(organization=org, e164="+74951112233")
    contact = Contact.objects.create(
        last_name=f"{label}Person",
        first_name="Ivan",
        email=f"{label.lower()}@example.com",
        organization=org,
        owner=user,
    )
    Phone.objects.create(contact=contact, e164="+79161234567")
    lead = Lead.objects.create(
        name=f"{label} Lead", email=f"lead-{label.lower()}@example.com", owner=user
    )
    deal = Deal.objects.create(
        title=f"{label} Deal", stage=stage, organization=org, owner=user
    )
    activity = Activity.objects.create(
        subject=f"{label} Call", kind="call", contact=contact, author=user
    )
    task = Task.objects.create(
        title=f"{label} Task",
        contact=contact,
        assignee=user,
        due_at=timezone.now() - timedelta(days=1),
    )
    return {
        Lead: lead,
        Contact: contact,
        Organization: org,
        Deal: deal,
        Activity: activity,
        Task: task,
    }


def admin_url(model, name, *args):
    """The URL of ``model``'s snippet view ``name`` ("edit", "list"…)."""
    return reverse(model.snippet_viewset.get_url_name(name), args=args)


def form_data(client, url):
    """What the admin's edit form at ``url`` would post as it is."""
    html = client.get(url).content.decode()
    return querydict_from_html(html, form_id="w-editor-form")


def bulk_url(model, action, *records):
    """The URL of the bulk ``action`` on ``records``."""
    url = reverse(
        "wagtail_bulk_action", args=("wagtail_crm", model._meta.model_name, action)
    )
    return url + "?" + "&".join(f"id={record.pk}" for record in records)
