from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable
from wagtail.search import index

from .base import OwnedModel, TimestampedModel


class Pipeline(ClusterableModel):
    name = models.CharField(_("name"), max_length=255)
    is_default = models.BooleanField(_("default pipeline"), default=False)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["-is_default", "name"]

    def __str__(self):
        return self.name

    @classmethod
    def get_default(cls):
        return cls.objects.order_by("-is_default", "pk").first()


class Stage(Orderable):
    class Kind(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    pipeline = ParentalKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.OPEN
    )
    probability = models.PositiveSmallIntegerField(
        _("probability, %"), default=0, help_text=_("Chance to win, 0-100.")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self):
        return self.name


class Deal(index.Indexed, OwnedModel):
    title = models.CharField(_("title"), max_length=255)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals"
    )
    stage_changed_at = models.DateTimeField(
        _("stage changed"), default=timezone.now, editable=False
    )
    organization = models.ForeignKey(
        "wagtail_crm.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    contact = models.ForeignKey(
        "wagtail_crm.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    lost_reason = models.CharField(_("reason lost"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("owner"),
        index.FilterField("stage"),
    ]

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["stage", "owner"]),
            # The pipeline board: newest cards of a stage, and column totals.
            models.Index(
                fields=["stage", "-stage_changed_at"],
                name="wagtail_crm_deal_stage_moved",
            ),
            models.Index(
                fields=["stage", "currency", "amount"],
                name="wagtail_crm_deal_stage_totals",
            ),
        ]

    def __str__(self):
        return self.title


__all__ = ["Deal", "Pipeline", "Stage", "TimestampedModel"]
