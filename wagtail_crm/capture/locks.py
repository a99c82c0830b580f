"""Serialize concurrent writers that could create the same person twice.

Two submissions by the same new visitor arriving at once, or two imports of
overlapping files, must not both see "no such contact" and create two cards.
On PostgreSQL every writer takes transaction-scoped advisory locks on its match
keys (e-mail, phone, company, tax id) before it looks for a match, so the
second waits until the first has committed its card. Keys are hashed into a
fixed number of lock slots, so an import batch of thousands of rows takes at
most ``LOCK_SLOTS`` locks (PostgreSQL's shared lock table is small), and
captures and imports lock the same slots. SQLite allows one writer at a time;
give it ``"OPTIONS": {"transaction_mode": "IMMEDIATE"}`` so a second writer
waits instead of failing. Other databases get no extra lock.
"""

import hashlib

from django.db import connection

# The first key of PostgreSQL's two-key advisory locks: "CRM" in ASCII.
LOCK_NAMESPACE = 0x43524D
# Round-robin turns of a user group: "CRR".
ROUND_ROBIN_NAMESPACE = 0x435252
LOCK_SLOTS = 1024


def _lock_id(key):
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % LOCK_SLOTS


def lock_match_keys(keys, *, shared=None):
    """Take the advisory locks for ``keys`` (inside ``transaction.atomic``);
    return True when it took them (on PostgreSQL).

    The slots are locked in ascending order in one statement, so two writers
    never wait for each other in a circle. ``shared``: the two keys of one more
    lock, taken in shared mode after the slots in the same statement (a round
    trip saved; see :mod:`.followups`).
    """
    statement = lock_statement(keys, shared=shared)
    if statement is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(*statement)
    return True


def lock_statement(keys, *, shared=None, using=None):
    """``(sql, params)`` of :func:`lock_match_keys`'s statement, for a caller
    that sends it with others on the connection ``using`` (default: the
    default database; see :mod:`wagtail_crm.round_trips`), or None where
    there is nothing to lock."""
    if (using or connection).vendor != "postgresql":
        return None
    ids = sorted({_lock_id(key) for key in keys if key})
    if not (ids or shared):
        return None
    slots = ",".join(map(str, ids))  # one parameter, not a list to adapt
    also, params = "", [LOCK_NAMESPACE]
    if shared:
        also = ", pg_advisory_xact_lock_shared(%s, %s)"
        params.extend(shared)
    params.append(slots)
    return (
        f"SELECT count(pg_advisory_xact_lock(%s, slot)){also} FROM "
        "(SELECT unnest(string_to_array(NULLIF(%s, ''), ',')::integer[]) "
        "AS slot ORDER BY 1) AS slots",
        params,
    )


def lock_round_robin(group_id):
    """Serialize the round-robin turn of group ``group_id`` (inside
    ``transaction.atomic``): two leads arriving at once go to two members, not
    both to the one after the latest lead. Taken after the match-key locks and
    before nothing else, so it closes no circle with them. SQLite has one
    writer at a time already."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [ROUND_ROBIN_NAMESPACE, group_id]
        )
