"""Registrations only: viewsets, menu, dashboard panels, permissions."""

from django.contrib.auth.models import Permission
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import log_actions, pipeline
from .conversion import LOG_ACTIONS
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


@hooks.register("register_log_actions")
def register_crm_log_actions(actions):
    log_actions.register_log_actions(actions)
    pipeline.register_log_actions(actions)
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("construct_homepage_panels")
def add_crm_dashboard_panel(request, panels):
    if CRMDashboardPanel.is_shown_to(request.user):
        panels.append(CRMDashboardPanel(request))
