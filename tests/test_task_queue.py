"""``enqueue_in_transaction``: the row ``Task.enqueue()`` would write, written
inside the caller's transaction; other backends get the task on commit."""

import pytest
from django.db import transaction
from django_tasks import task
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max

from wagtail_crm.models import Lead
from wagtail_crm.task_queue import enqueue_in_transaction, queue_is_transactional

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CALLS = []


@task(priority=3, queue_name="default")
def record_call(number, names=()):
    CALLS.append((number, list(names)))
    return number


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def _columns(row):
    return {
        field.attname: getattr(row, field.attname)
        for field in DBTaskResult._meta.concrete_fields
        if field.attname not in {"id", "enqueued_at"}
    }


def test_writes_the_row_task_enqueue_writes(db_tasks):
    expected = record_call.enqueue(number=7, names=("a", "b"))
    sent = []

    def receiver(sender, task_result, **kwargs):
        sent.append(task_result)

    task_enqueued.connect(receiver)
    try:
        with transaction.atomic():
            result = enqueue_in_transaction(
                record_call, Lead, number=7, names=("a", "b")
            )
            # Written inside the transaction, not after it.
            assert DBTaskResult.objects.filter(pk=result.id).exists()
    finally:
        task_enqueued.disconnect(receiver)

    ours = DBTaskResult.objects.get(pk=result.id)
    theirs = DBTaskResult.objects.get(pk=expected.id)
    assert _columns(ours) == _columns(theirs)
    assert ours.run_after == get_date_max()  # django_tasks_db's pre_save ran
    assert ours.args_kwargs == {
        "args": [],
        "kwargs": {"number": 7, "names": ["a", "b"]},
    }
    assert [r.id for r in sent] == [result.id]
    assert result.task.func is record_call.func
    assert result.kwargs == {"number": 7, "names": ["a", "b"]}


def test_a_rolled_back_transaction_leaves_no_task(db_tasks):
    with transaction.atomic():
        enqueue_in_transaction(record_call, Lead, number=1)
        transaction.set_rollback(True)

    assert not DBTaskResult.objects.exists()


def test_the_worker_runs_the_row(db_tasks):
    CALLS.clear()
    with transaction.atomic():
        result = enqueue_in_transaction(record_call, Lead, number=5, names=["x"])

    from django.core.management import call_command

    call_command("db_worker", batch=True, verbosity=0)

    assert CALLS == [(5, ["x"])]
    assert DBTaskResult.objects.get(pk=result.id).return_value == 5


def test_other_backends_get_the_task_once_the_transaction_commits():
    CALLS.clear()
    assert not queue_is_transactional(record_call, Lead)  # immediate backend
    with transaction.atomic():
        assert enqueue_in_transaction(record_call, Lead, number=2) is None
        assert CALLS == []

    assert CALLS == [(2, [])]
