from django import template
from django.urls import reverse

from ..phones import format_phone

register = template.Library()


@register.simple_tag
def crm_edit_url(instance):
    """The admin edit URL of a CRM record."""
    viewset = type(instance).snippet_viewset
    return reverse(viewset.get_url_name("edit"), args=[instance.pk])


@register.filter
def phone(value):
    """A ``Phone`` (or an E.164 string) in international format."""
    if hasattr(value, "e164"):
        return format_phone(value.e164, value.extension)
    return format_phone(value or "")
