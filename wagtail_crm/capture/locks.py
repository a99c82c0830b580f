"""Serialize concurrent captures of the same person.

Two submissions by the same new visitor arriving at once must not both see
"no such contact" and create two cards. On PostgreSQL every capture takes a
transaction-scoped advisory lock per match key (e-mail, phone, company) before
it looks for a match, so the second waits until the first has committed its
contact. SQLite allows one writer at a time; give it
``"OPTIONS": {"transaction_mode": "IMMEDIATE"}`` so a second writer waits
instead of failing. Other databases get no extra lock.
"""

import hashlib

from django.db import connection


def _lock_id(key):
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_match_keys(keys):
    """Take the advisory locks for ``keys`` (inside ``transaction.atomic``)."""
    ids = sorted({_lock_id(key) for key in keys if key})
    if not ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for lock_id in ids:  # sorted: two captures never wait for each other
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
