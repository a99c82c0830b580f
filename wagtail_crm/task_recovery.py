"""Give tasks whose ``db_worker`` died back to the queue (django-tasks-db only).

django-tasks-db marks a task RUNNING when a worker claims it and records the
worker's id, but has no heartbeat: if the worker is killed (``SIGKILL``, out
of memory, host lost) the task stays RUNNING for ever and nothing retries it.

Liveness: while a ``db_worker`` runs a task it holds a PostgreSQL *session*
advisory lock keyed on the task result's id (taken on ``task_started``,
released on ``task_finished``). PostgreSQL drops the lock with the dead
worker's connection, so a RUNNING task whose lock is free has no worker.
Elsewhere (SQLite: a single worker) a task counts as lost once it has been
RUNNING longer than a timeout.

``recover_tasks()`` (``manage.py crm_recover_tasks``) puts such wagtail-crm
tasks back to READY in the same ``DBTaskResult`` row, keeping the dead
worker's id in ``worker_ids``; the next free worker runs them again. That is
safe because every wagtail-crm task takes ids and checks what is already done:
an import resumes after its last committed batch, a new-lead e-mail is sent
once (``Lead.notified_at``), a webhook delivery is claimed before it is posted,
reminders are recorded per user and day, search indexing is repeatable.
A task that has already lost ``max_attempts`` workers is marked FAILED.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.db import connections, router
from django.utils import timezone

logger = logging.getLogger(__name__)

# First key of the session advisory lock a db_worker holds on a running task
# ("CRT"; imports use "CRN" on their job, see importing/tasks.py).
LIVENESS_NAMESPACE = 0x435254
# Only our own tasks are re-run: we know they are safe to run twice.
TASK_PATH_PREFIX = "wagtail_crm."
# A RUNNING task younger than this is left alone even with a free lock: the
# worker claims the row, commits, then takes the lock a moment later.
GRACE = timedelta(seconds=60)


class WorkerLost(Exception):
    """Recorded on a task given up after its workers died ``max_attempts`` times."""


def task_key(result_id):
    """The second (int4) key of a task's liveness lock."""
    value = uuid.UUID(str(result_id)).int & 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def _db_alias():
    from django_tasks_db.models import DBTaskResult

    return router.db_for_write(DBTaskResult)


def _advisory(function, result_id):
    connection = connections[_db_alias()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {function}(%s, %s)", [LIVENESS_NAMESPACE, task_key(result_id)]
        )
        return cursor.fetchone()[0]


def _is_db_task(task_result):
    from django_tasks_db.backend import TaskResult

    return isinstance(task_result, TaskResult)


def _uses_postgresql():
    return connections[_db_alias()].vendor == "postgresql"


def on_task_started(sender, task_result, **kwargs):
    """In the db_worker, before the task runs: hold its liveness lock."""
    if not _is_db_task(task_result) or not _uses_postgresql():
        return
    try:
        if not _advisory("pg_try_advisory_lock", task_result.id):
            # Another running task hashes to the same key: it keeps this one
            # alive too. Harmless; the task runs anyway.
            logger.debug("Liveness lock of task %s is taken", task_result.id)
    except Exception:  # never stop a task because of its liveness lock
        logger.exception("Could not take the liveness lock of task %s", task_result.id)


def on_task_finished(sender, task_result, **kwargs):
    if not _is_db_task(task_result) or not _uses_postgresql():
        return
    try:
        _advisory("pg_advisory_unlock", task_result.id)
    except Exception:  # the connection is gone: so is the lock
        logger.debug("Could not release the liveness lock of %s", task_result.id)


def connect_signals():
    """Called from ``AppConfig.ready`` when django-tasks-db is installed."""
    from django_tasks_db.compat import task_finished, task_started

    task_started.connect(on_task_started, dispatch_uid="wagtail_crm_task_liveness")
    task_finished.connect(on_task_finished, dispatch_uid="wagtail_crm_task_liveness")


@dataclass
class Recovery:
    requeued: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    alive: int = 0


def _worker_gone(result_id):
    """True when no worker holds the task's lock (PostgreSQL)."""
    return _advisory("pg_try_advisory_lock", result_id)


def recover_tasks(*, timeout=3600, grace=GRACE, max_attempts=3, dry_run=False):
    """Re-queue the RUNNING wagtail-crm tasks whose worker died.

    On PostgreSQL a task is orphaned when nobody holds its liveness lock and
    it started more than ``grace`` (a timedelta) ago; ``timeout`` (seconds) is
    not needed there. Other databases have no such lock: a task RUNNING for longer than
    ``timeout`` is taken as orphaned.
    """
    if not apps.is_installed("django_tasks_db"):
        return Recovery()
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    postgresql = _uses_postgresql()
    cutoff = now - (grace if postgresql else timedelta(seconds=timeout))
    running = DBTaskResult.objects.running().filter(
        task_path__startswith=TASK_PATH_PREFIX, started_at__lt=cutoff
    )
    outcome = Recovery()
    for result in running.only("id", "started_at", "worker_ids", "task_path"):
        if postgresql and not _worker_gone(result.id):
            outcome.alive += 1
            continue
        try:
            if dry_run:
                outcome.requeued.append(result)
                continue
            _give_back(result, max_attempts, outcome, TaskResultStatus, DBTaskResult)
        finally:
            if postgresql:
                _advisory("pg_advisory_unlock", result.id)
    return outcome


def _give_back(result, max_attempts, outcome, statuses, model):
    # Conditional on the row still being the run we judged orphaned, so two
    # recoveries at once (two cron hosts) re-queue it once.
    same_run = model.objects.filter(
        pk=result.pk, status=statuses.RUNNING, started_at=result.started_at
    )
    workers = ", ".join(result.worker_ids) or "?"
    if len(result.worker_ids) >= max_attempts:
        error = WorkerLost(
            f"{len(result.worker_ids)} workers died running this task ({workers})"
        )
        if same_run.update(
            status=statuses.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{__name__}.WorkerLost",
            traceback=f"{__name__}.WorkerLost: {error}\n",
        ):
            outcome.failed.append(result)
            logger.error("Task %s %s: %s", result.task_path, result.pk, error)
        return
    if same_run.update(status=statuses.READY, started_at=None):
        outcome.requeued.append(result)
        logger.warning(
            "Task %s %s lost its worker (%s): queued again",
            result.task_path,
            result.pk,
            workers,
        )
