"""Outbound webhooks: signed JSON POSTs about CRM events, retried with backoff.

Each request carries::

    Content-Type: application/json
    X-WagtailCRM-Event: lead.created
    X-WagtailCRM-Delivery: 42
    X-WagtailCRM-Timestamp: 1767225600
    X-WagtailCRM-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">

The receiver recomputes the HMAC with the webhook's secret (see
``docs/webhooks.md``) and compares it in constant time.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import default_task_backend, task

from ..conf import crm_settings
from ..models import Lead, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-WagtailCRM-Signature"
TIMESTAMP_HEADER = "X-WagtailCRM-Timestamp"


def sign(secret, timestamp, body):
    """``sha256=<hex>`` over ``b"<timestamp>." + body``."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


#: How old (or how far in the future) a signed timestamp may be, in seconds.
MAX_AGE = 300


def verify(secret, timestamp, body, signature, *, max_age=MAX_AGE):
    """True when ``signature`` is ours for ``timestamp`` and ``body`` and the
    timestamp is within ``max_age`` seconds of now (a replayed request is
    refused); ``max_age=None`` checks the signature only."""
    if max_age is not None:
        try:
            if abs(time.time() - int(timestamp)) > max_age:
                return False
        except (TypeError, ValueError):
            return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def lead_payload(lead):
    return {
        "id": lead.pk,
        "status": lead.status,
        "name": lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "phone_e164": lead.phone_e164,
        "company": lead.company,
        "message": lead.message,
        "source_page_id": lead.source_page_id,
        "source_url": lead.source_url,
        "referrer": lead.referrer,
        "utm": {
            key: getattr(lead, key)
            for key in (
                "utm_source",
                "utm_medium",
                "utm_campaign",
                "utm_term",
                "utm_content",
            )
        },
        "consent": lead.consent,
        "contact_id": lead.contact_id,
        "organization_id": lead.organization_id,
        "owner_id": lead.owner_id,
        "pipeline_id": lead.pipeline_id,
        "created_at": lead.created_at,
    }


def deal_payload(deal):
    return {
        "id": deal.pk,
        "title": deal.title,
        "amount": deal.amount,
        "currency": deal.currency,
        "stage_id": deal.stage_id,
        "stage": str(deal.stage) if deal.stage_id else "",
        "organization_id": deal.organization_id,
        "contact_id": deal.contact_id,
        "owner_id": deal.owner_id,
    }


def subscribed(event):
    """The active webhooks that want ``event``."""
    return [
        hook for hook in Webhook.objects.filter(is_active=True) if hook.wants(event)
    ]


def emit(event, data, *, hooks=None):
    """Queue ``event`` for every active webhook that wants it (after commit)."""
    hooks = subscribed(event) if hooks is None else hooks
    if not hooks:
        return []
    body = json.loads(json.dumps({"event": event, "data": data}, cls=DjangoJSONEncoder))
    deliveries = [
        WebhookDelivery.objects.create(webhook=hook, event=event, payload=body)
        for hook in hooks
    ]
    for delivery in deliveries:
        pk = delivery.pk
        transaction.on_commit(
            lambda pk=pk: deliver_webhook.enqueue(delivery_id=pk), robust=True
        )
    return deliveries


def emit_lead_created(lead_id):
    """Queue ``lead.created`` for the lead, once per webhook: run again (a
    retried background task), it writes no second delivery."""
    event = Webhook.Event.LEAD_CREATED
    hooks = subscribed(event)
    lead = Lead.objects.filter(pk=lead_id).first() if hooks else None
    if lead is None:
        return []
    done = set(
        WebhookDelivery.objects.filter(
            event=event, webhook__in=hooks, payload__data__id=lead_id
        ).values_list("webhook_id", flat=True)
    )
    hooks = [hook for hook in hooks if hook.pk not in done]
    return emit(event, lead_payload(lead), hooks=hooks)


