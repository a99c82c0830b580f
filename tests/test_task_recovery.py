"""``crm_recover_tasks`` on task rows of django-tasks-db (any database).

The real thing — a db_worker killed with SIGKILL — is in test_scale_recovery.py
(PostgreSQL). Here no worker holds any liveness lock, so on PostgreSQL every
RUNNING task past the grace period is orphaned; on SQLite, past the timeout.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from wagtail_crm.task_recovery import recover_tasks, task_key

pytestmark = pytest.mark.django_db


def running(task_path, *, minutes_ago, workers=("w1",)):
    return DBTaskResult.objects.create(
        status="RUNNING",
        task_path=task_path,
        args_kwargs={"args": [], "kwargs": {"lead_id": 1}},
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=list(workers),
    )


NOTIFY = "wagtail_crm.capture.notifications.notify_new_lead"


def test_an_orphaned_task_goes_back_to_the_queue():
    lost = running(NOTIFY, minutes_ago=120)
    young = running(NOTIFY, minutes_ago=0)
    foreign = running("somebody.else.task", minutes_ago=120)

    outcome = recover_tasks(timeout=3600)

    assert [result.pk for result in outcome.requeued] == [lost.pk]
    lost.refresh_from_db()
    assert (lost.status, lost.started_at, lost.worker_ids) == ("READY", None, ["w1"])
    young.refresh_from_db()
    foreign.refresh_from_db()
    assert young.status == foreign.status == "RUNNING"
    # A worker can claim it again.
    assert DBTaskResult.objects.ready().get() == lost


def test_a_task_that_killed_its_workers_three_times_is_failed():
    doomed = running(NOTIFY, minutes_ago=120, workers=["w1", "w2", "w3"])

    outcome = recover_tasks(timeout=3600, max_attempts=3)

    assert outcome.failed == [doomed] and outcome.requeued == []
    doomed.refresh_from_db()
    assert doomed.status == "FAILED"
    assert doomed.exception_class_path == "wagtail_crm.task_recovery.WorkerLost"
    assert "3 workers died" in doomed.traceback


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL needs no timeout"
)
def test_without_postgresql_the_timeout_decides():
    task = running(NOTIFY, minutes_ago=30)

    assert recover_tasks(timeout=3600).requeued == []
    assert recover_tasks(timeout=600).requeued == [task]


def test_command_dry_run_changes_nothing():
    task = running(NOTIFY, minutes_ago=120)
    out = io.StringIO()

    call_command("crm_recover_tasks", "--dry-run", stdout=out)

    assert f"Would queue again: {NOTIFY} {task.pk}" in out.getvalue()
    task.refresh_from_db()
    assert task.status == "RUNNING"
    out = io.StringIO()
    call_command("crm_recover_tasks", stdout=out)
    assert f"Queued again: {NOTIFY} {task.pk}" in out.getvalue()
    task.refresh_from_db()
    assert task.status == "READY"


def test_lock_keys_fit_postgresql_int4():
    keys = [task_key(row) for row in ("0" * 32, "f" * 32, "7fffffff" * 4)]
    assert all(-(2**31) <= key < 2**31 for key in keys)
