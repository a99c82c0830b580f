"""The one import path: read → detect header → map → normalize → match → write → report.

Used by ``crm_import``, the admin wizard and the background task alike.
Rows are read and parsed in batches (``parallel``); for each batch the cards
that carry its match keys are looked up in the database (``concurrency``),
the rows are matched against them and against each other in memory, and the
batch is written in one transaction (``writer``).
"""

from __future__ import annotations

import gc
import sys
from array import array
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction
from django.utils.translation import gettext as _

from ..conf import crm_settings
from ..dedup import ContactIndex, OrganizationIndex
from . import report as rpt
from .cards import POLICIES, POLICY_FILL_EMPTY, POLICY_SKIP, Card
from .concurrency import lock_and_index
from .headers import detect_header, header_key, propose_mapping, synonym_table
from .parallel import ParsedBatches
from .readers import ImportFileError, Row, limited_rows, open_table
from .report import ImportResult
from .rows import CellError, RowParser, first_name_match_key
from .statistics import PlannerStatistics
from .writer import BatchWriter


@dataclass
class ImportOptions:
    policy: str = POLICY_FILL_EMPTY
    region: str | None = None
    area_code: str | None = None
    owner_id: int | None = None
    sheet: str | None = None
    header_row: int | None = None  # 1-based; None: detect
    mapping: list[str] | None = None  # a field per column; None: propose
    dry_run: bool = False
    batch_size: int | None = None
    update_search_index: bool = True
    # A saved profile: {header key: field}, applied over the proposed mapping.
    profile_mapping: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.policy not in POLICIES:
            raise ValueError(f"Unknown policy {self.policy!r}")


@dataclass
class Preparation:
    """What the header step found: for the mapping screen and for the run."""

    sheet_names: list[str]
    sheet_name: str
    header_row: int
    headers: list[str]
    mapping: list[str]
    samples: list[list[str]]
    rows: object  # iterator of the data rows after the header


class _DryRunRollback(Exception):
    pass


def prepare(path, options: ImportOptions, *, filename=None) -> Preparation:
    """Open the file, find the header row and propose (or apply) the mapping."""
    table = {**synonym_table(), **options.profile_mapping}
    sheet, rows, head = _open_sheet(path, options.sheet, filename)
    guess = None if options.header_row else detect_header(head, table)
    if guess is None and options.sheet is None and not options.header_row:
        # No sheet chosen and the first shows no header (empty, a cover page):
        # the list is on a later sheet the user sees.
        for name in sheet.sheet_names:
            if name != sheet.sheet_name and name not in sheet.hidden:
                other = _open_sheet(path, name, filename)
                guess = detect_header(other[2], table)
                if guess is not None:
                    sheet, rows, head = other
                    break
    if options.header_row:
        found = [row for row in head if row.number == options.header_row]
        if not found:
            raise ImportFileError(
                _("Row %(row)s is not among the first rows of the sheet.")
                % {"row": options.header_row}
            )
        header = found[0]
        headers = [str(value) if value is not None else "" for value in header.values]
        mapping = propose_mapping(headers, table)
    else:
        if guess is None:
            raise ImportFileError(
                _(
                    "No column of this sheet looks like a name, e-mail, phone or "
                    "organization. Check that the first rows hold the column titles, "
                    "or map the columns yourself."
                )
            )
        header, headers, mapping = (
            next(row for row in head if row.number == guess.row_number),
            guess.headers,
            guess.mapping,
        )
    if options.mapping is not None:
        mapping = list(options.mapping)
    elif options.profile_mapping:
        mapping = [
            options.profile_mapping.get(header_key(text), proposed)
            for text, proposed in zip(headers, mapping, strict=False)
        ]
    after = [row for row in head if row.number > header.number]
    return Preparation(
        sheet_names=sheet.sheet_names,
        sheet_name=sheet.sheet_name,
        header_row=header.number,
        headers=headers,
        mapping=mapping,
        samples=[[str(value) for value in row.values] for row in after[:5]],
        rows=_at_most(crm_settings.IMPORT_MAX_ROWS, _chain(after, rows)),
    )


