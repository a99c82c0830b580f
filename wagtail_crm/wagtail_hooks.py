"""Registrations only: viewsets, menu, dashboard panels, permissions."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from .capture.admin_views import ReleaseView
from .integrations.viewsets import admin_urls as webhook_admin_urls
from .privacy.views import PERMISSION as PERSONAL_DATA_PERMISSION
from .privacy.views import PersonalDataView
from .viewsets import CRMViewSetGroup

register_snippet(CRMViewSetGroup)


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
def register_capture_log_actions(actions):
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
