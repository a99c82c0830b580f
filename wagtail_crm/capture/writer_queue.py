"""On SQLite, form posts wait for each other in a queue, not in a sleep loop.

SQLite lets one writer in at a time. A second writer that finds the database
locked waits in SQLite's busy handler, which sleeps 1 ms, then 2, then 5… and
tries again: a capture arriving while another one commits waits 1–3 ms for a
lock that is free after a fraction of that. With several web processes
(gunicorn workers) on one SQLite file, 14% of captured posts waited there,
2.5 ms on average, in ``benchmarks/capture_bench.py``.

:func:`writer_turn` makes captures take turns on an exclusive ``flock`` of a
file beside the database (``<database>.wagtailcrm-lock``) before they open
their transaction: threads of a process wait on a lock the next one gets as
soon as it is free, processes try the file lock every 0.05, 0.1, 0.2… ms (at
most every 1 ms), so the next capture starts a fraction of a millisecond after
the previous one has committed. Only captures take it, outside any transaction
(never while holding SQLite's own lock, so it cannot deadlock with it), and
for no longer than SQLite's own timeout: then the capture goes on without a
turn. Other writers (imports, the admin, Wagtail) wait in the busy handler as
before. In-memory databases, other databases and systems without ``fcntl``
get no extra lock.
"""

import os
import threading
import time
from contextlib import contextmanager

from django.db import connections, router

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

# (process id, lock file path) → (threading.Lock, file descriptor). Keyed by
# process too: a forked child must open the file itself, since an inherited
# descriptor would share its lock with the parent.
_locks = {}
_locks_guard = threading.Lock()


def _lock_path(connection):
    if connection.vendor != "sqlite" or fcntl is None:
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.is_in_memory_db() or not name or not os.path.isabs(name):
        return None
    return f"{name}.wagtailcrm-lock"


def _lock_for(path):
    key = (os.getpid(), path)
    with _locks_guard:
        found = _locks.get(key)
        if found is None:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            found = _locks[key] = (threading.Lock(), fd)
        return found


@contextmanager
def writer_turn(model):
    """Wait for this capture's turn to write ``model``'s database (SQLite file
    databases, outside a transaction); a no-op elsewhere."""
    connection = connections[router.db_for_write(model)]
    path = None if connection.in_atomic_block else _lock_path(connection)
    if path is None:
        yield
        return
    try:
        thread_lock, fd = _lock_for(path)
    except OSError:  # a read-only folder: wait in SQLite's busy handler
        yield
        return
    timeout = _busy_timeout(connection)
    deadline = time.monotonic() + timeout
    # Threads of one process share the file's lock: they queue on their own.
    if not thread_lock.acquire(timeout=timeout):
        yield  # no turn in time: SQLite's busy handler decides, as without
        return
    try:
        turn = _flock(fd, deadline)
        try:
            yield
        finally:
            if turn:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        thread_lock.release()


def _busy_timeout(connection):
    """How long SQLite itself would wait for the lock (Django's ``timeout``
    option, Python's default 5 s)."""
    try:
        return float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))
    except (TypeError, ValueError):
        return 5.0


def _flock(fd, deadline):
    """Take the file lock by ``deadline``; False if another process kept it.

    Polled, not blocking: a turn taken by a capture that then waits for SQLite
    (an import holding the database) must not hold the others in line for
    longer than SQLite would have. The first tries come quickly (a capture's
    transaction takes well under a millisecond), then once a millisecond.
    """
    pause = 0.00005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.001)
