import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimestampedModel


def _new_secret():
    return secrets.token_urlsafe(32)


class Webhook(TimestampedModel):
    """An outbound endpoint told about CRM events with a signed JSON POST."""

    class Event(models.TextChoices):
        LEAD_CREATED = "lead.created", _("Lead created")
        LEAD_STATUS_CHANGED = "lead.status_changed", _("Lead status changed")
        DEAL_STAGE_CHANGED = "deal.stage_changed", _("Deal stage changed")

    name = models.CharField(_("name"), max_length=255)
    url = models.URLField(_("URL"), max_length=2000)
    secret = models.CharField(
        _("secret"),
        max_length=255,
        default=_new_secret,
        help_text=_("Shared secret used to sign every request (HMAC-SHA256)."),
    )
    events = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_("Events sent to this URL."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def wants(self, event):
        return self.is_active and event in (self.events or [])


class WebhookDelivery(TimestampedModel):
    """One event sent (or being sent) to one webhook: the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(
        Webhook,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=50, choices=Webhook.Event.choices)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(
        _("response status"), null=True, blank=True
    )
    response_body = models.TextField(_("response"), blank=True)
    error = models.TextField(_("error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.event} → {self.webhook}"
