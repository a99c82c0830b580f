from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.search import index

from ..dedup import organization_name_key, tax_id_key
from .base import LeanClusterableModel, OwnedModel, owner_foreign_key


class TaggedOrganization(TaggedItemBase):
    content_object = ParentalKey(
        "wagtail_crm.Organization",
        on_delete=models.CASCADE,
        related_name="tagged_items",
    )


class Organization(index.Indexed, OwnedModel, LeanClusterableModel):
    """A legal entity (company, sole trader) with its contact persons."""

    owner = owner_foreign_key(db_index=False)  # Meta.indexes: (owner, name)
    name = models.CharField(_("name"), max_length=255)
    # name_key and email are indexed in Meta (see Contact).
    name_key = models.CharField(max_length=255, editable=False)
    tax_id = models.CharField(
        _("tax id"),
        max_length=32,
        blank=True,
        help_text=_("INN, VAT number or NIPT."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = ClusterTaggableManager(
        through=TaggedOrganization, blank=True, verbose_name=_("tags")
    )

    # Index updates go through wagtail_crm.indexing, which can defer them.
    search_auto_update = False
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("tax_id"),
        index.SearchField("email"),
        index.FilterField("owner"),
    ]

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id"],
                condition=~Q(tax_id=""),
                name="wagtail_crm_organization_unique_tax_id",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["email"], name="crm_org_email_idx"),
            models.Index(fields=["name_key"], name="crm_org_name_key_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = self.name.strip()
        self.name_key = organization_name_key(self.name)
        self.tax_id = tax_id_key(self.tax_id)
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)