def _open_sheet(path, name, filename):
    """The sheet, its rows and its first 30 rows (read from those rows)."""
    sheet = open_table(path, sheet=name, filename=filename)
    # The row limit counts data rows (below the header), not titles above it.
    rows = limited_rows(sheet.rows, max_rows=sys.maxsize)
    return sheet, rows, list(islice(rows, 30))


def _chain(first, rest):
    yield from first
    yield from rest


def _at_most(limit, rows):
    for count, row in enumerate(rows, 1):
        if count > limit:
            raise ImportFileError(
                _("The file has more than %(limit)s rows; split it into parts.")
                % {"limit": limit}
            )
        yield row


def run_import(path, options: ImportOptions, *, job=None, filename=None, progress=None):
    """Import the spreadsheet at ``path``; returns an ``ImportResult``.

    With ``options.dry_run`` everything happens in a transaction that is rolled
    back at the end, so the preview shows exactly what the import will do.
    """
    with _collector_paused():
        importer = Importer(
            options,
            prepare(path, options, filename=filename),
            job=job,
            progress=progress,
        )
        if options.dry_run:
            try:
                with transaction.atomic():
                    importer.run()
                    raise _DryRunRollback
            except _DryRunRollback:
                pass
        else:
            importer.run()
        result = importer.result
        # Freed here by reference counting, before the collector is back on.
        del importer
    return result


