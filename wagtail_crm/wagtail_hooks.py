"""Registrations only: viewsets, menu, dashboard panels, permissions."""

from django.contrib.auth.models import Permission
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import CRMViewSetGroup

register_snippet(CRMViewSetGroup)


@hooks.register("register_permissions")
def register_import_export_permissions():
    return Permission.objects.filter(
        content_type__app_label="wagtail_crm",
        codename__in=["import_records", "export_records"],
    )
