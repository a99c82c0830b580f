"""E-mail about a new lead to its owner and the site's recipients.

Sent after the lead's transaction commits, from the lead's follow-up task
``wagtail_crm.capture.tasks.process_new_lead`` (or from ``notify_new_lead``),
at most once per lead: the sender claims ``Lead.notified_at`` before it sends,
so a second run (a duplicate task, one re-queued after its worker died) sends
nothing. When the
mail server fails, the claim is released and the task is queued again with
exponential backoff (``WAGTAILCRM_NOTIFICATION_MAX_ATTEMPTS`` in all), where
the task backend can defer tasks. A worker killed while talking to the mail
server leaves the claim in place: that e-mail may be lost, never doubled.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from ..conf import crm_settings
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
    # A visitor's name may carry a line break (a POST is not a form field's
    # widget): one line, or Django refuses the header.
    subject = " ".join(str(subject).split())
    reply_to = lead.email if lead.email and lead.email.isprintable() else ""
    return EmailMessage(
        subject=subject,
        body=render_to_string("wagtail_crm/capture/new_lead_email.txt", context),
        to=recipients,
        reply_to=[reply_to] if reply_to else None,
    )


def retry_delay(attempt):
    """1, 4, 16, 64… × ``WAGTAILCRM_NOTIFICATION_RETRY_DELAY`` seconds."""
    return timedelta(seconds=crm_settings.NOTIFICATION_RETRY_DELAY * 4 ** (attempt - 1))


def _retry_later(lead_id, attempt, error):
    task_ = notify_new_lead
    if attempt >= crm_settings.NOTIFICATION_MAX_ATTEMPTS or not (
        task_.get_backend().supports_defer
    ):
        logger.error(
            "Could not e-mail lead %s (attempt %s), giving up: %s",
            lead_id,
            attempt,
            error,
        )
        return
    run_after = timezone.now() + retry_delay(attempt)
    logger.warning(
        "Could not e-mail lead %s (attempt %s), retrying at %s: %s",
        lead_id,
        attempt,
        run_after,
        error,
    )
    task_.using(run_after=run_after).enqueue(lead_id=lead_id, attempt=attempt + 1)


def send_new_lead_email(lead_id, attempt=1):
    """E-mail a new lead once; returns the number of messages sent (0 or 1)."""
    claimed_at = timezone.now()
    claimed = Lead.objects.filter(pk=lead_id, notified_at__isnull=True).update(
        notified_at=claimed_at
    )
    if not claimed:
        return 0  # already e-mailed (or being e-mailed), or the lead is gone
    lead = Lead.objects.select_related("owner", "source_page").filter(pk=lead_id)
    lead = lead.first()
    if lead is None:
        return 0
    try:
        recipients = recipients_for(lead)
        if not recipients:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            message = build_message(lead, recipients)
        return message.send()
    except Exception as error:
        # Not sent: give the claim back so that a later run can send it.
        Lead.objects.filter(pk=lead_id, notified_at=claimed_at).update(notified_at=None)
        if not isinstance(error, (smtplib.SMTPException, OSError)):
            raise
        _retry_later(lead_id, attempt, error)
        return 0


@task()
def notify_new_lead(lead_id, attempt=1):
    """:func:`send_new_lead_email` as a task of its own: the retries of a failed
    e-mail run here."""
    return send_new_lead_email(lead_id, attempt)
