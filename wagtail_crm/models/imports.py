from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimestampedModel


class ImportJob(TimestampedModel):
    """One upload of a spreadsheet: its file, mapping, progress and report."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        MAPPED = "mapped", _("Mapped")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    file = models.FileField(_("file"), upload_to="wagtail_crm/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sheet_name = models.CharField(_("sheet"), max_length=255, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), null=True, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.UPLOADED,
        db_index=True,
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed rows"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def progress(self):
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ImportBatch(models.Model):
    """One committed batch of an import: its counts, report rows and undo log.

    Written in the same transaction as the batch's cards, so the counts of a
    job that stopped half-way are exact and a second run resumes after it.
    """

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    last_row = models.PositiveIntegerField()
    counts = models.JSONField(default=dict)
    entries = models.JSONField(default=list)
    # {"contacts": [pk...], "organizations": [pk...], "phones": [pk...]}
    created = models.JSONField(default=dict)
    # [{"model": "contact", "pk": 1, "before": {"field": "old value"}}]
    updated = models.JSONField(default=list)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "number"], name="wagtail_crm_importbatch_unique_number"
            )
        ]


class MappingProfile(models.Model):
    """A named, reusable column mapping: header text -> CRM field."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    mapping = models.JSONField(_("column mapping"), default=dict)
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("mapping profile")
        verbose_name_plural = _("mapping profiles")
        ordering = ["name"]

    def __str__(self):
        return self.name
