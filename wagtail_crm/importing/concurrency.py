"""Match keys of one import batch: locked, then looked up in the database.

An import does not hold an index of the whole CRM in memory (a million
contacts would need a gigabyte). Each batch, inside its transaction, first
locks its match keys on PostgreSQL (the same locks form capture takes, see
``capture.locks``), then indexes only the cards that carry those keys, read
through the database's own indexes: the cards that existed before, those the
import's earlier batches wrote and those another import or a form capture
committed meanwhile. Whoever created such a card committed it before the lock
was granted, so two writers never both create the same person. Memory stays in
proportion to a batch, whatever the size of the file or of the CRM.
"""

from __future__ import annotations

from django.db import connection

from ..capture.locks import lock_match_keys
from ..dedup import (
    ContactIndex,
    OrganizationIndex,
    organization_name_key,
    phone_name_key,
    tax_id_key,
)
from ..dedup import email_key as _email_key
from ..models import Contact, Organization, Phone
from .arrays import array_param
from .rows import FIRST_NAME_MARK, first_name_match_key

# Keys per query: far below every database's limit on query parameters.
_CHUNK = 5000


def batch_keys(parsed_rows):
    """The e-mails, phones, organization names and tax ids of a batch's rows."""
    keys = {
        "email": set(),
        "phone": set(),
        "name": set(),
        "org": set(),
        "tax": set(),
        "pairs": set(),  # (phone, last-name key) of the same row
        "first_pairs": set(),  # (phone, first-name key) of a row without last name
    }
    for parsed in parsed_rows:
        if parsed.errors:
            continue
        keys["email"].update(filter(None, map(_email_key, parsed.emails)))
        if parsed.phones:
            keys["phone"].update(phone.e164 for phone in parsed.phones)
            name = parsed.phone_match_key
            if name.startswith(FIRST_NAME_MARK):
                keys["first_pairs"].update((p.e164, name) for p in parsed.phones)
            elif name:
                keys["name"].add(name)
                keys["pairs"].update((phone.e164, name) for phone in parsed.phones)
        if parsed.has_organization:
            name = organization_name_key(parsed.organization.get("name", ""))
            tax_id = tax_id_key(parsed.organization.get("tax_id", ""))
            keys["org"].update(filter(None, [name]))
            keys["tax"].update(filter(None, [tax_id]))
    return keys


