"""System checks warn about a risky production set-up."""

from django.test import override_settings

from wagtail_crm import checks

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _ids(check, **overrides):
    with override_settings(**overrides):
        return {message.id for message in check(None)}


def test_missing_phone_region_warns():
    assert _ids(checks.phone_region_check, WAGTAILCRM_PHONE_REGION=None) == {
        "wagtail_crm.W001"
    }
    assert not _ids(checks.phone_region_check, WAGTAILCRM_PHONE_REGION="RU")


def test_immediate_backend_with_large_imports_warns():
    check = checks.task_backend_check
    assert _ids(check, TASKS=IMMEDIATE) == {"wagtail_crm.W002"}
    assert not _ids(check, TASKS=IMMEDIATE, WAGTAILCRM_IMPORT_MAX_ROWS=10_000)
    assert not _ids(check, TASKS=DUMMY)


def test_local_uploads_with_remote_database_warn(settings, monkeypatch):
    check = checks.upload_storage_check
    assert not _ids(check)
    remote = {**settings.DATABASES["default"], "HOST": "db.internal"}
    monkeypatch.setitem(settings.DATABASES, "default", remote)
    assert _ids(check) == {"wagtail_crm.W003"}
