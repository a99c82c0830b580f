from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def crm_edit_url(instance):
    """The admin edit URL of a CRM record."""
    viewset = type(instance).snippet_viewset
    return reverse(viewset.get_url_name("edit"), args=[instance.pk])
