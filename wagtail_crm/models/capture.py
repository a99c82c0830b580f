from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimestampedModel


class QuarantinedSubmission(TimestampedModel):
    """A form submission that looked like spam, kept for an editor to review.

    ``payload`` holds the keyword arguments of ``capture_lead()``, so
    releasing it creates exactly the lead the visitor would have produced.
    """

    reason = models.CharField(_("reason"), max_length=255)
    name = models.CharField(_("name"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    source_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("source page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(_("submission"), default=dict, blank=True)
    released_lead = models.ForeignKey(
        "wagtail_crm.Lead",
        verbose_name=_("released as lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    @admin.display(description=_("reason"), ordering="reason")
    def reason_display(self):
        """The reason in the active language (it is stored in English)."""
        from ..capture.spam import translated_reason

        return translated_reason(self.reason)

    class Meta:
        verbose_name = _("quarantined submission")
        verbose_name_plural = _("quarantine")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name or self.email or str(_("Submission #%(pk)s") % {"pk": self.pk})

    @property
    def message(self):
        return (self.payload.get("fields") or {}).get("message", "")
