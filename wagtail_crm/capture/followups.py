"""Queue what a captured lead sets off: one background task for many leads.

Every captured lead needs a few things done after its transaction commits:
index updates, webhook deliveries, the e-mail to its owner (see
:mod:`.tasks`). With a task queue kept in a table of the same database
(``django_tasks_db``'s ``DatabaseBackend``, the example site's default), leads
share that task:

* each new lead is written with ``followups_pending`` set;
* the request queues :func:`~.tasks.process_pending_leads` — one task row in
  the lead's transaction — unless the one this process queued last has not
  started yet: that one will find the lead, so the request writes no task row;
* the task does the follow-ups of every pending lead and clears their flags.

Under load (a busy form, a worker polling once a second) hundreds of leads
share one task: the visitor's request saves a task row (and its four index
entries), and the worker runs one task instead of hundreds. On a quiet site
each lead still gets its task at once.

A lead is never left behind by a task that has just started, because a
worker marks the task RUNNING before it looks for pending leads, and:

* on SQLite the request checks the task's status while it holds the
  database's write lock; a worker's claim (a write) waits for the commit, so
  a task still READY at the check sees the lead once it runs;
* on PostgreSQL the request holds a shared advisory lock (taken before the
  check) until it commits, and the task takes that lock exclusively, once,
  before it looks for pending leads: it waits for the requests that saw it
  READY.

Any other database, and any other task backend (RQ, the immediate backend of
tests), gets :func:`~.tasks.process_new_lead` for each lead, as before.
"""

import functools

from django.core.signals import setting_changed
from django.db import connections, router
from django.dispatch import receiver

from ..lean_insert import NOT_RUN
from ..models import Lead
from ..task_queue import enqueue_in_transaction, queue_is_transactional

#: PostgreSQL advisory lock between requests that rely on a queued task and
#: that task starting: "CRF" (follow-ups), slot 0.
FOLLOWUP_LOCK = (0x435246, 0)
COALESCING_VENDORS = ("sqlite", "postgresql")

# Database alias → id of the follow-up task this process queued last.
_last_task = {}


@functools.cache
def coalesced():
    """Do leads share their follow-up task (see the module's docstring)?
    Worked out once, again when Django's ``setting_changed`` names the task
    queue or the databases."""
    from .tasks import process_pending_leads

    if not queue_is_transactional(process_pending_leads, Lead):
        return False
    return connections[router.db_for_write(Lead)].vendor in COALESCING_VENDORS


@receiver(setting_changed, dispatch_uid="wagtailcrm_followups_setting_changed")
def _forget(*, setting, **kwargs):
    if setting in ("TASKS", "DATABASES", "DATABASE_ROUTERS"):
        coalesced.cache_clear()


def check_statement(locked):
    """``(sql, params)`` of the check whether the task this process queued
    last is still waiting, for the lead's INSERT to run as well, or None.

    On PostgreSQL only after :data:`FOLLOWUP_LOCK` (``locked``: held in
    shared mode); on SQLite anywhere in the lead's transaction, which holds
    the database's write lock from its start."""
    alias = router.db_for_write(Lead)
    task_id = _last_task.get(alias)
    if task_id is None:
        return None
    connection = connections[alias]
    if connection.vendor == "postgresql" and not locked:
        return None
    return _check_sql(connection, task_id)


def queue_followups(lead, records, *, locked=False, ready=NOT_RUN):
    """Queue the follow-ups of ``lead`` (just written, in the current
    transaction); ``records`` are the index updates its capture deferred.
    ``locked``: this transaction holds :data:`FOLLOWUP_LOCK` (shared) already;
    ``ready``: the result of :func:`check_statement`'s check, if it ran."""
    from .tasks import process_new_lead, process_pending_leads

    if not lead.followups_pending:
        enqueue_in_transaction(process_new_lead, Lead, lead_id=lead.pk, records=records)
        return
    alias = router.db_for_write(Lead)
    connection = connections[alias]
    task_id = _last_task.get(alias)
    if task_id is not None:
        if ready is NOT_RUN:
            ready = _not_started(connection, task_id, locked=locked)
        if ready:
            return
    result = enqueue_in_transaction(process_pending_leads, Lead)
    _last_task[alias] = _db_id(connection, result.id)


def _db_id(connection, task_id):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult._meta.pk.get_db_prep_value(task_id, connection)


def _check_sql(connection, task_id):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    table = connection.ops.quote_name(DBTaskResult._meta.db_table)
    return (
        f"SELECT count(*) FROM {table} WHERE id = %s AND status = %s",
        [task_id, TaskResultStatus.READY],
    )


def _not_started(connection, task_id, *, locked=False):
    """Is task ``task_id`` still waiting for a worker? (Inside the lead's
    transaction, after the lead's INSERT.)"""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not locked:
            # Before the check, in a statement of its own: the check's
            # snapshot must be later than the lock.
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", FOLLOWUP_LOCK)
        cursor.execute(*_check_sql(connection, task_id))
        return cursor.fetchone()[0] > 0


def wait_for_requests(connection):
    """In the task, before it looks for pending leads: on PostgreSQL, let the
    requests that saw it READY commit first (see the module's docstring)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", FOLLOWUP_LOCK)
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", FOLLOWUP_LOCK)
