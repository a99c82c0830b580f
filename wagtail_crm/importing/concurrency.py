"""Imports that run at the same time as other imports and form captures.

Each import indexes the existing cards once, when it starts. Another import or
a form capture may create a card with the same e-mail a moment later; if this
import then created its own card for that e-mail, the CRM would hold two.
So every batch, inside its transaction, first locks its match keys (the same
locks form capture takes, see ``capture.locks``), then looks up the cards that
carry those keys in the database and adds any it did not know to its index.
Whoever created such a card has committed it before the lock was granted.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

from ..capture.locks import lock_match_keys
from ..dedup import ContactIndex, OrganizationIndex, organization_name_key, tax_id_key
from ..dedup import email_key as _email_key
from ..models import Contact, Organization


def batch_keys(parsed_rows):
    """The e-mails, phones, organization names and tax ids of a batch's rows."""
    keys = {"email": set(), "phone": set(), "org": set(), "tax": set()}
    for parsed in parsed_rows:
        if parsed.errors:
            continue
        keys["email"].update(filter(None, map(_email_key, parsed.emails)))
        keys["phone"].update(phone.e164 for phone in parsed.phones)
        if parsed.has_organization:
            name = organization_name_key(parsed.organization.get("name", ""))
            tax_id = tax_id_key(parsed.organization.get("tax_id", ""))
            keys["org"].update(filter(None, [name]))
            keys["tax"].update(filter(None, [tax_id]))
    return keys


def lock_and_refresh(importer, parsed_rows):
    """Lock the batch's match keys; index the cards others made with them."""
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time; the index is never stale there
    keys = batch_keys(parsed_rows)
    lock_match_keys(f"{kind}:{key}" for kind, values in keys.items() for key in values)
    _merge_contacts(importer.contacts, keys)
    _merge_organizations(importer.organizations, keys)


def _merge_contacts(index, keys):
    if not keys["email"] and not keys["phone"]:
        return
    found = Contact.objects.filter(
        Q(email__in=keys["email"]) | Q(phones__e164__in=keys["phone"])
    ).distinct()
    fresh = ContactIndex.from_db(found)
    for email, pk in fresh.by_email.items():
        index.by_email.setdefault(email, pk)
    for phone_name, pk in fresh.by_phone_name.items():
        index.by_phone_name.setdefault(phone_name, pk)


def _merge_organizations(index, keys):
    if not keys["org"] and not keys["tax"]:
        return
    found = Organization.objects.filter(
        Q(name_key__in=keys["org"]) | Q(tax_id__in=keys["tax"])
    )
    fresh = OrganizationIndex.from_db(found)
    for tax_id, pk in fresh.by_tax_id.items():
        index.by_tax_id.setdefault(tax_id, pk)
    for name, value in fresh.by_name.items():
        index.by_name.setdefault(name, value)
