"""System checks that warn about a risky set-up before users find out."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import FileSystemStorage, storages

from .conf import crm_settings

LOCAL_DB_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
LARGE_IMPORT_ROWS = 100_000


@register()
def phone_region_check(app_configs, **kwargs):
    if crm_settings.PHONE_REGION:
        return []
    return [
        Warning(
            "WAGTAILCRM_PHONE_REGION is not set: phone numbers written without "
            "a country code (such as 8 916 123-45-67) cannot be normalized.",
            hint="Set WAGTAILCRM_PHONE_REGION to your country, e.g. 'RU' or 'AL'.",
            id="wagtail_crm.W001",
        )
    ]


def _backend():
    from django_tasks import task_backends

    return task_backends["default"]


@register(Tags.compatibility, deploy=True)
def task_backend_check(app_configs, **kwargs):
    """A deployment check (``check --deploy``): Django's default immediate
    backend is the usual one on a developer's machine, where a warning on
    every command of a new site would only be noise."""
    from django_tasks.backends.immediate import ImmediateBackend

    if not isinstance(_backend(), ImmediateBackend):
        return []
    if crm_settings.IMPORT_MAX_ROWS <= LARGE_IMPORT_ROWS:
        return []
    return [
        Warning(
            "Background tasks run inside web requests (the immediate task "
            f"backend) while imports of up to {crm_settings.IMPORT_MAX_ROWS} rows "
            "are allowed: a large import will time out.",
            hint="Use a queue backend with workers (django_tasks_db.DatabaseBackend "
            "or django_tasks_rq.RQBackend), or lower WAGTAILCRM_IMPORT_MAX_ROWS.",
            id="wagtail_crm.W002",
        )
    ]


def _database_is_remote():
    host = settings.DATABASES.get("default", {}).get("HOST", "")
    return host not in LOCAL_DB_HOSTS and not host.startswith("/")


@register()
def upload_storage_check(app_configs, **kwargs):
    if not isinstance(storages["default"], FileSystemStorage):
        return []
    if not _database_is_remote():
        return []
    return [
        Warning(
            "Import uploads are stored on this server's local disk, but the "
            "database is on another host: web processes and task workers on "
            "other servers cannot read the uploaded files.",
            hint="Use shared storage for media (e.g. django-storages with S3).",
            id="wagtail_crm.W003",
        )
    ]


@register()
def capture_rate_limit_check(app_configs, **kwargs):
    from .capture.spam import parse_rate

    try:
        parse_rate(crm_settings.CAPTURE_RATE_LIMIT)
    except ValueError:
        pass
    else:
        return []
    return [
        Error(
            f"WAGTAILCRM_CAPTURE_RATE_LIMIT = {crm_settings.CAPTURE_RATE_LIMIT!r} "
            "is not a rate: form posts are not rate-limited.",
            hint="Write a number of submissions per second, minute, hour or day, "
            "such as '10/m', '100/h' or '1000/d'; None turns the limit off.",
            id="wagtail_crm.E001",
        )
    ]
