"""Registrations only: viewsets, menu, dashboard panels, permissions."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import pipeline
from .viewsets import CRMViewSetGroup

register_snippet(CRMViewSetGroup)
hooks.register("register_log_actions", pipeline.register_log_actions)
