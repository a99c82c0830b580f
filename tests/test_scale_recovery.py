"""A db_worker killed mid-task: its task is finished once by another worker.

PostgreSQL only (see ``scale_helpers``): django-tasks-db leaves the killed
worker's task RUNNING; ``crm_recover_tasks`` finds that no worker holds the
task's liveness lock any more and queues it again.
"""

import io
import re
import threading
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import TaskFactory
from tests.sales_factories import manager
from tests.scale_helpers import (
    Processes,
    confirm,
    job_state,
    mapped_job,
    require_postgres,
    wait_for,
    write_sheet,
)
from wagtail_crm.integrations import webhooks
from wagtail_crm.models import (
    Contact,
    ImportJob,
    TaskReminder,
    Webhook,
    WebhookDelivery,
)
from wagtail_crm.reminders import send_task_reminders_task

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db_tasks(settings):
    require_postgres()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def recover(*args):
    out = io.StringIO()
    call_command("crm_recover_tasks", "--grace", "0", *args, stdout=out)
    return out.getvalue()


def status(result):
    return DBTaskResult.objects.get(pk=result.id).status


def test_reminders_of_a_killed_worker_are_sent_once_each(db_tasks, tmp_path):
    users = [manager(f"rep{n}") for n in range(3)]
    for user in users:
        TaskFactory(assignee=user, due_at=timezone.now() - timedelta(hours=1))
    mail_dir, stall = tmp_path / "mail", tmp_path / "stall"
    mail_dir.mkdir()
    stall.touch()
    env = {
        "EMAIL_BACKEND": "tests.testapp.mail.StallingEmailBackend",
        "EMAIL_FILE_PATH": mail_dir,
        "STALL_MAIL_FILE": stall,
        "STALL_MAIL_TO": users[1].email,  # the second of the three e-mails hangs
        "PYTHONPATH": ROOT,
    }
    processes = Processes(tmp_path)
    try:
        first = processes.db_worker("worker-1", **env)
        result = send_task_reminders_task.enqueue(None)
        wait_for(
            Path(f"{stall}.reached").exists,
            timeout=60,
            what="worker-1 to hang on the second e-mail",
            processes=processes,
        )
        # Alive and busy: recovery leaves the task alone.
        assert "No task lost its worker." in recover()
        assert status(result) == "RUNNING"

        processes.kill(first)  # SIGKILL mid-task
        stall.unlink()  # the mail server answers again
        assert status(result) == "RUNNING"  # django-tasks-db never notices
        assert f"Queued again: {result.task.module_path} {result.id}" in recover()
        assert "No task lost its worker." in recover()  # queued once only

        processes.db_worker("worker-2", **env)
        wait_for(
            lambda: status(result) == "SUCCESSFUL",
            timeout=60,
            what="worker-2 to finish the reminders",
            processes=processes,
        )
    finally:
        processes.stop_all()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.worker_ids == ["worker-1", "worker-2"]
    assert row.return_value == 2  # the first e-mail went out before the kill
    sent = "".join(path.read_text() for path in mail_dir.iterdir())
    recipients = Counter(re.findall(r"^To: (.*)$", sent, flags=re.MULTILINE))
    assert recipients == Counter({user.email: 1 for user in users})
    assert TaskReminder.objects.count() == 3


class Stalled(BaseHTTPRequestHandler):
    """A webhook receiver that reads the request, then never answers."""

    received = []
    release = threading.Event()

    def do_POST(self):
        self.received.append(self.headers["X-WagtailCRM-Delivery"])
        self.rfile.read(int(self.headers["Content-Length"]))
        self.release.wait(60)

    def log_message(self, *args):
        pass


def test_webhook_of_a_killed_worker_is_not_posted_twice(db_tasks, tmp_path):
    Stalled.received, Stalled.release = [], threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stalled)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = Webhook.objects.create(
        name="ERP",
        url=f"http://127.0.0.1:{server.server_address[1]}/hook",
        events=["lead.created"],
    )
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event="lead.created", payload={"event": "lead.created"}
    )
    processes = Processes(tmp_path)
    try:
        first = processes.db_worker("worker-1", WAGTAILCRM_WEBHOOK_TIMEOUT=60)
        result = webhooks.deliver_webhook.enqueue(delivery_id=delivery.pk)
        wait_for(
            lambda: Stalled.received,
            timeout=60,
            what="worker-1 to post the webhook",
            processes=processes,
        )
        processes.kill(first)  # mid-request: did the receiver act on it?
        assert "Queued again" in recover()
        processes.db_worker("worker-2")
        wait_for(
            lambda: status(result) == "SUCCESSFUL",
            timeout=60,
            what="worker-2 to run the delivery task again",
            processes=processes,
        )
    finally:
        processes.stop_all()
        Stalled.release.set()
        server.shutdown()
        server.server_close()

    assert Stalled.received == [str(delivery.pk)]  # posted once, not twice
    assert DBTaskResult.objects.get(pk=result.id).return_value is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sending", 1)
    # The cron sweep then shows it as failed, for a person to "Retry now".
    assert webhooks.fail_interrupted_deliveries(older_than=timedelta(0)) == 1
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_an_import_of_a_killed_worker_resumes_in_the_same_task(
    db_tasks, admin_client, superuser, tmp_path
):
    rows = 3000
    job = mapped_job(write_sheet(tmp_path / "clients.xlsx", rows), superuser, rows)
    confirm(admin_client, job)
    processes = Processes(tmp_path)
    try:
        first = processes.db_worker("worker-1", WAGTAILCRM_IMPORT_BATCH_SIZE=250)
        wait_for(
            lambda: job_state(job)[1] > 0,
            timeout=30,
            what="the first batch",
            processes=processes,
        )
        processes.kill(first)
        assert 0 < job_state(job)[1] < rows
        assert "Queued again: wagtail_crm.importing.tasks.run_import_job" in recover()
        processes.db_worker("worker-2", WAGTAILCRM_IMPORT_BATCH_SIZE=250)
        wait_for(
            lambda: job_state(job)[0] == ImportJob.Status.DONE,
            timeout=60,
            what="the second worker to finish the import",
            processes=processes,
        )
    finally:
        processes.stop_all()

    [task] = DBTaskResult.objects.filter(task_path__endswith="run_import_job")
    assert (task.status, task.worker_ids) == ("SUCCESSFUL", ["worker-1", "worker-2"])
    emails = list(Contact.objects.values_list("email", flat=True))
    assert len(emails) == len(set(emails)) == rows
    assert job.summary["rows"] == rows and job.summary["duplicates"] == 0