def lock_and_index(parsed_rows):
    """Lock the batch's match keys; return ``(ContactIndex, OrganizationIndex)``
    of the cards in the database that carry them."""
    keys = batch_keys(parsed_rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A batch commits without waiting for its WAL flush. A crash can
            # then lose the last batches committed in the split second before
            # it, never part of one, and their ImportBatch records go with them
            # (same transaction), so the resumed job redoes exactly those.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            # The lookups below probe a few thousand keys each; with the
            # default cost of a random page (4, for spinning disks) the planner
            # scans whole tables instead, several times slower on the cached
            # or SSD-backed tables of a CRM (the value PostgreSQL's docs
            # suggest for SSDs, for this transaction only).
            cursor.execute("SET LOCAL random_page_cost = 1.1")
        lock_match_keys(
            f"{kind}:{key}"
            for kind, values in keys.items()
            if kind not in ("name", "pairs", "first_pairs")
            for key in values
        )
    return _contacts(keys), _organizations(keys)


def _chunks(values):
    values = sorted(values)
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _contacts(keys):
    """The contacts with the batch's e-mails or phones: index scans, oldest first."""
    index = ContactIndex()
    contact = connection.ops.quote_name(Contact._meta.db_table)
    phone = connection.ops.quote_name(Phone._meta.db_table)
    for emails in _chunks(keys["email"]):
        found = _select(
            f"SELECT id, email FROM {contact} WHERE email {{}} ORDER BY id", emails
        )
        for pk, email in found:
            index.by_email.setdefault(email, pk)
    # A phone matches together with a last name. An office number may be on
    # hundreds of cards and a common surname on thousands. SQLite joins by
    # nested loops only, so there each pair is read starting from its rarer
    # side: first which of the batch's phones are on many cards (counted in
    # the phone index alone), then the pairs of the other phones starting from
    # the phone, those of the common phones starting from the name (SQLite's
    # CROSS JOIN keeps the order given).
    # PostgreSQL hashes both sides in one join instead: one query is cheaper.
    pairs = keys["pairs"]
    if connection.vendor == "postgresql":
        common = set()
    else:
        common = _common_phones(keys["phone"], phone)
    by_phone = [(e164, name) for e164, name in pairs if e164 not in common]
    by_name = [(e164, name) for e164, name in pairs if e164 in common]
    join = "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"
    from_phone = (
        f"{phone} p {join} {contact} c ON c.id = p.contact_id "
        "WHERE p.e164 {} AND c.last_name_key {}"
    )
    from_name = (
        f"{contact} c {join} {phone} p ON p.contact_id = c.id "
        "WHERE c.last_name_key {} AND p.e164 {}"
    )
    for source, chosen, phone_first in (
        (from_phone, by_phone, True),
        (from_name, by_name, False),
    ):
        for chunk in _pair_chunks(chosen):
            phones = {e164 for e164, _name in chunk}
            names = {name for _e164, name in chunk}
            found = _select(
                "SELECT p.contact_id, p.e164, c.last_name_key "
                f"FROM {source} ORDER BY p.contact_id",
                *((phones, names) if phone_first else (names, phones)),
            )
            _add_pairs(index, found)
    for chunk in _pair_chunks(keys["first_pairs"]):
        # People without a last name: the phone's cards that have none either.
        wanted = set(chunk)
        found = _select(
            f"SELECT p.contact_id, p.e164, c.first_name FROM {phone} p {join} "
            f"{contact} c ON c.id = p.contact_id WHERE p.e164 {{}} "
            "AND c.last_name_key = '' ORDER BY p.contact_id",
            {e164 for e164, _name in chunk},
        )
        for pk, e164, first_name in sorted(found):
            name = first_name_match_key(first_name)
            if (e164, name) in wanted:
                index.by_phone_name.setdefault(phone_name_key(e164, name), pk)
    return index


# A phone on more cards than this is looked up starting from the last name.
COMMON_PHONE_CARDS = 8


def _common_phones(phones, phone_table):
    """Those of ``phones`` that more than ``COMMON_PHONE_CARDS`` contacts have."""
    common = set()
    for chunk in _chunks(phones):
        found = _select(
            f"SELECT e164 FROM {phone_table} WHERE e164 {{}} "
            f"GROUP BY e164 HAVING count(*) > {COMMON_PHONE_CARDS}",
            chunk,
        )
        common.update(e164 for (e164,) in found)
    return common


def _pair_chunks(pairs):
    pairs = sorted(pairs)
    for start in range(0, len(pairs), _CHUNK // 2):
        yield pairs[start : start + _CHUNK // 2]


def _add_pairs(index, found):
    # Rows of (contact, phone, name), oldest contact first within each query.
    for pk, e164, name in sorted(found):
        index.by_phone_name.setdefault(phone_name_key(e164, name), pk)


def _any(values):
    """``(SQL, params)``: ``= ANY(array)`` with one text parameter on PostgreSQL
    (see ``arrays``), ``IN (%s, …)`` elsewhere."""
    if connection.vendor == "postgresql":
        expression, param = array_param(values, "text")
        return f"= ANY({expression})", [param]
    if not values:
        return "IN (NULL)", []
    return "IN (" + ", ".join(["%s"] * len(values)) + ")", list(values)


def _select(sql, *lists):
    """Run ``sql``, whose ``{}`` placeholders each take one of ``lists``."""
    conditions, params = [], []
    for values in lists:
        condition, values_params = _any(values)
        conditions.append(condition)
        params.extend(values_params)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(*conditions), params)
        return cursor.fetchall()


def _organizations(keys):
    """The organizations with the batch's names or tax ids: one index scan per
    kind of key (an OR of the two would scan the whole table on SQLite)."""
    index = OrganizationIndex()
    table = connection.ops.quote_name(Organization._meta.db_table)
    found = []
    # The tax id index is partial (tax_id <> ''): saying so lets the
    # databases use it instead of scanning the table.
    for condition, values in (
        ("name_key {}", keys["org"]),
        ("tax_id {} AND NOT (tax_id = '')", keys["tax"]),
    ):
        for chunk in _chunks(values):
            found += _select(
                f"SELECT id, tax_id, name_key FROM {table} WHERE {condition}", chunk
            )
    for pk, tax_id, name_key in sorted(set(found)):
        if tax_id:
            index.by_tax_id.setdefault(tax_id, pk)
        if name_key:
            index.by_name.setdefault(name_key, (pk, tax_id))
    return index
