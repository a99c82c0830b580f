"""Base forms of the CRM records: the owner, related-record choices, duplicates."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from ..dedup import clean_tax_id
from ..models import Contact, Deal, Lead, Organization
from ..permissions import owner_field_of, visible_to
from ..widgets import limit_chooser, translate_choosers
from . import duplicates
from .phones import PhoneListField, formatted_phones, sync_phones

RELATED_MODELS = {
    "organization": Organization,
    "contact": Contact,
    "lead": Lead,
    "deal": Deal,
}


class CRMRecordForm(WagtailAdminModelForm):
    """New records belong to their creator; links offer only visible records.

    The record linked now stays a valid choice even when it is a colleague's
    (a lead converted onto an existing card links to it on purpose), so the
    record can be saved unchanged.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        translate_choosers(self)
        for name, model in RELATED_MODELS.items():
            field = self.fields.get(name)
            if field is not None and hasattr(field, "queryset"):
                queryset = visible_to(model.objects.all(), self.for_user)
                current = self._linked_pk(name)
                if current is not None:
                    queryset = queryset | model.objects.filter(pk=current)
                field.queryset = queryset
                limit_chooser(field, queryset)

    def _linked_pk(self, name):
        """The pk of the record the saved instance links to through ``name``."""
        if self.instance.pk is None:
            return None
        try:
            attname = self.instance._meta.get_field(name).attname
        except FieldDoesNotExist:
            return None
        return getattr(self.instance, attname, None)

    def assign_owner(self):
        """A record without an owner gets its creator, also when a user who
        sees the *Owner* field left it blank; only on an existing record may
        that field be cleared on purpose."""
        owner_field = owner_field_of(type(self.instance))
        if (
            owner_field
            and self.for_user is not None
            and getattr(self.instance, f"{owner_field}_id") is None
            and (owner_field not in self.cleaned_data or self.instance._state.adding)
        ):
            setattr(self.instance, owner_field, self.for_user)

    def save(self, commit=True):
        self.assign_owner()
        return super().save(commit=commit)


class ContactForm(CRMRecordForm):
    ignore_duplicates = duplicates.ignore_duplicates_field()

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("ignore_duplicates"):
            return cleaned_data
        existing = duplicates.contact_with_email(
            cleaned_data.get("email"), self.instance.pk
        )
        if existing:
            self.add_error(
                "email", duplicates.contact_email_error(existing, self.for_user)
            )
        return cleaned_data

    def is_valid(self):
        """Phones are checked once the phones formset has cleaned them."""
        if not super().is_valid():
            return False
        if self.cleaned_data.get("ignore_duplicates"):
            return True
        existing = duplicates.contact_with_phones(self._new_phones(), self.instance.pk)
        if existing:
            self.add_error(
                "ignore_duplicates",
                duplicates.contact_phone_error(existing, self.for_user),
            )
            return False
        return True

    def _new_phones(self):
        formset = self.formsets.get("phones")
        if formset is None:
            return []
        return [
            form.cleaned_data["e164"]
            for form in formset.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("e164")
            and not form.cleaned_data.get("DELETE")
        ]


class ContactPersonForm(CRMRecordForm):
    """A contact person inline on the organization: phones as one text field.

    Wagtail does not support an ``InlinePanel`` inside an ``InlinePanel``, so
    the person's phones are typed in one box and saved as ``Phone`` rows by
    ``OrganizationForm.save()`` (see docs/architecture.md).
    """

    phone_numbers = PhoneListField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault(
                "phone_numbers", formatted_phones(self.instance.phones.all())
            )

    def save_phones(self):
        if "phone_numbers" in self.changed_data and self.instance.pk:
            sync_phones(
                {"contact": self.instance}, self.cleaned_data.get("phone_numbers", [])
            )


class OrganizationForm(CRMRecordForm):
    ignore_duplicates = duplicates.ignore_duplicates_field()

    def clean_tax_id(self):
        tax_id = clean_tax_id(self.cleaned_data.get("tax_id", ""))
        existing = duplicates.organization_with_tax_id(tax_id, self.instance.pk)
        if existing:
            raise ValidationError(
                duplicates.organization_tax_id_error(existing, self.for_user)
            )
        return tax_id

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("ignore_duplicates"):
            return cleaned_data
        existing = duplicates.organization_with_email(
            cleaned_data.get("email"), self.instance.pk
        )
        if existing:
            self.add_error(
                "email", duplicates.organization_email_error(existing, self.for_user)
            )
        return cleaned_data

    def assign_owner(self):
        super().assign_owner()
        for form in self._person_forms():
            if form.instance.owner_id is None:
                form.instance.owner_id = self.instance.owner_id

    def save(self, commit=True):
        instance = super().save(commit=commit)
        if commit:
            for form in self._person_forms():
                form.save_phones()
        return instance

    def _person_forms(self):
        formset = self.formsets.get("contacts")
        if formset is None:
            return []
        deleted = set(map(id, formset.deleted_forms))
        return [
            form
            for form in formset.forms
            if id(form) not in deleted and isinstance(form, ContactPersonForm)
        ]


class TaskForm(CRMRecordForm):
    """Ticking "done" stamps when; unticking clears it."""

    def save(self, commit=True):
        if "done" in self.changed_data:
            self.instance.done_at = timezone.now() if self.instance.done else None
        return super().save(commit=commit)
