from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.search import index

from ..dedup import email_key
from .base import LeanClusterableModel, OwnedModel, owner_foreign_key


class TaggedLead(TaggedItemBase):
    content_object = ParentalKey(
        "wagtail_crm.Lead",
        on_delete=models.CASCADE,
        related_name="tagged_items",
    )


class Lead(index.Indexed, OwnedModel, LeanClusterableModel):
    """A request from a potential client, usually from a form on the website."""

    # owner, status and source_page lead composite indexes in Meta.indexes,
    # which serve their lookups: no index of their own (one less per INSERT).
    owner = owner_foreign_key(db_index=False)

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        QUALIFIED = "qualified", _("Qualified")
        CONVERTED = "converted", _("Converted")
        LOST = "lost", _("Lost")

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NEW,
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    # email, phone_e164 and utm_campaign are indexed in Meta: plain indexes,
    # without the pattern-ops twins db_index=True adds on PostgreSQL, which no
    # query uses and every captured lead would pay for.
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=100, blank=True, help_text=_("As the visitor typed it.")
    )
    phone_e164 = models.CharField(_("normalized phone"), max_length=20, blank=True)
    company = models.CharField(_("company"), max_length=255, blank=True)
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(_("submitted data"), default=dict, blank=True)

    source_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("source page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    source_url = models.URLField(_("source URL"), max_length=2000, blank=True)
    referrer = models.URLField(_("referrer"), max_length=2000, blank=True)
    utm_source = models.CharField(_("UTM source"), max_length=255, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=255, blank=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=255, blank=True)
    utm_term = models.CharField(_("UTM term"), max_length=255, blank=True)
    utm_content = models.CharField(_("UTM content"), max_length=255, blank=True)
    attribution = models.JSONField(
        _("attribution"),
        default=dict,
        blank=True,
        help_text=_("First and last touch of the visit, locale and user agent."),
    )
    consent = models.BooleanField(_("consent given"), default=False)
    consent_text = models.TextField(_("consent text shown"), blank=True)
    lost_reason = models.CharField(_("reason lost"), max_length=255, blank=True)
    notified_at = models.DateTimeField(
        _("notification sent"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the new-lead e-mail went out (sent at most once)."),
    )
    followups_pending = models.BooleanField(
        _("follow-ups pending"),
        default=False,
        editable=False,
        help_text=_(
            "Captured, and its index updates, webhooks and e-mail not done yet "
            "(a background task does them)."
        ),
    )

    contact = models.ForeignKey(
        "wagtail_crm.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    organization = models.ForeignKey(
        "wagtail_crm.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        db_index=False,  # partial index in Meta
    )
    deal = models.ForeignKey(
        "wagtail_crm.Deal",
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        db_index=False,  # partial index in Meta
    )
    pipeline = models.ForeignKey(
        "wagtail_crm.Pipeline",
        verbose_name=_("pipeline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        db_index=False,  # partial index in Meta
        help_text=_(
            "The pipeline a deal made from this lead starts in. Empty: the "
            "default pipeline."
        ),
    )
    tags = ClusterTaggableManager(
        through=TaggedLead, blank=True, verbose_name=_("tags")
    )

    # Index updates go through wagtail_crm.indexing, which can defer them.
    search_auto_update = False
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("email"),
        index.SearchField("company"),
        index.SearchField("message"),
        index.FilterField("status"),
        index.FilterField("owner"),
    ]

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["source_page", "created_at"]),
            models.Index(fields=["email"], name="crm_lead_email_idx"),
            models.Index(fields=["phone_e164"], name="crm_lead_phone_idx"),
            models.Index(fields=["utm_campaign"], name="crm_lead_campaign_idx"),
            # Most leads have no organization, deal or pipeline of their own:
            # their links are indexed where set, and a new lead without them
            # touches none of these indexes.
            *(
                models.Index(
                    fields=[name],
                    name=f"crm_lead_{name}_idx",
                    condition=Q(**{f"{name}__isnull": False}),
                )
                for name in ("organization", "deal", "pipeline")
            ),
            # The few leads whose follow-ups a background task has still to do.
            models.Index(
                fields=["id"],
                name="crm_lead_followups_idx",
                condition=Q(followups_pending=True),
            ),
        ]

    def __str__(self):
        return (
            self.name
            or self.email
            or self.phone
            or str(_("Lead #%(pk)s") % {"pk": self.pk})
        )

    def save(self, *args, **kwargs):
        self.email = email_key(self.email)
        super().save(*args, **kwargs)
