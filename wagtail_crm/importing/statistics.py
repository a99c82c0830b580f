"""Keep PostgreSQL's planner statistics in step with a large import.

The import fills the CRM tables while it reads them: every batch looks up its
e-mails and phones (see ``concurrency``), and every new contact or phone has
its foreign keys checked at commit by a query PostgreSQL plans once per
session. Both use their indexes only while the planner knows how big the
tables are; a table that was filled in bulk moments ago, or that the import is
growing from nothing, still looks empty to it until autovacuum gets round to
it, and then every lookup and every foreign-key check scans the whole table
(measured: commits that took longer with every batch). So the import runs
``ANALYZE`` on a table when it starts, if the table was never analyzed, and
again whenever it has grown the table by half since the last time.
"""

from __future__ import annotations

from django.db import connection

from ..models import Contact, Organization, Phone

TABLES = {
    "contact": Contact._meta.db_table,
    "organization": Organization._meta.db_table,
    "phone": Phone._meta.db_table,
}
GROWTH = 0.5
SMALL = 1000  # below this many rows a table is analyzed every SMALL * GROWTH rows


class PlannerStatistics:
    def __init__(self):
        # Not inside a transaction (a dry run): ANALYZE would hold its lock
        # on the tables until the end of it.
        self.enabled = (
            connection.vendor == "postgresql" and not connection.in_atomic_block
        )
        self.known = dict.fromkeys(TABLES, 0)
        self.written = dict.fromkeys(TABLES, 0)
        if self.enabled:
            state = self._state()
            self.known = {kind: rows for kind, (rows, _analyzed) in state.items()}
            stale = [kind for kind, (_rows, analyzed) in state.items() if not analyzed]
            if stale:
                self.analyze(stale)

    def _state(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, greatest(c.reltuples, 0), "
                "s.last_analyze IS NOT NULL OR s.last_autoanalyze IS NOT NULL "
                "FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid "
                "WHERE c.relname = ANY(%s)",
                [list(TABLES.values())],
            )
            found = {name: (int(rows), analyzed) for name, rows, analyzed in cursor}
        return {kind: found.get(table, (0, False)) for kind, table in TABLES.items()}

    def analyze(self, kinds):
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE " + ", ".join(quote(TABLES[kind]) for kind in kinds)
            )
        state = self._state()
        for kind in kinds:
            self.known[kind] = state[kind][0]
            self.written[kind] = 0

    def wrote(self, counts):
        """Count the rows a committed batch wrote ({"contact": n, …}); analyze
        the tables that have grown by half."""
        if not self.enabled:
            return
        due = []
        for kind, rows in counts.items():
            self.written[kind] += rows
            if self.written[kind] > max(self.known[kind], SMALL) * GROWTH:
                due.append(kind)
        if due:
            self.analyze(due)
