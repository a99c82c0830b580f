"""Who gets a new lead.

In order: the owner fixed on the form; the owner of the contact the person
already is; the next active member of the form's group (round-robin); the
default lead owner of the site's CRM settings.
"""

from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from ..models import CRMSettings, Lead
from . import locks, site_settings


def fixed_owner(submission):
    if not submission.owner_id:
        return None
    return (
        get_user_model().objects.filter(pk=submission.owner_id, is_active=True).first()
    )


def route(submission, contact, request=None):
    if contact is not None and contact.owner_id and contact.owner.is_active:
        return contact.owner
    return round_robin(submission.owner_group_id) or default_owner(submission, request)


def round_robin(group_id):
    """The member after the one who got this group's latest lead."""
    if not group_id:
        return None
    members = list(
        get_user_model()
        .objects.filter(groups__pk=group_id, is_active=True)
        .order_by("pk")
    )
    if not members:
        return None
    locks.lock_round_robin(group_id)  # until the lead is committed
    ids = [member.pk for member in members]
    last = (
        Lead.objects.filter(owner_id__in=ids)
        .order_by("-created_at", "-pk")
        .values_list("owner_id", flat=True)
        .first()
    )
    position = (ids.index(last) + 1) if last in ids else 0
    return members[position % len(members)]


def site_of(page_id):
    page = Page.objects.filter(pk=page_id).first() if page_id else None
    site = page.get_site() if page else None
    return site or Site.objects.filter(is_default_site=True).first()


def crm_settings_for(submission, request=None):
    """The CRM site settings that apply (cached on ``request`` when given)."""
    if request is not None:
        return site_settings.for_request(request)
    site = site_of(submission.source_page_id)
    return CRMSettings.for_site(site) if site else None


def default_owner(submission, request=None):
    crm = crm_settings_for(submission, request)
    if crm is None or not crm.default_lead_owner_id:
        return None
    owner = crm.default_lead_owner
    return owner if owner is not None and owner.is_active else None
