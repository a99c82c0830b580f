"""The background task that runs an ``ImportJob``: takes its id, safe to run twice."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django_tasks import task

from ..hooks import AFTER_IMPORT, get_hooks
from ..models import ImportJob
from .pipeline import ImportOptions, run_import
from .readers import ImportFileError

logger = logging.getLogger(__name__)
_RUNNABLE = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)


@contextmanager
def local_copy(field_file):
    """The stored upload as a local file, whatever storage holds it."""
    suffix = os.path.splitext(field_file.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as local:
        with field_file.storage.open(field_file.name, "rb") as source:
            shutil.copyfileobj(source, local, 1024 * 1024)
        local.flush()
        yield local.name


# The first key of the session advisory lock a worker holds on a running job.
_JOB_LOCK_NAMESPACE = 0x43524E


@contextmanager
def job_lock(job_id):
    """Hold a PostgreSQL session lock on the job while a worker runs it.

    A second delivery of the same task (a retry, a re-queue) finds the lock
    taken and stops. When a worker dies, PostgreSQL drops its connection and
    the lock with it, which is how ``requeue_orphaned_imports`` knows the job
    has no worker any more. Other databases get no lock (one worker there).
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [_JOB_LOCK_NAMESPACE, job_id]
        )
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [_JOB_LOCK_NAMESPACE, job_id]
                )


def requeue_orphaned_imports():
    """Queue again the running imports whose worker died; returns their ids.

    A job is orphaned when it is marked running but no worker holds its lock.
    The new run resumes after the last batch the dead worker committed.
    PostgreSQL only: elsewhere there is no lock to tell a dead worker apart.
    """
    if connection.vendor != "postgresql":
        return []
    orphaned = []
    running = ImportJob.objects.filter(status=ImportJob.Status.RUNNING)
    for job_id in running.values_list("pk", flat=True):
        with job_lock(job_id) as free:
            if free and ImportJob.objects.filter(
                pk=job_id, status=ImportJob.Status.RUNNING
            ).update(status=ImportJob.Status.QUEUED):
                orphaned.append(job_id)
    for job_id in orphaned:
        run_import_job.enqueue(job_id)
        logger.warning("Import %s lost its worker: queued again", job_id)
    return orphaned


def enqueue_indexing(kind, pks):
    """Queue ``index_records``, behind imports and e-mails where the backend can.

    Nobody watches search indexing; a resumed import should not wait for it.
    """
    task_ = index_records
    if task_.get_backend().supports_priority:
        task_ = task_.using(priority=-10)
    task_.enqueue(kind, pks)


def options_for(job, *, dry_run=False) -> ImportOptions:
    stored = job.options or {}
    return ImportOptions(
        policy=stored.get("policy", "fill_empty"),
        region=stored.get("region") or None,
        area_code=stored.get("area_code") or None,
        owner_id=stored.get("owner_id"),
        sheet=job.sheet_name or None,
        header_row=job.header_row,
        mapping=(job.mapping or {}).get("fields"),
        dry_run=dry_run,
    )


def enqueue_import(job):
    """Queue ``job`` once the current transaction commits."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))


@task()
def run_import_job(job_id):
    with job_lock(job_id) as acquired:
        if not acquired:
            return None  # another worker is running this job right now
        with translation.override(_language_of(job_id)):
            return _run(job_id)


def _language_of(job_id):
    """The language the job's report is written in: the one its user worked
    in when uploading, else their Wagtail admin language, else the site's."""
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None:
        return settings.LANGUAGE_CODE
    language = (job.options or {}).get("language")
    if not language and job.created_by is not None:
        from wagtail.users.models import UserProfile

        language = UserProfile.get_for_user(job.created_by).get_preferred_language()
    return language or settings.LANGUAGE_CODE


def _run(job_id):
    claimed = ImportJob.objects.filter(pk=job_id, status__in=_RUNNABLE).update(
        status=ImportJob.Status.RUNNING, error=""
    )
    if not claimed:
        return None  # done, undone, failed or gone: nothing to do twice
    job = ImportJob.objects.get(pk=job_id)
    if job.started_at is None:
        ImportJob.objects.filter(pk=job_id).update(started_at=timezone.now())
    try:
        with local_copy(job.file) as path:
            result = run_import(
                path, options_for(job), job=job, filename=job.original_name
            )
    except ImportFileError as error:
        _fail(job, str(error))
        return None
    except Exception as error:
        _fail(job, f"{type(error).__name__}: {error}")
        raise
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE,
        summary=result.counts(),
        report=result.entries,
        processed_rows=result.rows,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    for hook in get_hooks(AFTER_IMPORT):
        hook(job=job, result=result)
    return result.counts()


def _fail(job, message):
    """Mark the job failed with the counts of the batches that were committed."""
    from .report import ImportResult

    result = ImportResult()
    for batch in job.batches.order_by("number"):
        result.merge_counts(batch.counts)
    logger.warning("Import %s failed: %s", job.pk, message)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED,
        error=message,
        summary=result.counts(),
        processed_rows=result.rows,
        finished_at=timezone.now(),
    )


@task()
def index_records(kind, pks):
    """Add imported contacts or organizations (``kind``) to the search index."""
    from modelsearch.backends import get_search_backends

    from ..models import Contact, Organization

    model = {"contact": Contact, "organization": Organization}[kind]
    backends = list(get_search_backends(with_auto_update=True))
    for start in range(0, len(pks), 1000):
        objects = list(model.objects.filter(pk__in=pks[start : start + 1000]))
        for backend in backends:
            backend.add_bulk(model, objects)
