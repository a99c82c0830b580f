"""Phone inputs that accept any typed format and store E.164.

Parsing is ``wagtail_crm.phones``' job; these fields only turn its result into
form values and form errors. A value that is not a phone is an error naming the
value, so it is never stored.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ..models import Phone
from ..phones import format_phone, parse_phones


def parse_or_raise(value):
    """The ``ParsedPhone``s in ``value``; ``ValidationError`` for every bad part."""
    result = parse_phones(value)
    if result.errors:
        raise ValidationError([error.message for error in result.errors])
    return result.phones


class PhoneNumberField(forms.CharField):
    """One phone typed in any format; cleans to a ``ParsedPhone`` (or ``None``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault(
            "help_text", _("Any format: +7 495 123-45-67, 8 (495) 123-45-67 ext. 12")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str) and value.startswith("+"):
            return format_phone(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        phones = parse_or_raise(text)
        if len(phones) > 1:
            raise ValidationError(
                _("Enter one phone number here, not %(count)s.")
                % {"count": len(phones)}
            )
        return phones[0] if phones else None


class PhoneListField(forms.CharField):
    """Several phones in one text box, separated by commas; cleans to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Phones"))
        kwargs.setdefault(
            "help_text",
            _("Any format; separate several numbers with commas."),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        return parse_or_raise(text) if text else []


class PhoneForm(WagtailAdminModelForm):
    """A row of the phones inline: the number is typed, E.164 is stored."""

    e164 = PhoneNumberField(label=_("Phone"))

    class Meta:
        model = Phone
        fields = ["e164", "extension", "kind"]

    def clean(self):
        cleaned_data = super().clean()
        parsed = cleaned_data.get("e164")
        if parsed is not None:
            cleaned_data["e164"] = parsed.e164
            if parsed.extension and not cleaned_data.get("extension"):
                cleaned_data["extension"] = parsed.extension
            if not self.instance.pk and "kind" not in self.changed_data:
                cleaned_data["kind"] = parsed.kind or cleaned_data.get("kind")
        return cleaned_data


def formatted_phones(phones):
    return ", ".join(format_phone(phone.e164, phone.extension) for phone in phones)


def sync_phones(owner_kwargs, parsed_phones):
    """Make the owner's phones exactly ``parsed_phones``, keeping matching rows."""
    existing = {
        (phone.e164, phone.extension): phone
        for phone in Phone.objects.filter(**owner_kwargs)
    }
    wanted = {(parsed.e164, parsed.extension): parsed for parsed in parsed_phones}
    stale = [phone.pk for key, phone in existing.items() if key not in wanted]
    if stale:
        Phone.objects.filter(pk__in=stale).delete()
    Phone.objects.bulk_create(
        Phone(e164=p.e164, extension=p.extension, kind=p.kind, **owner_kwargs)
        for key, p in wanted.items()
        if key not in existing
    )
