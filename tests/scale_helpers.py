"""Real web and worker processes of the example site, against the test database.

The scale tests run on PostgreSQL only: the processes must share the database
that pytest-django created, and see what the test committed
(``transaction=True``). Every process is stopped in the fixture's teardown.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.db import connection

from tests.import_files import write_xlsx
from wagtail_crm.models import ImportJob

EXAMPLE_SITE = Path(__file__).resolve().parent.parent / "example_site"
FIELDS = ["first_name", "last_name", "email", "phone"]


def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "scale tests need PostgreSQL: worker and web processes share the "
            "test database, which an in-memory SQLite database cannot be"
        )


def database_url():
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def process_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")
    }
    env.update(
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG="0",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Processes started by a test; all stopped (then killed) at teardown."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.started = []

    def start(self, name, args, **env):
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            args,
            cwd=EXAMPLE_SITE,
            env=process_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_path, process.log_file = log.name, log
        self.started.append(process)
        return process

    def manage(self, name, *args, **env):
        return self.start(name, [sys.executable, "manage.py", *args], **env)

    def db_worker(self, name, **env):
        return self.manage(
            name,
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
            "--worker-id",
            name,
            **env,
        )

    def kill(self, process):
        """SIGKILL: the worker dies mid-task, as on an out-of-memory kill."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def logs(self):
        text = []
        for process in self.started:
            process.log_file.flush()
            tail = Path(process.log_path).read_text(errors="replace")[-3000:]
            text.append(f"--- {process.log_path}\n{tail}")
        return "\n".join(text)

    def stop_all(self):
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            process.log_file.close()


def wait_for(predicate, *, timeout, what, processes=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    logs = processes.logs() if processes else ""
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}\n{logs}")


def contact_rows(count, *, start=0):
    """People with unique e-mails and mobile numbers: one row each."""
    for n in range(start, start + count):
        yield [
            f"Name{n}",
            f"Surname{n}",
            f"person{n}@example.com",
            f"+7 916 {n:07d}",
        ]


def write_sheet(path, count, *, start=0):
    headers = ["First name", "Last name", "E-mail", "Phone"]
    return write_xlsx(path, [headers, *contact_rows(count, start=start)])


def mapped_job(path, user, rows):
    """An uploaded, mapped and previewed import, waiting for the confirm step."""
    job = ImportJob(
        original_name=path.name,
        created_by=user,
        sheet_name="Contacts",
        header_row=1,
        mapping={"headers": FIELDS, "fields": FIELDS},
        options={"policy": "fill_empty", "region": "RU", "owner_id": user.pk},
        status=ImportJob.Status.MAPPED,
        total_rows=rows,
    )
    with open(path, "rb") as handle:
        job.file.save(path.name, File(handle), save=True)
    return job


def confirm(client, job):
    """The wizard's last step: the user presses "Import"."""
    response = client.post(f"/admin/crm/imports/{job.pk}/preview/")
    assert response.status_code == 302
    job.refresh_from_db()
    # Queued, or already picked up by a worker that was waiting.
    assert job.status != ImportJob.Status.MAPPED


def job_state(job):
    job.refresh_from_db()
    return job.status, job.processed_rows
