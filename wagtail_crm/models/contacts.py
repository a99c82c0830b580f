from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.search import index

from ..dedup import email_key, person_name_key
from ..phones import format_phone
from .base import LeanClusterableModel, OwnedModel, owner_foreign_key


class TaggedContact(TaggedItemBase):
    content_object = ParentalKey(
        "wagtail_crm.Contact",
        on_delete=models.CASCADE,
        related_name="tagged_items",
    )


class Contact(index.Indexed, OwnedModel, LeanClusterableModel):
    """A person: a contact person of an organization, or a private client."""

    owner = owner_foreign_key(db_index=False)  # Meta.indexes: (owner, last_name)

    class Role(models.TextChoices):
        DIRECTOR = "director", _("Director")
        MANAGER = "manager", _("Manager")
        ACCOUNTANT = "accountant", _("Accountant")
        SUPPLIER = "supplier", _("Supplier")
        STOREKEEPER = "storekeeper", _("Storekeeper")
        OTHER = "other", _("Other")

    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    middle_name = models.CharField(
        _("middle name"), max_length=150, blank=True, help_text=_("Patronymic.")
    )
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    # Indexed in Meta: a plain index, without the pattern-ops twin Django adds
    # to db_index=True text fields on PostgreSQL, which no query uses and every
    # insert of an import would pay for.
    last_name_key = models.CharField(max_length=150, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    job_title = models.CharField(_("job title"), max_length=255, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organization = ParentalKey(
        "wagtail_crm.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        db_index=False,  # partial index in Meta: private clients have none
    )
    notes = models.TextField(_("notes"), blank=True)
    tags = ClusterTaggableManager(
        through=TaggedContact, blank=True, verbose_name=_("tags")
    )

    # Index updates go through wagtail_crm.indexing, which can defer them.
    search_auto_update = False
    search_fields = [
        index.SearchField("first_name"),
        index.SearchField("last_name"),
        index.SearchField("middle_name"),
        index.AutocompleteField("last_name"),
        index.AutocompleteField("first_name"),
        index.SearchField("email"),
        index.FilterField("owner"),
        index.FilterField("organization"),
    ]

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["owner", "last_name"]),
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["email"], name="crm_contact_email_idx"),
            models.Index(fields=["last_name_key"], name="crm_contact_name_key_idx"),
            models.Index(
                fields=["organization"],
                name="crm_contact_org_idx",
                condition=Q(organization__isnull=False),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email or str(_("(no name)"))

    @property
    def full_name(self):
        parts = (self.last_name, self.first_name, self.middle_name)
        return " ".join(part for part in parts if part)

    def set_keys(self):
        """The normalized e-mail and the last-name match key, as saved."""
        self.email = email_key(self.email)
        self.last_name_key = person_name_key(self.last_name)

    def save(self, *args, **kwargs):
        self.set_keys()
        super().save(*args, **kwargs)


class Phone(models.Model):
    """A normalized phone number of a contact or of an organization."""

    class Kind(models.TextChoices):
        # With a context: a bare "Home" would also translate Wagtail's own
        # "Home" (the breadcrumbs' root) as a home phone.
        WORK = "work", pgettext_lazy("phone kind", "Work")
        MOBILE = "mobile", pgettext_lazy("phone kind", "Mobile")
        HOME = "home", pgettext_lazy("phone kind", "Home")
        FAX = "fax", pgettext_lazy("phone kind", "Fax")
        OTHER = "other", pgettext_lazy("phone kind", "Other")

    e164 = models.CharField(_("phone"), max_length=20)  # indexed in Meta
    extension = models.CharField(_("extension"), max_length=16, blank=True, default="")
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.WORK
    )
    contact = ParentalKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    organization = ParentalKey(
        "wagtail_crm.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
        db_index=False,  # partial index in Meta: most phones are a person's
    )

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["e164"], name="crm_phone_e164_idx"),
            models.Index(
                fields=["organization"],
                name="crm_phone_org_idx",
                condition=Q(organization__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, organization__isnull=True)
                | Q(contact__isnull=True, organization__isnull=False),
                name="wagtail_crm_phone_has_one_owner",
            )
        ]

    def __str__(self):
        return format_phone(self.e164, self.extension)
