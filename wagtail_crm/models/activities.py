from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .base import TimestampedModel


def _link(model, verbose_name, related_name):
    return models.ForeignKey(
        model,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


class Activity(index.Indexed, TimestampedModel):
    """A call, meeting, e-mail or note, shown on the timelines of its records."""

    owner_field = "author"

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("E-mail")
        NOTE = "note", _("Note")

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE, db_index=True
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("details"), blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    external_id = models.CharField(
        _("external id"),
        max_length=255,
        blank=True,
        help_text=_("Call id of the telephony provider."),
    )
    recording_url = models.URLField(_("recording"), max_length=2000, blank=True)
    contact = _link("wagtail_crm.Contact", _("contact"), "activities")
    organization = _link("wagtail_crm.Organization", _("organization"), "activities")
    lead = _link("wagtail_crm.Lead", _("lead"), "activities")
    deal = _link("wagtail_crm.Deal", _("deal"), "activities")

    search_fields = [
        index.SearchField("subject"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("author"),
    ]

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="wagtail_crm_activity_unique_external_id",
            )
        ]
        indexes = [
            models.Index(fields=["contact", "-occurred_at"]),
            models.Index(fields=["organization", "-occurred_at"]),
            models.Index(fields=["author", "-occurred_at"]),
        ]

    def __str__(self):
        return self.subject or self.get_kind_display()


class Task(index.Indexed, TimestampedModel):
    owner_field = "assignee"

    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done = models.BooleanField(_("done"), default=False, db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    contact = _link("wagtail_crm.Contact", _("contact"), "tasks")
    organization = _link("wagtail_crm.Organization", _("organization"), "tasks")
    lead = _link("wagtail_crm.Lead", _("lead"), "tasks")
    deal = _link("wagtail_crm.Deal", _("deal"), "tasks")

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("assignee"),
        index.FilterField("done"),
    ]

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done", "due_at"]
        indexes = [models.Index(fields=["assignee", "done", "due_at"])]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return (
            not self.done and self.due_at is not None and self.due_at < timezone.now()
        )
