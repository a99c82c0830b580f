"""What an import did, row by row and in total."""

from __future__ import annotations

from dataclasses import dataclass, field

# Rows kept in the stored report besides the problem rows.
FIRST_ROWS = 100
# At most this many row entries are stored; counts stay exact beyond it.
MAX_ENTRIES = 20_000
# At most this many cell errors (and as many warnings) are listed
# (``error_rows`` stays exact).
MAX_ERRORS = 100_000

CREATED = "created"
UPDATED = "updated"
DUPLICATE = "duplicate"
SKIPPED = "skipped"
ERROR = "error"


@dataclass
class ImportResult:
    rows: int = 0
    created: dict = field(
        default_factory=lambda: {"contacts": 0, "organizations": 0, "phones": 0}
    )
    updated: dict = field(default_factory=lambda: {"contacts": 0, "organizations": 0})
    duplicates: int = 0
    skipped: int = 0
    error_rows: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    last_row: int = 0
    truncated: bool = False

    def add_entry(self, entry):
        status = entry["status"]
        self.rows += 1
        self.last_row = max(self.last_row, entry["row"])
        if status == DUPLICATE:
            self.duplicates += 1
        elif status == SKIPPED:
            self.skipped += 1
        elif status == ERROR:
            self.error_rows += 1
            if len(self.errors) < MAX_ERRORS:
                self.errors.extend({"row": entry["row"], **e} for e in entry["errors"])
        warnings = entry.get("warnings")
        if warnings and len(self.warnings) < MAX_ERRORS:
            self.warnings.extend({"row": entry["row"], **w} for w in warnings)
        if self.rows <= FIRST_ROWS or warnings or status not in (CREATED, UPDATED):
            if len(self.entries) < MAX_ENTRIES:
                self.entries.append(entry)
            else:
                self.truncated = True

    def merge_counts(self, counts):
        """Add the counters of a batch written by an earlier run of the same job."""
        self.rows += counts.get("rows", 0)
        for kind in self.created:
            self.created[kind] += counts.get("created", {}).get(kind, 0)
        for kind in self.updated:
            self.updated[kind] += counts.get("updated", {}).get(kind, 0)
        self.duplicates += counts.get("duplicates", 0)
        self.skipped += counts.get("skipped", 0)
        self.error_rows += counts.get("error_rows", 0)

    def counts(self):
        return {
            "rows": self.rows,
            "created": dict(self.created),
            "updated": dict(self.updated),
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "error_rows": self.error_rows,
        }

    def as_json(self):
        """The ``crm_import --json`` object of the public contract."""
        return {
            "rows": self.rows,
            "created": {
                "contacts": self.created["contacts"],
                "organizations": self.created["organizations"],
            },
            "updated": dict(self.updated),
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "errors": [
                {
                    "row": error["row"],
                    "column": error["column"],
                    "message": error["message"],
                }
                for error in self.errors
            ],
            "warnings": list(self.warnings),
        }
