"""Registrations only: viewsets, menu, dashboard panels, permissions."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from . import log_actions, pipeline
from .capture.admin_views import ReleaseView
from .conversion import LOG_ACTIONS
from .integrations.viewsets import admin_urls as webhook_admin_urls
from .privacy.views import PERMISSION as PERSONAL_DATA_PERMISSION
from .privacy.views import PersonalDataView
from .views.activities import LogActivityViewSet, activity_listing_buttons
from .views.bulk_actions import BULK_ACTIONS
from .views.dashboard import CRMDashboardPanel
from .viewsets import CRMViewSetGroup

register_snippet(CRMViewSetGroup)
hooks.register("register_admin_viewset", LogActivityViewSet)
hooks.register("register_snippet_listing_buttons", activity_listing_buttons)

for _action in BULK_ACTIONS:
    # order=1: after Wagtail's own snippet delete, which ours replaces for CRM records.
    hooks.register("register_bulk_action", _action, order=1)


@hooks.register("register_permissions")
def register_crm_permissions():
    return Permission.objects.filter(
        content_type__app_label="wagtail_crm", content_type__model="crmpermission"
    )


@hooks.register("register_admin_urls")
def register_capture_admin_urls():
    return [
        path(
            "crm/quarantine/release/<int:pk>/",
            ReleaseView.as_view(),
            name="wagtail_crm_quarantine_release",
        ),
        path(
            "crm/personal-data/",
            PersonalDataView.as_view(),
            name="wagtail_crm_personal_data",
        ),
        *webhook_admin_urls(),
    ]


class PersonalDataMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERSONAL_DATA_PERMISSION)


@hooks.register("register_settings_menu_item")
def register_personal_data_menu_item():
    return PersonalDataMenuItem(
        _("Personal data"),
        reverse("wagtail_crm_personal_data"),
        icon_name="user",
        order=900,
    )


@hooks.register("register_log_actions")
def register_crm_log_actions(actions):
    log_actions.register_log_actions(actions)
    pipeline.register_log_actions(actions)
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
    actions.register_action(
        "wagtail_crm.quarantine_released",
        _("Release into leads"),
        _("Released from the quarantine into leads"),
    )
    actions.register_action(
        "wagtail_crm.personal_data_erased",
        _("Erase personal data"),
        _("Personal data erased on request"),
    )


@hooks.register("construct_homepage_panels")
def add_crm_dashboard_panel(request, panels):
    if CRMDashboardPanel.is_shown_to(request.user):
        panels.append(CRMDashboardPanel(request))
