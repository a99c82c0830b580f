"""Registrations only: viewsets, menu, dashboard panels, permissions."""

from wagtail.snippets.models import register_snippet

from .viewsets import CRMViewSetGroup

register_snippet(CRMViewSetGroup)
