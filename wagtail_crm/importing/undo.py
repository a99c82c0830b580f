"""Undo a whole import: remove the cards it created, restore the fields it changed."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Activity, Contact, Deal, ImportJob, Lead, Organization, Phone, Task

_CHUNK = 5000
_MODELS = {"contact": Contact, "organization": Organization}


class UndoRefused(Exception):
    """The import cannot be undone; ``str()`` says why."""


def _chunks(pks):
    pks = list(pks)
    for start in range(0, len(pks), _CHUNK):
        yield pks[start : start + _CHUNK]


def _count(queryset_for, pks):
    return sum(queryset_for(chunk).count() for chunk in _chunks(pks))


def collect(job):
    created = {"contacts": [], "organizations": [], "phones": []}
    updated = []
    for batch in job.batches.order_by("number"):
        for kind in created:
            created[kind].extend(batch.created.get(kind, []))
        updated.extend(batch.updated)
    return created, updated


def blockers(job, created, updated):
    """Reasons the import cannot be undone: later work that depends on its cards."""
    reasons = []
    contacts, organizations = created["contacts"], created["organizations"]
    for model in (Deal, Activity, Task, Lead):
        used = _count(
            lambda chunk, m=model: m.objects.filter(contact_id__in=chunk), contacts
        ) + _count(
            lambda chunk, m=model: m.objects.filter(organization_id__in=chunk),
            organizations,
        )
        if used:
            reasons.append(
                _("%(count)s %(things)s refer to cards this import created.")
                % {"count": used, "things": model._meta.verbose_name_plural}
            )
    relinked = {u["pk"] for u in updated if u["model"] == "contact"}
    others = _count(
        lambda chunk: (
            Contact.objects.filter(organization_id__in=chunk)
            .exclude(pk__in=contacts)
            .exclude(pk__in=relinked)
        ),
        organizations,
    )
    if others:
        reasons.append(
            ngettext(
                "%(count)s contact added later works at an organization this "
                "import created.",
                "%(count)s contacts added later work at organizations this "
                "import created.",
                others,
            )
            % {"count": others}
        )
    if job.finished_at:
        edited = _count(
            lambda chunk: Contact.objects.filter(
                pk__in=chunk, updated_at__gt=job.finished_at
            ),
            contacts + [u["pk"] for u in updated if u["model"] == "contact"],
        )
        if edited:
            reasons.append(
                _("%(count)s contacts were edited after the import.")
                % {"count": edited}
            )
    return reasons


def undo_import(job):
    """Undo ``job`` atomically, or raise ``UndoRefused`` saying why not."""
    if job.status not in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        raise UndoRefused(_("Only a finished import can be undone."))
    created, updated = collect(job)
    reasons = blockers(job, created, updated)
    if reasons:
        raise UndoRefused(" ".join(reasons))
    with transaction.atomic():
        for change in reversed(updated):
            _restore(change)
        for chunk in _chunks(created["phones"]):
            Phone.objects.filter(pk__in=chunk).delete()
        for chunk in _chunks(created["contacts"]):
            Contact.objects.filter(pk__in=chunk).delete()
        for chunk in _chunks(created["organizations"]):
            Organization.objects.filter(pk__in=chunk).delete()
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.UNDONE)
    job.status = ImportJob.Status.UNDONE
    return created, updated


def _restore(change):
    model = _MODELS[change["model"]]
    record = model.objects.filter(pk=change["pk"]).first()
    if record is None:
        return
    for name, value in change["before"].items():
        setattr(record, name, value)
    record.save()
