"""Search-index and reference-index updates of cards that a caller may defer.

Wagtail queues two background tasks for every save of an indexed model: one
updates the search index, one the reference index. A captured lead saves a
contact, perhaps an organization, and the lead, so it queued four to six tasks
inside the visitor's request (as many INSERTs with a database task backend).

``Contact``, ``Organization`` and ``Lead`` therefore set
``search_auto_update = False`` (Wagtail connects no receiver of its own) and
the receivers below do what Wagtail's would (queue a task per save), unless a
:func:`deferred` block is active: then the saved records are only collected,
and the caller updates them later with :func:`update_records`, in one
background task of its own::

    with indexing.deferred() as records:
        ...  # create and save cards
    transaction.on_commit(lambda: my_task.enqueue(records=records.as_list()))

    @task()
    def my_task(records):
        indexing.update_records(records)
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

#: Models whose index updates go through this module.
DEFERRABLE_MODELS = (
    "wagtail_crm.contact",
    "wagtail_crm.organization",
    "wagtail_crm.lead",
)

_pending = ContextVar("wagtailcrm_deferred_index_records", default=None)


def _record_on_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    pending = _pending.get()
    if pending is not None:
        pending.setdefault((instance._meta.label_lower, instance.pk), None)
        return
    from wagtail.search.signal_handlers import post_save_signal_handler

    post_save_signal_handler(instance, raw=raw, **kwargs)


def record_saved(instance):
    """What saving ``instance`` does here, for a row written without ``save()``
    (no ``post_save`` signal): collected in a :func:`deferred` block, else
    updated as Wagtail would."""
    _record_on_save(type(instance), instance, created=True)


def _remove_on_delete(sender, instance, **kwargs):
    from wagtail.search.signal_handlers import post_delete_signal_handler

    post_delete_signal_handler(instance, **kwargs)


def connect_receivers():
    """Called from ``AppConfig.ready()``."""
    for label in DEFERRABLE_MODELS:
        model = apps.get_model(label)
        uid = f"wagtailcrm_index_{label}"
        post_save.connect(_record_on_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_remove_on_delete, sender=model, dispatch_uid=uid)


class DeferredRecords(dict):
    """``(model label, pk)`` of the records saved in a :func:`deferred` block,
    in the order they were first saved (a dict keeps insertion order)."""

    def as_list(self):
        return [list(key) for key in self]


@contextmanager
def deferred():
    """Collect the index updates of the cards saved inside; yield the records.

    The reference index of every model saved inside is skipped as well: the
    cards listed are the parents (phones and tags are recorded under them).
    """
    from wagtail.signal_handlers import disable_reference_index_auto_update

    records = DeferredRecords()
    token = _pending.set(records)
    try:
        with disable_reference_index_auto_update():
            yield records
    finally:
        _pending.reset(token)


def update_records(records):
    """Update the search index and reference index of ``records`` now.

    A failing search backend is logged and does not stop the others (the
    records themselves are saved already).
    """
    from wagtail.models import ReferenceIndex
    from wagtail.search import index

    for label, pk in records:
        model = apps.get_model(label)
        instance = model.objects.filter(pk=pk).first()
        if instance is None:
            continue
        try:
            with transaction.atomic():
                index.insert_or_update_object(instance)
                if ReferenceIndex.is_indexed(model):
                    ReferenceIndex.create_or_update_for_object(instance)
        except Exception:
            logger.exception("Could not update the indexes of %s %s", label, pk)
