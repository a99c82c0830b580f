"""Keep PostgreSQL's planner statistics in step with a large import.

Every batch looks up its e-mails and phones in the tables the import is
filling (see ``concurrency``). The planner chooses index scans for those
lookups only if it knows how big the tables are; a table that was filled in
bulk moments ago, or that an import is doubling, still looks tiny to it until
autovacuum gets round to it, and every batch then scans whole tables. So the
import runs ``ANALYZE`` on the CRM tables when it starts, if they were never
analyzed, and again whenever it has grown them by half since the last time.
"""

from __future__ import annotations

from django.db import connection

from ..models import Contact, Organization, Phone

_MODELS = (Contact, Organization, Phone)
GROWTH = 0.5


class PlannerStatistics:
    def __init__(self):
        # Not inside a transaction (a dry run): ANALYZE would hold its lock
        # on the tables until the end of it.
        self.enabled = (
            connection.vendor == "postgresql" and not connection.in_atomic_block
        )
        self.known_rows = 0
        self.written = 0
        if self.enabled:
            self.known_rows, analyzed = self._state()
            if not analyzed:
                self.analyze()

    @staticmethod
    def _tables():
        return [model._meta.db_table for model in _MODELS]

    def _state(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0), "
                "bool_and(s.last_analyze IS NOT NULL "
                "OR s.last_autoanalyze IS NOT NULL) "
                "FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid "
                "WHERE c.relname = ANY(%s)",
                [self._tables()],
            )
            rows, analyzed = cursor.fetchone()
        return int(rows or 0), bool(analyzed)

    def analyze(self):
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(map(quote, self._tables())))
        self.known_rows, _analyzed = self._state()
        self.written = 0

    def wrote(self, rows):
        """Count rows written by a committed batch; analyze when it is time."""
        if not self.enabled:
            return
        self.written += rows
        if self.written > max(self.known_rows, 10_000) * GROWTH:
            self.analyze()
