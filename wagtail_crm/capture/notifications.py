"""E-mail about a new lead to its owner and the site's recipients.

Sent from the background task ``process_new_lead`` after the lead's transaction
commits; a failing mail server is logged and retried by nobody: the lead is
already saved.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from ..models import CRMSettings, Lead
from .routing import site_of

logger = logging.getLogger(__name__)


def recipients_for(lead):
    site = site_of(lead.source_page_id)
    recipients = CRMSettings.for_site(site).recipient_list if site else []
    if lead.owner and lead.owner.email:
        recipients = [lead.owner.email, *recipients]
    return list(dict.fromkeys(recipients))


def _admin_url(lead):
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    try:
        path = reverse("wagtailsnippets_wagtail_crm_lead:edit", args=[lead.pk])
    except NoReverseMatch:
        return ""
    return base + path


def build_message(lead, recipients):
    context = {"lead": lead, "admin_url": _admin_url(lead)}
    subject = _("New lead: %(lead)s") % {"lead": lead}
    if lead.source_page_id:
        subject = _("New lead from “%(page)s”: %(lead)s") % {
            "page": lead.source_page.title,
            "lead": lead,
        }
    return EmailMessage(
        subject=subject,
        body=render_to_string("wagtail_crm/capture/new_lead_email.txt", context),
        to=recipients,
        reply_to=[lead.email] if lead.email else None,
    )


def send_new_lead_email(lead_id):
    """E-mail the lead's owner and the site's recipients; the number sent.

    Safe to run twice: it only sends mail (a second copy at worst).
    """
    lead = (
        Lead.objects.select_related("owner", "source_page").filter(pk=lead_id).first()
    )
    if lead is None:
        return 0
    recipients = recipients_for(lead)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        message = build_message(lead, recipients)
    try:
        return message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not e-mail lead %s to %s", lead_id, recipients)
        return 0


@task()
def notify_new_lead(lead_id):
    """:func:`send_new_lead_email` as a task of its own (capture runs it inside
    ``wagtail_crm.capture.tasks.process_new_lead``)."""
    return send_new_lead_email(lead_id)
