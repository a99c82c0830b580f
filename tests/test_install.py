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


def test_wheel_holds_templates_static_files_catalogs_and_migrations(tmp_path):
    """A site installs the wheel, not this checkout: every file of the app
    (templates, static files, compiled .mo catalogs, migrations) must be in
    it, and setuptools must not warn that a data folder "would be ignored"."""
    import shutil
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    pytest.importorskip("wheel")
    setuptools = pytest.importorskip("setuptools")
    if int(setuptools.__version__.split(".")[0]) < 69:
        pytest.skip("pyproject.toml needs setuptools>=69")

    root = Path(__file__).resolve().parent.parent
    source = tmp_path / "src"
    source.mkdir()
    for name in (
        "setup.cfg",
        "pyproject.toml",
        "MANIFEST.in",
        "README.md",
        "CHANGELOG.md",
        "LICENSE",
    ):
        shutil.copy(root / name, source / name)
    shutil.copytree(
        root / "wagtail_crm",
        source / "wagtail_crm",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    built = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps"),
            *("--no-build-isolation", "--no-index", "--verbose"),
            *("--wheel-dir", str(tmp_path / "dist"), str(source)),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "would be ignored" not in built.stdout + built.stderr

    (wheel,) = (tmp_path / "dist").glob("wagtail_crm-*.whl")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    app_files = {
        path.relative_to(source).as_posix()
        for path in (source / "wagtail_crm").rglob("*")
        if path.is_file()
    }
    assert sorted(app_files - in_wheel) == []
    for pattern in (
        "wagtail_crm/templates/wagtail_crm/*.html",
        "wagtail_crm/static/wagtail_crm/*.js",
        "wagtail_crm/locale/ru/LC_MESSAGES/django.mo",
        "wagtail_crm/locale/sq/LC_MESSAGES/django.mo",
        "wagtail_crm/migrations/0001_*.py",
    ):
        assert any(Path(name).match(pattern) for name in in_wheel), pattern