@contextmanager
def _collector_paused():
    """No automatic cyclic garbage collection while an import runs.

    The match indexes and the cards of a large import are millions of
    long-lived objects; CPython's automatic collections walked all of them
    again and again (over a quarter of the time of a 100,000-row import), and
    found nothing to free: an import creates no reference cycles worth
    collecting (measured: 0 objects per batch). Everything the import holds
    is freed by reference counting when it ends; the collector is restored
    on the way out and handles anything left as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class CreatedRows:
    """For the cards of one kind this run created: the row that created each.

    Keyed by the card's negative key until it is written, then by its pk.
    Written cards get increasing pks, so they go to two compact arrays searched
    by bisection; a pk out of order (another writer's sequence values in
    between are fine, only a smaller pk is not) falls back to a dict.
    """

    def __init__(self):
        self._pending = {}
        self._pks = array("q")
        self._rows = array("q")
        self._other = {}

    def __setitem__(self, key, row):
        if key < 0:
            self._pending[key] = row
        elif not self._pks or key > self._pks[-1]:
            self._pks.append(key)
            self._rows.append(row)
        else:
            self._other[key] = row

    def get(self, key, default=None):
        if key is None:
            return default
        if key < 0:
            return self._pending.get(key, default)
        index = bisect_left(self._pks, key)
        if index < len(self._pks) and self._pks[index] == key:
            return self._rows[index]
        return self._other.get(key, default)

    def __contains__(self, key):
        return self.get(key) is not None

    def pop(self, key):
        return self._pending.pop(key)


class Importer:
    def __init__(self, options, preparation, *, job=None, progress=None):
        self.options = options
        self.preparation = preparation
        self.job = job
        self.progress = progress
        self.result = ImportResult()
        self.parser = RowParser(
            preparation.mapping,
            preparation.headers,
            region=options.region,
            area_code=options.area_code,
        )
        if not any(preparation.mapping):
            raise ImportFileError(_("No column is mapped to a CRM field."))
        self.new_cards = {}  # negative key -> this batch's new Card, then its pk
        # kind -> {negative key, then pk: the row that created the card in this run}
        self.origin = {"contact": CreatedRows(), "organization": CreatedRows()}
        self.updated_pks = {"contact": set(), "organization": set()}
        self._next_key = 0
        self.writer = BatchWriter(self)
        # Rows are read and parsed (in a second process where possible) from
        # here on.
        self.batches = ParsedBatches(
            preparation.rows,
            self.parser,
            size=options.batch_size or crm_settings.IMPORT_BATCH_SIZE,
            after_row=self.writer.resume(),
        )
        preparation.rows = None
        self.batches.start()
        try:
            self.statistics = PlannerStatistics()
        except BaseException:
            self.batches.close()
            raise
        # The cards carrying each batch's match keys (see ``concurrency``).
        self.contacts = ContactIndex()
        self.organizations = OrganizationIndex()

    def run(self):
        try:
            for parsed in self.batches:
                self._process_batch(parsed)
                if self.progress:
                    self.progress(self.result)
        finally:
            self.batches.close()
        return self.result

    # Matching -----------------------------------------------------------------

    def _process_batch(self, parsed_rows):
        # Matching and writing share one transaction, under the batch's match
        # key locks: a concurrent import or capture cannot slip a card in
        # between (see ``concurrency``).
        with transaction.atomic():
            self.contacts, self.organizations = lock_and_index(parsed_rows)
            self.new_cards = {}
            batch = self.writer.start_batch(parsed_rows, self._candidates(parsed_rows))
            for parsed in parsed_rows:
                entry = self._process_row(parsed, batch)
                batch.entries.append(entry)
            written = self.writer.write(batch)
        self.statistics.wrote(written)

    def _candidates(self, parsed_rows):
        contacts, organizations = set(), set()
        for parsed in parsed_rows:
            if parsed.errors:
                continue
            match = self._match_contact(parsed)
            if match is not None:
                contacts.add(match)
            if parsed.crm_id:
                contacts.add(parsed.crm_id)
            match = self._match_organization(parsed)
            if match is not None:
                organizations.add(match)
        return contacts, organizations

    def _real_pk(self, key):
        if key is None or key > 0:
            return key
        card = self.new_cards[key]
        return card if isinstance(card, int) else card.pk

    def _match_contact(self, parsed):
        phones = [phone.e164 for phone in parsed.phones]
        last_name = parsed.contact.get("last_name", "")
        for email in parsed.emails or [""]:
            match = self.contacts.match(
                email=email,
                phones=phones,
                last_name=last_name,
                name_key=parsed.phone_match_key,
            )
            if match:
                return self._real_pk(match.pk) or match.pk
        return None

    def _match_organization(self, parsed):
        if not parsed.has_organization:
            return None
        match = self.organizations.match(
            tax_id=parsed.organization.get("tax_id", ""),
            name=parsed.organization.get("name", ""),
        )
        return (self._real_pk(match.pk) or match.pk) if match else None

    def _new_key(self):
        self._next_key -= 1
        return self._next_key

    def _process_row(self, parsed, batch):
        entry = {"row": parsed.number, "status": rpt.CREATED, "errors": []}
        if parsed.warnings:
            entry["warnings"] = [
                {"column": w.column, "value": w.value, "message": w.message}
                for w in parsed.warnings
            ]
        if parsed.errors:
            return self._error(entry, parsed.errors)
        if not parsed.has_person and not parsed.has_organization:
            entry.update(
                status=rpt.SKIPPED,
                reason=_("No name, e-mail or organization in this row."),
            )
            return entry
        if parsed.totals_word:
            entry.update(
                status=rpt.SKIPPED,
                reason=_("“%(word)s”: a totals line, not a client.")
                % {"word": parsed.totals_word},
            )
            return entry
        organization = None
        if parsed.has_organization:
            organization, org_outcome = self._organization_for(parsed, batch)
            if organization is None:
                return self._error(entry, org_outcome)
            entry["organization"] = organization
            primary = org_outcome
        if parsed.has_person:
            contact, primary = self._contact_for(parsed, organization, batch)
            entry["contact"] = contact
        entry.update(primary)
        return entry

    def _error(self, entry, errors):
        entry["status"] = rpt.ERROR
        entry["errors"] = [
            {"column": e.column, "value": e.value, "message": e.message} for e in errors
        ]
        return entry

    def _organization_for(self, parsed, batch):
        values = dict(parsed.organization)
        notes = [values.get("notes"), *parsed.org_notes]
        if len(parsed.org_emails) > 1:
            extra = ", ".join(parsed.org_emails[1:])
            notes.append(_("Other e-mails: %(emails)s") % {"emails": extra})
        if any(notes[1:]):
            values["notes"] = "\n".join(filter(None, notes))
        match = self.organizations.match(
            tax_id=values.get("tax_id", ""), name=values.get("name", "")
        )
        if match is None:
            if not values.get("name"):
                return None, [
                    CellError(
                        self.parser.organization_header or _("Organization"),
                        values.get("tax_id", ""),
                        _("A new organization needs a name."),
                    )
                ]
            key = self._new_key()
            card = Card("organization", key, values, is_new=True, row=parsed.number)
            card.add_phones(parsed.org_phones)
            self.new_cards[key] = card
            batch.new_organizations.append(card)
            self.organizations.add(
                key, tax_id=values.get("tax_id", ""), name=values["name"]
            )
            self.origin["organization"][key] = parsed.number
            return card, {"status": rpt.CREATED}
        card = batch.card("organization", match.pk)
        if self._conflicting_tax_id(card, values):
            values.pop("tax_id")
        outcome = self._update(card, values, parsed.org_phones, batch, match.reason)
        return card, outcome

    def _conflicting_tax_id(self, card, values):
        tax_id = values.get("tax_id")
        owner = self.organizations.by_tax_id.get(tax_id) if tax_id else None
        if owner is None or owner == card.key:
            return False
        real = self._real_pk(owner)
        return not (real is not None and real == card.pk)

    def _contact_for(self, parsed, organization, batch):
        values = dict(parsed.contact)
        if parsed.emails:
            values["email"] = parsed.emails[0]
            extra = parsed.emails[1:]
            if extra:
                line = _("Other e-mails: %(emails)s") % {"emails": ", ".join(extra)}
                values["notes"] = "\n".join(filter(None, [values.get("notes"), line]))
        card, reason = self._find_contact(parsed, batch)
        if card is None:
            key = self._new_key()
            card = Card("contact", key, values, is_new=True, row=parsed.number)
            card.name_key = parsed.name_key
            card.add_phones(parsed.phones)
            card.link_organization(organization, self.options.policy)
            self.new_cards[key] = card
            batch.new_contacts.append(card)
            self.origin["contact"][key] = parsed.number
            self._index_contact(card, parsed)
            return card, {"status": rpt.CREATED}
        outcome = self._update(card, values, parsed.phones, batch, reason, organization)
        self._index_contact(card, parsed)
        return card, outcome

    def _find_contact(self, parsed, batch):
        if parsed.crm_id and batch.has("contact", parsed.crm_id):
            return batch.card("contact", parsed.crm_id), "crm_id"
        phones = [phone.e164 for phone in parsed.phones]
        last_name = parsed.contact.get("last_name", "")
        for email in parsed.emails or [""]:
            match = self.contacts.match(
                email=email,
                phones=phones,
                last_name=last_name,
                name_key=parsed.phone_match_key,
            )
            if match:
                return batch.card("contact", match.pk), match.reason
        return None, None

    def _index_contact(self, card, parsed):
        phones = [phone.e164 for phone in parsed.phones]
        last_name = card.values.get("last_name", "")
        same = last_name == parsed.contact.get("last_name", "")
        name_key = parsed.name_key if same else None
        if not last_name:  # a first name only: its phones match with it
            name_key = first_name_match_key(card.values.get("first_name", ""))
        for email in parsed.emails or [""]:
            self.contacts.add(
                card.key,
                email=email,
                phones=phones,
                last_name=last_name,
                name_key=name_key,
            )

    def _update(self, card, values, phones, batch, reason, organization=None):
        origin = self.origin[card.kind]
        created_by = origin.get(card.key)
        if created_by is None and card.pk is not None:
            created_by = origin.get(card.pk)
        if self.options.policy == POLICY_SKIP and created_by is None:
            return {"status": rpt.SKIPPED, "match": reason, "of_card": card.pk}
        changed = card.apply(values, self.options.policy)
        changed = card.add_phones(phones) or changed
        if organization is not None:
            changed = (
                card.link_organization(organization, self.options.policy) or changed
            )
        if changed:
            batch.touch(card)
        if created_by is not None:
            return {"status": rpt.DUPLICATE, "match": reason, "of_row": created_by}
        if changed:
            self.updated_pks[card.kind].add(card.pk)
            return {
                "status": rpt.UPDATED,
                "match": reason,
                "fields": card.changed_fields,
            }
        return {"status": rpt.DUPLICATE, "match": reason, "of_card": card.pk}


__all__ = [
    "ImportFileError",
    "ImportOptions",
    "Importer",
    "Row",
    "prepare",
    "run_import",
]
