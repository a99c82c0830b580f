"""Cards being written by one import batch: new ones and existing ones that change."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CONTACT_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "email",
    "job_title",
    "notes",
)
ORGANIZATION_FIELDS = ("name", "tax_id", "website", "email", "address", "notes")

POLICY_FILL_EMPTY = "fill_empty"
POLICY_OVERWRITE = "overwrite"
POLICY_SKIP = "skip"
POLICIES = {
    POLICY_FILL_EMPTY: _("Fill empty fields only"),
    POLICY_OVERWRITE: _("Overwrite with the file's values"),
    POLICY_SKIP: _("Leave matching cards alone"),
}


class Card:
    """A contact or an organization as this import sees it.

    ``key`` is the database pk of an existing card, or a negative number for a
    card this import creates (until the batch is written and ``pk`` is known).
    """

    def __init__(self, kind, key, values, *, is_new, row=None, organization=None):
        self.kind = kind  # "contact" or "organization"
        self.key = key
        self.pk = None if is_new else key
        self.values = values
        self.is_new = is_new
        self.first_row = row
        self.organization = organization  # Card, for a contact
        self.organization_changed = False
        self.before = {}
        self.phone_keys = set()
        self.new_phones = []
        self.name_key = None  # person_name_key() of values["last_name"], if known

    @property
    def fields(self):
        return CONTACT_FIELDS if self.kind == "contact" else ORGANIZATION_FIELDS

    def set(self, name, value):
        if not self.is_new and name not in self.before:
            self.before[name] = self.values.get(name, "")
        self.values[name] = value
        if name == "last_name":
            self.name_key = None

    def apply(self, values, policy) -> bool:
        """Take ``values`` under ``policy``; True when anything changed."""
        changed = False
        for name, value in values.items():
            if value in ("", None):
                continue
            current = self.values.get(name) or ""
            if current == value or (current and policy != POLICY_OVERWRITE):
                continue
            self.set(name, value)
            changed = True
        return changed

    def add_phones(self, phones) -> bool:
        added = False
        for phone in phones:
            key = (phone.e164, phone.extension)
            if key not in self.phone_keys:
                self.phone_keys.add(key)
                self.new_phones.append(phone)
                added = True
        return added

    @property
    def changed_fields(self):
        return sorted(self.before)

    def link_organization(self, organization, policy) -> bool:
        if organization is None or self.organization is organization:
            return False
        current = self.values.get("organization_id")
        if organization.pk is not None and current == organization.pk:
            self.organization = organization
            return False
        if current and policy != POLICY_OVERWRITE:
            return False
        if not self.is_new and "organization_id" not in self.before:
            self.before["organization_id"] = current
        self.organization = organization
        self.organization_changed = True
        return True
