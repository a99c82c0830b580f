"""Captured leads share their follow-up task (``wagtail_crm.capture.followups``).

With the task queue in the same database (``django_tasks_db``, the example
site's default), a lead is written with ``followups_pending`` and the request
queues ``process_pending_leads`` only when the one it queued last has started.
"""

import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.models import Site
from wagtail.search.backends import get_search_backend

from wagtail_crm.capture import followups
from wagtail_crm.capture.service import capture_lead
from wagtail_crm.capture.tasks import process_pending_leads
from wagtail_crm.models import Contact, CRMSettings, Lead, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    followups._last_task.clear()
    yield
    followups._last_task.clear()


@pytest.fixture
def recipients(db):
    crm = CRMSettings.for_site(Site.objects.get(is_default_site=True))
    crm.notification_recipients = "sales@example.com"
    crm.save()


def _capture(number, **fields):
    return capture_lead(
        {
            "name": f"Visitor Number{number}",
            "email": f"visitor{number}@example.com",
            "phone": f"+7 916 555-{number:02d}-00",
            **fields,
        }
    )


def test_leads_share_the_task_that_has_not_started(db_tasks):
    leads = [_capture(n) for n in range(3)]

    task = DBTaskResult.objects.get()
    assert task.task_path == process_pending_leads.module_path
    assert task.status == TaskResultStatus.READY
    assert all(lead.followups_pending for lead in leads)


def test_a_started_task_gets_a_new_one(db_tasks):
    _capture(1)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)
    _capture(2)
    _capture(3)

    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == [TaskResultStatus.READY, TaskResultStatus.RUNNING]


def test_a_task_that_is_gone_gets_a_new_one(db_tasks):
    _capture(1)
    DBTaskResult.objects.all().delete()  # e.g. pruned, or its transaction rolled back
    _capture(2)

    assert DBTaskResult.objects.count() == 1


def test_the_task_follows_up_every_pending_lead(db_tasks, recipients):
    first = _capture(1, company="Quasar Tools")
    second = _capture(2)
    untouched = Lead.objects.create(name="Entered by hand")

    assert process_pending_leads.call() == 2

    assert not Lead.objects.filter(followups_pending=True).exists()
    assert len(mail.outbox) == 2
    assert {message.reply_to[0] for message in mail.outbox} == {
        "visitor1@example.com",
        "visitor2@example.com",
    }
    assert Lead.objects.filter(notified_at__isnull=False).count() == 2
    assert Lead.objects.get(pk=untouched.pk).notified_at is None
    # The cards the captures wrote are in the search index.
    backend = get_search_backend()
    assert list(backend.search("Number1", Lead)) == [first]
    assert list(backend.search("Number2", Contact)) == [second.contact]
    assert list(backend.search("Quasar", Organization)) == [first.organization]
    # Run again (a retried task): nothing left to do, no second e-mail.
    assert process_pending_leads.call() == 0
    assert len(mail.outbox) == 2


def test_a_failing_lead_does_not_stop_the_others(db_tasks, recipients, caplog):
    first, second = _capture(1), _capture(2)

    with mock.patch(
        "wagtail_crm.capture.notifications.build_message",
        side_effect=[RuntimeError("template broken"), mock.DEFAULT],
        wraps=__import__(
            "wagtail_crm.capture.notifications", fromlist=["build_message"]
        ).build_message,
    ):
        assert process_pending_leads.call() == 2

    assert f"Follow-ups of lead {first.pk} failed" in caplog.text
    assert [message.reply_to[0] for message in mail.outbox] == [second.email]
    assert not Lead.objects.filter(followups_pending=True).exists()


def test_more_pending_leads_than_one_run_takes(db_tasks, monkeypatch):
    from wagtail_crm.capture import tasks

    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    monkeypatch.setattr(tasks, "MAX_BATCHES", 2)
    for number in range(5):
        _capture(number)
    DBTaskResult.objects.all().delete()

    assert process_pending_leads.call() == 4

    assert Lead.objects.filter(followups_pending=True).count() == 1
    task = DBTaskResult.objects.get()  # the rest goes to a task of its own
    assert task.task_path == process_pending_leads.module_path


def test_another_task_backend_gets_a_task_per_lead(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    from django_tasks import default_task_backend

    with django_capture_on_commit_callbacks(execute=True):
        first, second = _capture(1), _capture(2)

    assert not Lead.objects.filter(followups_pending=True).exists()
    queued = [result.kwargs["lead_id"] for result in default_task_backend.results]
    assert queued == [first.pk, second.pk]
    assert {result.task.name for result in default_task_backend.results} == {
        "process_new_lead"
    }


def test_a_capture_holds_the_shared_lock_until_it_commits(db_tasks):
    """PostgreSQL: the shared lock comes with the match-key locks, in the same
    statement, before the check of the task."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's advisory locks")
    _capture(1)
    _capture(2)  # inside the test's transaction: its locks are still held

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid() AND classid = %s AND objid = %s",
            followups.FOLLOWUP_LOCK,
        )
        assert cursor.fetchall() == [("ShareLock",)]
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_task_waits_for_requests_that_saw_it_ready(db_tasks):
    """PostgreSQL: a request that found the task READY holds a shared lock
    until it commits; the task waits for it before it looks for leads."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes the check and the worker's claim itself")
    _capture(1)
    task_id = followups._last_task[connection.alias]
    checked, release, waited = threading.Event(), threading.Event(), []

    def request():
        try:
            with transaction.atomic():
                assert followups._not_started(connection, task_id)
                checked.set()
                release.wait(10)
        finally:
            connection.close()

    def worker():
        try:
            followups.wait_for_requests(connection)
            waited.append(release.is_set())
        finally:
            connection.close()

    thread = threading.Thread(target=request)
    thread.start()
    assert checked.wait(10)
    waiting = threading.Thread(target=worker)
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive(), "the task must wait for the request"
    release.set()
    thread.join(10)
    waiting.join(10)
    assert waited == [True]
    connections.close_all()


def test_whether_leads_share_follows_the_task_settings(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert followups.coalesced()
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    assert not followups.coalesced()
