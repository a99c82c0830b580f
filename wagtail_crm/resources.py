"""django-import-export resources of the CRM's records.

Subclass them the usual way (``class MyContactResource(ContactResource)``).
Column names are ones the import pipeline maps back to the same fields, so an
exported sheet can be edited and imported again: rows update their cards
(matched by "CRM id", e-mail, phone and name, or tax id) instead of duplicating.
Use ``wagtail_crm.exporting.write_dataset`` to save a dataset safely.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from .models import Contact, Lead, Organization, Phone
from .phones import format_phone


def phones_text(record):
    """ "+74951234567, +74951234568 ext. 12": E.164, which re-imports unchanged."""
    return ", ".join(
        f"{phone.e164} ext. {phone.extension}" if phone.extension else phone.e164
        for phone in record.phones.all()
    )


class ContactResource(resources.ModelResource):
    crm_id = fields.Field(attribute="id", column_name=_("CRM id"), readonly=True)
    last_name = fields.Field(attribute="last_name", column_name=_("Last name"))
    first_name = fields.Field(attribute="first_name", column_name=_("First name"))
    middle_name = fields.Field(attribute="middle_name", column_name=_("Middle name"))
    email = fields.Field(attribute="email", column_name=_("E-mail"))
    phones = fields.Field(column_name=_("Phones"), readonly=True)
    job_title = fields.Field(attribute="job_title", column_name=_("Job title"))
    organization = fields.Field(
        attribute="organization__name", column_name=_("Organization"), readonly=True
    )
    tax_id = fields.Field(
        attribute="organization__tax_id",
        column_name=_("Tax id (INN, VAT, NIPT)"),
        readonly=True,
    )
    notes = fields.Field(attribute="notes", column_name=_("Notes"))

    class Meta:
        model = Contact
        fields = (
            "crm_id", "last_name", "first_name", "middle_name", "email", "phones",
            "job_title", "organization", "tax_id", "notes",
        )  # fmt: skip
        export_order = fields
        import_id_fields = ("crm_id",)

    def get_queryset(self):
        return (
            Contact.objects.select_related("organization")
            .prefetch_related(Prefetch("phones", queryset=Phone.objects.order_by("pk")))
            .order_by("pk")
        )

    def dehydrate_phones(self, contact):
        return phones_text(contact)


class OrganizationResource(resources.ModelResource):
    organization_id = fields.Field(
        attribute="id", column_name=_("Organization id"), readonly=True
    )
    name = fields.Field(attribute="name", column_name=_("Organization"))
    tax_id = fields.Field(attribute="tax_id", column_name=_("Tax id (INN, VAT, NIPT)"))
    phones = fields.Field(column_name=_("Phones"), readonly=True)
    email = fields.Field(attribute="email", column_name=_("E-mail"))
    website = fields.Field(attribute="website", column_name=_("Website"))
    address = fields.Field(attribute="address", column_name=_("Address"))
    notes = fields.Field(attribute="notes", column_name=_("Notes"))

    class Meta:
        model = Organization
        fields = (
            "organization_id", "name", "tax_id", "phones", "email", "website",
            "address", "notes",
        )  # fmt: skip
        export_order = fields
        import_id_fields = ("organization_id",)

    def get_queryset(self):
        return Organization.objects.prefetch_related(
            Prefetch("phones", queryset=Phone.objects.order_by("pk"))
        ).order_by("pk")

    def dehydrate_phones(self, organization):
        return phones_text(organization)


class LeadResource(resources.ModelResource):
    phone_display = fields.Field(column_name=_("Phone (formatted)"), readonly=True)

    class Meta:
        model = Lead
        fields = (
            "id", "created_at", "status", "name", "email", "phone", "phone_display",
            "company", "message", "source_url", "referrer", "utm_source",
            "utm_medium", "utm_campaign", "utm_term", "utm_content", "consent",
        )  # fmt: skip
        export_order = fields

    def get_queryset(self):
        return Lead.objects.order_by("pk")

    def dehydrate_phone_display(self, lead):
        return format_phone(lead.phone_e164)


RESOURCES = {
    "contacts": ContactResource,
    "organizations": OrganizationResource,
    "leads": LeadResource,
}
