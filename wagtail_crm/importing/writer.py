"""Write one batch of an import: bulk inserts and updates in one transaction.

``Contact.save()`` and ``Organization.save()`` compute match keys; bulk writes
skip ``save()``, so the same ``dedup`` functions fill those keys here.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from ..dedup import email_key, organization_name_key, person_name_key
from ..models import Contact, ImportBatch, Organization, Phone
from .cards import CONTACT_FIELDS, ORGANIZATION_FIELDS, Card
from .inserts import RowInserter

_MODELS = {"contact": Contact, "organization": Organization}
_PHONE_OWNER = {"contact": "contact_id", "organization": "organization_id"}
_CHUNK = 1000
_KEY_COLUMNS = {
    "contact": ("last_name_key", "organization_id"),
    "organization": ("name_key",),
}
_PHONE_COLUMNS = ("e164", "extension", "kind", "contact_id", "organization_id")


class Batch:
    def __init__(self, importer, parsed_rows):
        self.importer = importer
        self.first_row = parsed_rows[0].number
        self.last_row = parsed_rows[-1].number
        self.cards = {"contact": {}, "organization": {}}
        self.new_contacts = []
        self.new_organizations = []
        self.touched = {}
        self.entries = []
        self.updated = {"contact": 0, "organization": 0}

    def has(self, kind, pk):
        if pk in self.cards[kind]:
            return True
        self.load(kind, {pk})
        return pk in self.cards[kind]

    def card(self, kind, key):
        if key < 0:
            pending = self.importer.new_cards[key]
            if isinstance(pending, Card):
                return pending  # created by this batch, not written yet
            key = pending
        if key not in self.cards[kind]:
            self.load(kind, {key})
        return self.cards[kind][key]

    def touch(self, card):
        if not card.is_new:
            self.touched[(card.kind, card.pk)] = card
            seen = self.importer.updated_pks[card.kind]
            made_here = card.pk in self.importer.origin[card.kind]
            if card.pk not in seen and not made_here:
                seen.add(card.pk)
                self.updated[card.kind] += 1

    def load(self, kind, pks):
        """Existing cards with their current values and phones: two queries."""
        pks = {pk for pk in pks if pk and pk > 0 and pk not in self.cards[kind]}
        if not pks:
            return
        model = _MODELS[kind]
        fields = CONTACT_FIELDS if kind == "contact" else ORGANIZATION_FIELDS
        extra = ("organization_id",) if kind == "contact" else ()
        for values in model.objects.filter(pk__in=pks).values("pk", *fields, *extra):
            pk = values.pop("pk")
            self.cards[kind][pk] = Card(kind, pk, values, is_new=False)
        owner = _PHONE_OWNER[kind]
        phones = Phone.objects.filter(**{f"{owner}__in": pks})
        for pk, e164, extension in phones.values_list(owner, "e164", "extension"):
            if pk in self.cards[kind]:
                self.cards[kind][pk].phone_keys.add((e164, extension))


class BatchWriter:
    def __init__(self, importer):
        self.importer = importer
        self.job = importer.job
        self.number = 0

    def resume(self) -> int:
        """Counts of the batches an earlier run of the job wrote; the last row done."""
        if self.job is None or self.job.pk is None:
            return 0
        last_row = 0
        for batch in self.job.batches.order_by("number"):
            self.importer.result.merge_counts(batch.counts)
            for entry in batch.entries:
                self._keep_entry(entry)
            last_row = max(last_row, batch.last_row)
            self.number = batch.number
        return last_row

    def _keep_entry(self, entry):
        result = self.importer.result
        if entry["status"] == "error":
            for error in entry["errors"]:
                result.errors.append({"row": entry["row"], **error})
        for warning in entry.get("warnings", ()):
            result.warnings.append({"row": entry["row"], **warning})
        if len(result.entries) < 20_000:
            result.entries.append(entry)
        result.last_row = max(result.last_row, entry["row"])

    def start_batch(self, parsed_rows, candidates):
        batch = Batch(self.importer, parsed_rows)
        contacts, organizations = candidates
        batch.load("contact", contacts)
        batch.load("organization", organizations)
        return batch

    def write(self, batch) -> dict:
        """Write the batch in one transaction; return the rows inserted per table."""
        options = self.importer.options
        with transaction.atomic():
            now = timezone.now()
            self._create(batch.new_organizations, Organization, options.owner_id, now)
            self._create(batch.new_contacts, Contact, options.owner_id, now)
            self._update(batch.touched.values(), now)
            phone_pks = self._create_phones(batch)
            entries = [_finish_entry(entry) for entry in batch.entries]
            counts = self._count(batch, entries, len(phone_pks))
            if options.update_search_index:
                _reindex_later(batch)
            if self.job is not None and self.job.pk is not None:
                self._log(batch, entries, counts, phone_pks)
        for entry in entries:
            self.importer.result.add_entry(entry)
        self.importer.result.created["phones"] += len(phone_pks)
        for kind, plural in (
            ("contact", "contacts"),
            ("organization", "organizations"),
        ):
            self.importer.result.updated[plural] += batch.updated[kind]
        self.importer.result.created["contacts"] += len(batch.new_contacts)
        self.importer.result.created["organizations"] += len(batch.new_organizations)
        return {
            "contact": len(batch.new_contacts),
            "organization": len(batch.new_organizations),
            "phone": len(phone_pks),
        }

    def _create(self, cards, model, owner_id, now):
        if not cards:
            return
        if RowInserter.supported(model):
            pks = _insert_cards(cards, model, owner_id, now)
        else:
            objects = [_new_object(card, model, owner_id) for card in cards]
            model.objects.bulk_create(objects, batch_size=_CHUNK)
            pks = [obj.pk for obj in objects]
        origin, new_cards = self.importer.origin, self.importer.new_cards
        for card, pk in zip(cards, pks, strict=True):
            card.pk = pk
            # Keep only the pk of a written card: memory stays bounded.
            new_cards[card.key] = pk
            origin[card.kind][pk] = origin[card.kind].pop(card.key)

    def _update(self, cards, now):
        groups = defaultdict(list)
        for card in cards:
            fields = set(card.before)
            if card.organization_changed:
                fields.add("organization_id")
                card.values["organization_id"] = card.organization.pk
            if fields:
                groups[(card.kind, frozenset(fields))].append(card)
        for (kind, fields), group in groups.items():
            model = _MODELS[kind]
            names = sorted(fields)
            objects = []
            for card in group:
                obj = model(pk=card.pk, updated_at=now)
                for name in names:
                    setattr(obj, name, card.values.get(name))
                _set_keys(obj, kind)
                objects.append(obj)
            names.append("updated_at")
            if "last_name" in names:
                names.append("last_name_key")
            if "name" in names and kind == "organization":
                names.append("name_key")
            model.objects.bulk_update(objects, names, batch_size=_CHUNK)

    def _create_phones(self, batch):
        rows = []
        cards = [*batch.new_organizations, *batch.new_contacts, *batch.touched.values()]
        for card in cards:
            contact_id, organization_id = (
                (card.pk, None) if card.kind == "contact" else (None, card.pk)
            )
            for phone in card.new_phones:
                rows.append(
                    (
                        phone.e164,
                        phone.extension,
                        phone.kind,
                        contact_id,
                        organization_id,
                    )
                )
            card.new_phones = []
        if not rows:
            return []
        if RowInserter.supported(Phone):
            return RowInserter(Phone, _PHONE_COLUMNS, {}).insert(rows, prepared=True)
        phones = [Phone(**dict(zip(_PHONE_COLUMNS, row, strict=True))) for row in rows]
        Phone.objects.bulk_create(phones, batch_size=_CHUNK)
        return [phone.pk for phone in phones]

    def _count(self, batch, entries, phones):
        counts = {
            "rows": len(entries),
            "created": {
                "contacts": len(batch.new_contacts),
                "organizations": len(batch.new_organizations),
                "phones": phones,
            },
            "updated": {
                "contacts": batch.updated["contact"],
                "organizations": batch.updated["organization"],
            },
            "duplicates": 0,
            "skipped": 0,
            "error_rows": 0,
        }
        for entry in entries:
            key = {
                "duplicate": "duplicates",
                "skipped": "skipped",
                "error": "error_rows",
            }
            if entry["status"] in key:
                counts[key[entry["status"]]] += 1
        return counts

    def _log(self, batch, entries, counts, phone_pks):
        self.number += 1
        kept = [
            entry
            for entry in entries
            if entry["status"] not in ("created", "updated")
            or entry["row"] <= 101
            or entry.get("warnings")
        ]
        ImportBatch.objects.create(
            job=self.job,
            number=self.number,
            last_row=batch.last_row,
            counts=counts,
            entries=kept,
            created={
                "contacts": [card.pk for card in batch.new_contacts],
                "organizations": [card.pk for card in batch.new_organizations],
                "phones": phone_pks,
            },
            updated=[
                {"model": card.kind, "pk": card.pk, "before": card.before}
                for card in batch.touched.values()
                if card.before
            ],
        )
        type(self.job).objects.filter(pk=self.job.pk).update(
            processed_rows=self.importer.result.rows + len(entries)
        )


def _insert_cards(cards, model, owner_id, now):
    """Insert new cards with the values ``_new_object()`` + ``save()`` would give."""
    kind = cards[0].kind
    columns = (*cards[0].fields, *_KEY_COLUMNS[kind])
    inserter = RowInserter(
        model, columns, {"owner_id": owner_id, "created_at": now, "updated_at": now}
    )
    row = _contact_row if kind == "contact" else _organization_row
    return inserter.insert([row(card) for card in cards], prepared=True)


def _text(value):
    if value is None:
        return ""
    return value if type(value) is str else str(value)


def _contact_row(card):
    """The columns of ``CONTACT_FIELDS`` + ``_KEY_COLUMNS["contact"]``, in order."""
    first, middle, last, email, job, notes = map(
        _text, map(card.values.get, CONTACT_FIELDS)
    )
    key = card.name_key
    organization = card.organization
    return (
        first,
        middle,
        last,
        email_key(email),
        job,
        notes,
        person_name_key(last) if key is None else key,
        None if organization is None else organization.pk,
    )


def _organization_row(card):
    """The columns of ``ORGANIZATION_FIELDS`` + ``_KEY_COLUMNS["organization"]``."""
    name, tax_id, website, email, address, notes = map(
        _text, map(card.values.get, ORGANIZATION_FIELDS)
    )
    return (
        name,
        tax_id,
        website,
        email_key(email),
        address,
        notes,
        organization_name_key(name),
    )


def _new_object(card, model, owner_id):
    values = {name: card.values.get(name, "") or "" for name in card.fields}
    obj = model(owner_id=owner_id, **values)
    if card.kind == "contact" and card.organization is not None:
        obj.organization_id = card.organization.pk
    _set_keys(obj, card.kind)
    return obj


def _set_keys(obj, kind):
    if kind == "contact":
        if obj.email is not None:
            obj.email = email_key(obj.email)
        obj.last_name_key = person_name_key(obj.last_name or "")
    else:
        obj.name_key = organization_name_key(obj.name or "")
        if obj.email is not None:
            obj.email = email_key(obj.email)


def _finish_entry(entry):
    for name in ("contact", "organization"):
        value = entry.get(name)
        if isinstance(value, Card):
            entry[name] = value.pk
    return entry


def _reindex_later(batch):
    """Queue the search index update of the batch's cards once it commits.

    Search backends index one object at a time (about 10 ms each with
    PostgreSQL full text), so this runs as its own task, outside the batch.
    """
    from .tasks import enqueue_indexing

    for kind in _MODELS:
        new_cards = batch.new_contacts + batch.new_organizations
        pks = [card.pk for card in new_cards if card.kind == kind]
        pks += [pk for (card_kind, pk) in batch.touched if card_kind == kind]
        if pks:
            transaction.on_commit(
                lambda kind=kind, pks=pks: enqueue_indexing(kind, pks)
            )
