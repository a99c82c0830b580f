"""Registrations only: viewsets, menu, dashboard panels, permissions."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import log_actions
from .viewsets import CRMViewSetGroup

register_snippet(CRMViewSetGroup)


@hooks.register("register_log_actions")
def register_crm_log_actions(actions):
    log_actions.register_log_actions(actions)
