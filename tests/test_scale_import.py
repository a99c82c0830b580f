"""An import confirmed in the admin runs in a separate ``db_worker`` process.

PostgreSQL only (see ``scale_helpers``): the worker is the example site's
``manage.py db_worker`` pointed at the test database.
"""

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.scale_helpers import (
    confirm,
    job_state,
    mapped_job,
    require_postgres,
    wait_for,
    write_sheet,
)
from wagtail_crm.importing.tasks import requeue_orphaned_imports
from wagtail_crm.models import Contact, ImportBatch, ImportJob, Phone

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DONE = ImportJob.Status.DONE


@pytest.fixture
def db_tasks(settings):
    require_postgres()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_import_runs_in_a_worker_process(
    db_tasks, admin_client, superuser, processes, tmp_path
):
    job = mapped_job(write_sheet(tmp_path / "clients.xlsx", 2000), superuser, 2000)
    confirm(admin_client, job)
    assert not Contact.objects.exists()  # nothing ran inside the web request

    processes.db_worker("worker-1")
    wait_for(
        lambda: job_state(job)[0] == DONE,
        timeout=45,
        what="the worker to finish the import",
        processes=processes,
    )

    assert Contact.objects.count() == 2000
    assert job.summary["created"]["contacts"] == 2000
    assert job.summary["created"]["phones"] == 2000
    assert job.processed_rows == 2000
    progress = admin_client.get(f"/admin/crm/imports/{job.pk}/progress/").json()
    assert progress["progress"] == 100
    task = DBTaskResult.objects.get(task_path__endswith="run_import_job")
    assert (task.status, task.worker_ids) == ("SUCCESSFUL", ["worker-1"])


def test_a_killed_worker_is_replaced_without_duplicates(
    db_tasks, admin_client, superuser, processes, tmp_path
):
    rows = 3000
    job = mapped_job(write_sheet(tmp_path / "clients.xlsx", rows), superuser, rows)
    confirm(admin_client, job)
    first = processes.db_worker("worker-1", WAGTAILCRM_IMPORT_BATCH_SIZE=250)
    wait_for(
        lambda: job_state(job)[1] > 0,
        timeout=30,
        what="the first batch",
        processes=processes,
    )
    processes.kill(first)
    status, done_when_killed = job_state(job)
    assert status == ImportJob.Status.RUNNING and 0 < done_when_killed < rows

    # The cron job notices the import has lost its worker (its lock is gone).
    requeued = []
    wait_for(
        lambda: requeued.extend(requeue_orphaned_imports()) or requeued,
        timeout=10,
        what="PostgreSQL to release the dead worker's lock",
    )
    assert requeued == [job.pk]
    out = io.StringIO()
    call_command("crm_requeue_imports", stdout=out)
    assert out.getvalue().strip() == "No orphaned import."  # queued once only

    processes.db_worker("worker-2", WAGTAILCRM_IMPORT_BATCH_SIZE=250)
    wait_for(
        lambda: job_state(job)[0] == DONE,
        timeout=45,
        what="the second worker to finish the import",
        processes=processes,
    )

    emails = Contact.objects.values_list("email", flat=True)
    assert len(emails) == len(set(emails)) == rows
    assert Phone.objects.count() == rows
    assert job.summary["created"]["contacts"] == rows
    assert job.summary["rows"] == rows and job.processed_rows == rows
    assert job.summary["duplicates"] == 0 and job.summary["error_rows"] == 0
    numbers = list(job.batches.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, rows // 250 + 1))
    assert ImportBatch.objects.filter(job=job).count() == rows // 250
    runs = DBTaskResult.objects.filter(task_path__endswith="run_import_job")
    assert sorted(runs.values_list("status", flat=True)) == ["RUNNING", "SUCCESSFUL"]
