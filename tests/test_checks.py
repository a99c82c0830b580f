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


def test_immediate_backend_warns_only_in_the_deployment_checks():
    """A new site runs Django's immediate backend: `check` stays clean on a
    developer's machine, `check --deploy` names the risk."""
    from django.core.checks import registry

    with override_settings(TASKS=IMMEDIATE, SILENCED_SYSTEM_CHECKS=[]):
        plain = {message.id for message in registry.run_checks()}
        deploy = {
            message.id
            for message in registry.run_checks(include_deployment_checks=True)
        }
    assert "wagtail_crm.W002" not in plain
    assert "wagtail_crm.W002" in deploy


def test_local_uploads_with_remote_database_warn(settings, monkeypatch):
    check = checks.upload_storage_check
    assert not _ids(check)
    remote = {**settings.DATABASES["default"], "HOST": "db.internal"}
    monkeypatch.setitem(settings.DATABASES, "default", remote)
    assert _ids(check) == {"wagtail_crm.W003"}


def test_invalid_capture_rate_limit_is_an_error():
    check = checks.capture_rate_limit_check
    for invalid in ("ten/m", "5/x", "-5/m", "/m"):
        with override_settings(WAGTAILCRM_CAPTURE_RATE_LIMIT=invalid):
            (error,) = check(None)
        assert error.id == "wagtail_crm.E001"
        assert repr(invalid) in error.msg
    for valid in ("10/m", "100/hour", "5", None, ""):
        assert not _ids(check, WAGTAILCRM_CAPTURE_RATE_LIMIT=valid)
