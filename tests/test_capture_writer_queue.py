"""On a SQLite file, captures take turns on an flock beside the database
(``wagtail_crm.capture.writer_queue``) instead of SQLite's sleeping busy
handler."""

import subprocess
import sys
import threading
import time
from unittest import mock

import pytest
from django.db import connection, transaction

from wagtail_crm.capture import writer_queue
from wagtail_crm.models import Lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_database(tmp_path):
    """Pretend the default database is the SQLite file ``tmp_path/db.sqlite3``."""
    path = str(tmp_path / "db.sqlite3")
    with mock.patch.object(writer_queue, "_lock_path", return_value=path + ".lock"):
        yield path + ".lock"
    with writer_queue._locks_guard:
        for _lock, fd in writer_queue._locks.values():
            __import__("os").close(fd)
        writer_queue._locks.clear()


def test_lock_file_beside_a_sqlite_file_only(settings):
    if connection.vendor != "sqlite":
        assert writer_queue._lock_path(connection) is None
        return
    assert connection.is_in_memory_db()  # the test database
    assert writer_queue._lock_path(connection) is None
    with mock.patch.dict(connection.settings_dict, {"NAME": "/srv/site/db.sqlite3"}):
        assert (
            writer_queue._lock_path(connection)
            == "/srv/site/db.sqlite3.wagtailcrm-lock"
        )
    with mock.patch.dict(connection.settings_dict, {"NAME": "relative.sqlite3"}):
        assert writer_queue._lock_path(connection) is None


@pytest.mark.django_db(transaction=True)
def test_threads_take_turns(file_database):
    order = []

    def second():
        with writer_queue.writer_turn(Lead):
            order.append("second")

    with writer_queue.writer_turn(Lead):
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.3)
        assert thread.is_alive(), "the second capture waits for the first"
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]


@pytest.mark.django_db(transaction=True)
def test_processes_take_turns(file_database):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({file_database!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(0.5)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with writer_queue.writer_turn(Lead):
            waited = time.monotonic() - started
    finally:
        holder.wait(10)
    assert waited > 0.2, "the capture waited for the other process's turn"


@pytest.mark.django_db(transaction=True)
def test_no_turn_inside_a_transaction(file_database):
    """Inside a transaction the caller may hold SQLite's lock already: waiting
    for the file lock then could wait for ever, so it is not taken."""
    result = []

    def other_thread():
        with transaction.atomic(), writer_queue.writer_turn(Lead):
            result.append("ran")

    with writer_queue.writer_turn(Lead):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join(5)
        assert result == ["ran"], "not queued behind the turn held here"


@pytest.mark.django_db(transaction=True)
def test_no_longer_than_sqlite_would_wait(file_database):
    """A turn kept too long (a capture stuck behind an import) holds nobody
    for longer than SQLite's own timeout: then the capture goes on without."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, time\n"
            f"fd = os.open({file_database!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(5)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    options = connection.settings_dict.setdefault("OPTIONS", {})
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with (
            mock.patch.dict(options, {"timeout": 0.3}),
            writer_queue.writer_turn(Lead),
        ):
            waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(10)
    assert 0.25 < waited < 2


def test_a_forked_process_opens_the_file_itself(file_database, monkeypatch):
    first = writer_queue._lock_for(file_database)
    monkeypatch.setattr(writer_queue.os, "getpid", lambda: -1)
    second = writer_queue._lock_for(file_database)

    assert second[1] != first[1]
    assert second[0] is not first[0]
