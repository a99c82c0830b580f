"""Match keys and the in-memory index that answers "which existing record is this?".

Import, form capture and merge all use these keys, so a person or an
organization is recognised the same way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii

_LEGAL_FORMS = (
    "ооо",
    "оао",
    "зао",
    "пао",
    "ао",
    "ип",
    "llc",
    "ltd",
    "inc",
    "gmbh",
    "sh.p.k.",
    "shpk",
    "sh.a.",
    "sha",
)
_QUOTES_RE = re.compile(r"[«»\"„“”'`]")
_SPACE_RE = re.compile(r"\s+")
_LEGAL_RE = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in _LEGAL_FORMS) + r")(?![\w])",
    re.IGNORECASE,
)


def email_key(email) -> str:
    return (email or "").strip().lower()


_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def person_name_key(name) -> str:
    """Case, ё/е and script insensitive: "Фёдоров", "ФЕДОРОВ", "Fedorov" agree."""
    text = (name or "").casefold().replace("ё", "е")
    return _NON_ALNUM_RE.sub("", anyascii(text).lower())


def organization_name_key(name) -> str:
    text = _QUOTES_RE.sub(" ", (name or "").casefold().replace("ё", "е"))
    text = _LEGAL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip(" ,.")


def tax_id_key(tax_id) -> str:
    return re.sub(r"\s+", "", str(tax_id or "")).upper()


@dataclass(frozen=True)
class Match:
    """An existing record a row matches, and why."""

    pk: int
    reason: str  # "email", "phone_name", "tax_id" or "name"


class ContactIndex:
    """Person match keys in memory: built once in O(n), O(1) per lookup.

    A person matches by the same e-mail, or by the same E.164 phone together
    with the same last name.
    """

    def __init__(self):
        self.by_email = {}
        self.by_phone_name = {}

    def add(self, pk, *, email="", phones=(), last_name=""):
        key = email_key(email)
        if key:
            self.by_email.setdefault(key, pk)
        name = person_name_key(last_name)
        if name:
            for e164 in phones:
                self.by_phone_name.setdefault((e164, name), pk)

    def match(self, *, email="", phones=(), last_name="") -> Match | None:
        key = email_key(email)
        if key and key in self.by_email:
            return Match(self.by_email[key], "email")
        name = person_name_key(last_name)
        if name:
            for e164 in phones:
                pk = self.by_phone_name.get((e164, name))
                if pk is not None:
                    return Match(pk, "phone_name")
        return None

    @classmethod
    def from_db(cls, queryset=None):
        """Index the contacts of ``queryset`` (all contacts by default): two queries."""
        from .models import Contact, Phone

        queryset = Contact.objects.all() if queryset is None else queryset
        index = cls()
        names = {}
        for pk, email, last_name_key in queryset.values_list(
            "pk", "email", "last_name_key"
        ).iterator(chunk_size=10000):
            if email:
                index.by_email.setdefault(email, pk)
            if last_name_key:
                names[pk] = last_name_key
        phones = Phone.objects.filter(contact__in=queryset.values("pk"))
        for contact_id, e164 in phones.values_list("contact_id", "e164").iterator(
            chunk_size=10000
        ):
            name = names.get(contact_id)
            if name:
                index.by_phone_name.setdefault((e164, name), contact_id)
        return index


class OrganizationIndex:
    """Organization match keys in memory: same tax id, or same normalized name."""

    def __init__(self):
        self.by_tax_id = {}
        self.by_name = {}

    def add(self, pk, *, tax_id="", name=""):
        tax_key = tax_id_key(tax_id)
        if tax_key:
            self.by_tax_id.setdefault(tax_key, pk)
        name_key = organization_name_key(name)
        if name_key:
            self.by_name.setdefault(name_key, (pk, tax_key))

    def match(self, *, tax_id="", name="") -> Match | None:
        """Same tax id; else same name, unless both carry different tax ids."""
        tax_key = tax_id_key(tax_id)
        if tax_key and tax_key in self.by_tax_id:
            return Match(self.by_tax_id[tax_key], "tax_id")
        found = self.by_name.get(organization_name_key(name))
        if found and not (tax_key and found[1] and found[1] != tax_key):
            return Match(found[0], "name")
        return None

    @classmethod
    def from_db(cls, queryset=None):
        from .models import Organization

        queryset = Organization.objects.all() if queryset is None else queryset
        index = cls()
        for pk, tax_id, name_key in queryset.values_list(
            "pk", "tax_id", "name_key"
        ).iterator(chunk_size=10000):
            if tax_id:
                index.by_tax_id.setdefault(tax_id, pk)
            if name_key:
                index.by_name.setdefault(name_key, (pk, tax_id))
        return index
