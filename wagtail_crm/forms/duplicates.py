"""The "already in the CRM" warnings of the contact and organization forms.

A duplicate is shown as an error on the field that collides, with a link to
the existing card when the user may see it. Ticking "save anyway" accepts an
e-mail or phone collision (two people may share an office phone); a tax id
collision always blocks, as the database keeps tax ids unique.
"""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..dedup import email_key, tax_id_key
from ..models import Contact, Organization, Phone
from ..views.own_records import is_visible


def _card(instance, user, message):
    viewset = type(instance).snippet_viewset
    if not is_visible(instance, user):
        return format_html(
            "{} {}", message, _("It belongs to another manager's records.")
        )
    url = viewset.get_url_name("edit")
    from django.urls import reverse

    return format_html(
        '{} <a href="{}">{}</a>', message, reverse(url, args=[instance.pk]), instance
    )


def ignore_duplicates_field():
    return forms.BooleanField(
        required=False,
        label=_("Save even if it looks like a duplicate"),
        help_text=_(
            "Tick after checking the existing card: for example, two people "
            "sharing an office phone."
        ),
    )


def contact_with_email(email, exclude_pk=None):
    key = email_key(email)
    if not key:
        return None
    return Contact.objects.filter(email=key).exclude(pk=exclude_pk).first()


def contact_with_phones(e164s, exclude_pk=None):
    if not e164s:
        return None
    phone = (
        Phone.objects.filter(e164__in=e164s, contact__isnull=False)
        .exclude(contact_id=exclude_pk)
        .select_related("contact")
        .first()
    )
    return phone.contact if phone else None


def organization_with_tax_id(tax_id, exclude_pk=None):
    key = tax_id_key(tax_id)
    if not key:
        return None
    return Organization.objects.filter(tax_id=key).exclude(pk=exclude_pk).first()


def organization_with_email(email, exclude_pk=None):
    key = email_key(email)
    if not key:
        return None
    return Organization.objects.filter(email=key).exclude(pk=exclude_pk).first()


def contact_email_error(existing, user):
    return _card(existing, user, _("A contact with this e-mail already exists:"))


def contact_phone_error(existing, user):
    return _card(existing, user, _("A contact with this phone already exists:"))


def organization_tax_id_error(existing, user):
    return _card(existing, user, _("An organization with this tax id already exists:"))


def organization_email_error(existing, user):
    return _card(existing, user, _("An organization with this e-mail already exists:"))
