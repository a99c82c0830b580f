"""Registrations only: viewsets, menu, dashboard panels, permissions."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import log_actions, pipeline
from .views.activities import LogActivityViewSet, activity_listing_buttons
from .viewsets import CRMViewSetGroup

register_snippet(CRMViewSetGroup)


@hooks.register("register_log_actions")
def register_crm_log_actions(actions):
    log_actions.register_log_actions(actions)


hooks.register("register_log_actions", pipeline.register_log_actions)
hooks.register("register_admin_viewset", LogActivityViewSet)
hooks.register("register_snippet_listing_buttons", activity_listing_buttons)