def emit_lead_status_changed(lead, old_status):
    data = lead_payload(lead) | {"previous_status": old_status}
    return emit(Webhook.Event.LEAD_STATUS_CHANGED, data)


def emit_deal_stage_changed(deal, old_stage_id):
    data = deal_payload(deal) | {"previous_stage_id": old_stage_id}
    return emit(Webhook.Event.DEAL_STAGE_CHANGED, data)


def _post(delivery):
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "wagtail-crm-webhooks",
            "X-WagtailCRM-Event": delivery.event,
            "X-WagtailCRM-Delivery": str(delivery.pk),
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(delivery.webhook.secret, timestamp, body),
        },
    )
    timeout = crm_settings.WEBHOOK_TIMEOUT
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return response.status, response.read(2000).decode(errors="replace")


def retry_delay(attempts):
    """Exponential backoff: 1, 4, 16, 64… × ``WAGTAILCRM_WEBHOOK_RETRY_DELAY``."""
    return timedelta(seconds=crm_settings.WEBHOOK_RETRY_DELAY * 4 ** (attempts - 1))


def _record_failure(delivery, error, status=None, body=""):
    delivery.error = str(error)[:2000]
    delivery.response_status = status
    delivery.response_body = body
    can_retry = delivery.attempts < crm_settings.WEBHOOK_MAX_ATTEMPTS
    backend = default_task_backend
    if can_retry and backend.supports_defer:
        delivery.status = WebhookDelivery.Status.RETRYING
        delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
    else:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    delivery.save()
    logger.warning(
        "Webhook delivery %s to %s failed (attempt %s): %s",
        delivery.pk,
        delivery.webhook.url,
        delivery.attempts,
        error,
    )
    if delivery.status == WebhookDelivery.Status.RETRYING:
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(
            delivery_id=delivery.pk
        )


@task()
def deliver_webhook(delivery_id):
    """Send one delivery, at most once: a run first claims it (status SENDING).

    A second run of the task (a duplicate, one re-queued after its worker died)
    finds it delivered, failed, or claimed, and sends nothing.
    """
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=(WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING),
    ).update(
        status=WebhookDelivery.Status.SENDING,
        attempts=F("attempts") + 1,
        updated_at=timezone.now(),
    )
    if not claimed:
        return False
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    try:
        status, body = _post(delivery)
    except urllib.error.HTTPError as error:
        body = error.read(2000).decode(errors="replace")
        _record_failure(delivery, error, status=error.code, body=body)
        return False
    except (urllib.error.URLError, OSError, ValueError) as error:
        _record_failure(delivery, error)
        return False
    delivery.status = WebhookDelivery.Status.DELIVERED
    delivery.response_status = status
    delivery.response_body = body
    delivery.error = ""
    delivery.delivered_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.save()
    return True


def fail_interrupted_deliveries(older_than=None):
    """Mark failed the deliveries left SENDING by a worker that died mid-request.

    Whether the receiver got that request is unknown, so it is not sent again
    on its own (at most once); the admin's "Retry now" sends it again.
    ``older_than`` defaults to six request timeouts (at least five minutes).
    Returns how many were marked.
    """
    if older_than is None:
        older_than = timedelta(seconds=max(6 * crm_settings.WEBHOOK_TIMEOUT, 300))
    stale = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.SENDING,
        updated_at__lt=timezone.now() - older_than,
    )
    return stale.update(
        status=WebhookDelivery.Status.FAILED,
        next_attempt_at=None,
        error=gettext(
            "The worker stopped while sending this request: the receiver may or "
            "may not have got it. Use “Retry now” to send it again."
        ),
        updated_at=timezone.now(),
    )


def redeliver(delivery):
    """Queue a failed delivery again (the admin's "Retry now")."""
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.save(update_fields=["status", "updated_at"])
    pk = delivery.pk
    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery_id=pk), robust=True)
