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
from ..dedup import (
    OrganizationIndex,
    organization_name_key,
    phone_name_key,
    tax_id_key,
)
from ..dedup import email_key as _email_key
from ..models import Contact, Organization, Phone


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
    with connection.cursor() as cursor:
        # A batch commits without waiting for its WAL flush. A crash can then
        # lose the last batches committed in the split second before it, never
        # part of one, and their ImportBatch records go with them (same
        # transaction), so the resumed job redoes exactly those.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
    keys = batch_keys(parsed_rows)
    lock_match_keys(f"{kind}:{key}" for kind, values in keys.items() for key in values)
    _merge_contacts(importer.contacts, keys)
    _merge_organizations(importer.organizations, keys)


def _merge_contacts(index, keys):
    """Add the contacts that carry the batch's e-mails or phones: two index scans.

    Only the batch's own keys matter here (later batches refresh theirs), so
    each query reads exactly those keys through their indexes.
    """
    if keys["email"]:
        found = Contact.objects.filter(email__in=keys["email"])
        for pk, email in found.values_list("pk", "email").iterator(chunk_size=10000):
            index.by_email.setdefault(email, pk)
    if keys["phone"]:
        phones = Phone.objects.filter(e164__in=keys["phone"], contact__isnull=False)
        rows = phones.values_list("contact_id", "e164", "contact__last_name_key")
        for pk, e164, name in rows.iterator(chunk_size=10000):
            if name:
                index.by_phone_name.setdefault(phone_name_key(e164, name), pk)


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
