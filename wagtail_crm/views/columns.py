"""Listing columns of the CRM viewsets (Wagtail ``Column`` subclasses)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.utils import get_user_display_name

from ..phones import format_phone


class PhonesColumn(Column):
    """The record's phones (prefetched as ``phones``) in international format."""

    def __init__(self, name="phones", **kwargs):
        kwargs.setdefault("label", _("Phones"))
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        return ", ".join(
            format_phone(phone.e164, phone.extension) for phone in instance.phones.all()
        )


class LeadPhoneColumn(Column):
    def __init__(self, name="phone", **kwargs):
        kwargs.setdefault("label", _("Phone"))
        kwargs.setdefault("sort_key", "phone_e164")
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        return format_phone(instance.phone_e164) or instance.phone


class OwnerColumn(Column):
    """The owner's name (no avatar: one template less per row on long listings)."""

    def __init__(self, name="owner", **kwargs):
        kwargs.setdefault("label", _("Owner"))
        kwargs.setdefault("sort_key", name)
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        user = getattr(instance, self.name)
        return get_user_display_name(user) if user else ""


class StatusColumn(StatusTagColumn):
    """A status tag: primary while the record still needs work."""

    def __init__(self, name, *, open_values=(), **kwargs):
        self.open_values = set(open_values)
        kwargs.setdefault("sort_key", name)
        super().__init__(name, accessor=f"get_{name}_display", **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["primary"] = getattr(instance, self.name) in self.open_values
        return context
