"""The install path: migrations, system checks and the example site's pages."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db
def test_all_migrations_applied():
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert plan == []
    tables = connection.introspection.table_names()
    for table in ("wagtail_crm_contact", "wagtail_crm_lead", "wagtail_crm_phone"):
        assert table in tables


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)


@pytest.mark.django_db
def test_system_checks_are_clean():
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_demo_site_pages_render(client, demo_site):
    home = client.get("/")
    assert home.status_code == 200
    assert "Example Co." in home.content.decode()
    contact = client.get("/contact/")
    assert contact.status_code == 200
    body = contact.content.decode()
    for label in ("Name", "Email", "Phone", "Message", "personal data"):
        assert label in body
    assert client.get("/admin/login/").status_code == 200


@pytest.mark.django_db
def test_demo_is_idempotent(demo_site):
    from wagtail.models import Page

    from wagtail_crm.models import (
        Activity,
        Contact,
        Deal,
        ImportJob,
        Lead,
        Organization,
        Phone,
    )

    models = (Organization, Contact, Phone, Lead, Deal, Activity, ImportJob, Page)
    before = [model.objects.count() for model in models]
    call_command("crm_demo", stdout=io.StringIO())
    assert [model.objects.count() for model in models] == before
    assert Organization.objects.filter(contacts__isnull=False).distinct().count() >= 3
    demo_import = ImportJob.objects.get()
    assert demo_import.status == ImportJob.Status.DONE
    assert demo_import.summary["created"]["organizations"] == 2


@pytest.mark.django_db
def test_demo_admin_can_log_in(client, demo_site):
    from wagtail_crm.demo.builder import DEMO_PASSWORD

    assert client.login(username="admin", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_no_ignored_file_is_in_the_repository():
    """A file .gitignore leaves out (a local database, the demo-data marker)
    must not be committed: on a fresh clone `make demo` would take the
    marker for demo data already built and start an empty site."""
    import shutil
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    if not shutil.which("git") or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    tracked_but_ignored = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked_but_ignored == []


@pytest.mark.django_db
def test_migration_0008_recomputes_the_stored_match_keys():
    import importlib

    from django.apps import apps

    from wagtail_crm.models import Contact, Organization

    contact = Contact.objects.create(last_name="Grigoriev")
    organization = Organization.objects.create(name="Limited Edition Ltd")
    Contact.objects.filter(pk=contact.pk).update(last_name_key="grigoriev")
    Organization.objects.filter(pk=organization.pk).update(name_key="edition")

    migration = importlib.import_module(
        "wagtail_crm.migrations.0008_keys_and_activity_history"
    )
    migration.recompute_keys(apps, None)

    contact.refresh_from_db()
    organization.refresh_from_db()
    assert contact.last_name_key == "grigorev"
    assert organization.name_key == "limitededition"
