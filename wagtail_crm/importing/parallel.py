"""Read and parse the rows of a large import in a second process.

Reading a sheet and parsing its cells (phone numbers above all) is about half
of an import's work and needs no database; matching and writing need the
database and the in-memory indexes. On a machine with more than one core the
import forks a child process that goes on reading the already open sheet and
sends parsed batches back through a bounded queue, while this process builds
the match indexes, matches and writes. Results are identical: the same parser
runs on the same rows in the same order, only elsewhere.

The child is forked (it inherits the open sheet, the parser, the settings and
the active language; it never touches the database) and only where forking is
safe: on Linux, where this process runs a single thread
(``db_worker``, ``crm_import``, a sync WSGI worker), the machine has more than
one CPU and ``WAGTAILCRM_IMPORT_PARALLEL`` is on. Everywhere else the same
batches are parsed inline.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import queue as queue_module
import signal
import sys
import threading
from itertools import islice

from django.db import connections
from django.utils.translation import gettext as _

from ..conf import crm_settings
from .readers import ImportFileError

_QUEUE_BATCHES = 4  # parsed batches in flight: bounds the memory of both sides
_POLL_SECONDS = 1.0


def parallel_possible() -> bool:
    """Whether a parse process may be forked here and now."""
    return (
        bool(crm_settings.IMPORT_PARALLEL)
        # Linux only: on macOS forking a process that has loaded system
        # frameworks can crash the child (Python itself defaults to spawn there).
        and sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
    )


class ParsedBatches:
    """Batches of ``ParsedRow`` for the rows numbered above ``after_row``.

    Start it as early as possible (the child works while the caller builds its
    indexes), iterate it once, and ``close()`` it in the end (also on error).
    """

    def __init__(self, rows, parser, *, size, after_row=0, parallel=None):
        self.rows, self.parser = rows, parser
        self.size, self.after_row = size, after_row
        self.parallel = parallel_possible() if parallel is None else parallel
        self.process = None
        self.queue = None

    def start(self):
        if not self.parallel:
            return self
        context = multiprocessing.get_context("fork")
        self.queue = context.Queue(maxsize=_QUEUE_BATCHES)
        self.process = context.Process(
            target=_produce,
            args=(self.queue, self, os.getpid()),
            name="wagtail-crm-import-parser",
            daemon=True,
        )
        self.process.start()
        self.rows = None  # the child reads on; this process lets the sheet go
        return self

    def __iter__(self):
        if self.process is None:
            yield from _parse_batches(self.rows, self.parser, self.size, self.after_row)
            return
        while True:
            kind, payload = self._receive()
            if kind == "done":
                return
            if kind == "error":
                raise payload
            yield payload

    def _receive(self):
        while True:
            try:
                return self.queue.get(timeout=_POLL_SECONDS)
            except queue_module.Empty:
                if not self.process.is_alive():
                    raise ImportFileError(
                        _(
                            "Reading the file stopped unexpectedly (the reading "
                            "process ended with code %(code)s)."
                        )
                        % {"code": self.process.exitcode}
                    ) from None

    def close(self):
        if self.process is None:
            return
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=10)
        self.queue.close()
        self.process = None


def _skip_done(rows, after_row):
    for row in rows:
        if row.number > after_row:
            yield row


def _parse_batches(rows, parser, size, after_row):
    rows = _skip_done(rows, after_row)
    while True:
        chunk = list(islice(rows, size))
        if not chunk:
            return
        yield [parser.parse(row) for row in chunk]


def _produce(queue, source, parent_pid):  # pragma: no cover - runs in the child
    """The child: parse every batch and hand it over; report errors the same way."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    _let_go_of_database_sockets()
    # What the parent had stays untouched (no copy-on-write by the collector);
    # the parent paused automatic collections, which stay off here too.
    gc.freeze()
    try:
        for batch in _parse_batches(
            source.rows, source.parser, source.size, source.after_row
        ):
            _put(queue, ("rows", batch), parent_pid)
        _put(queue, ("done", None), parent_pid)
    except Exception as error:  # handed to the parent, which raises it
        try:
            pickle.loads(pickle.dumps(error))
        except Exception:
            error = RuntimeError(f"{type(error).__name__}: {error}")
        _put(queue, ("error", error), parent_pid)
    queue.close()
    queue.join_thread()


def _put(queue, item, parent_pid):  # pragma: no cover - runs in the child
    while True:
        try:
            queue.put(item, timeout=_POLL_SECONDS)
            return
        except queue_module.Full:
            if os.getppid() != parent_pid:
                os._exit(1)  # the importing process is gone: stop quietly


def _die_with_parent(parent_pid):  # pragma: no cover - runs in the child
    """Be killed with the importing process (Linux ``PR_SET_PDEATHSIG``)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # it died before prctl() took effect
        os._exit(1)


def _let_go_of_database_sockets():  # pragma: no cover - runs in the child
    """Close this process's copies of the parent's database sockets.

    The child never uses them, but while it held a copy the server would keep
    the parent's session, and its locks, alive after the parent died (a worker
    killed mid-import must release its job lock at once). Only the file
    descriptors are closed: closing the connections would tell the server to
    end the parent's session.
    """
    for connection in connections.all(initialized_only=True):
        raw = getattr(connection, "connection", None)
        if raw is None or connection.vendor == "sqlite":
            continue
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.close(raw.fileno())
