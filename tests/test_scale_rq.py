"""The same import, queued on Redis and run by an ``rqworker`` process.

Needs PostgreSQL (shared with the worker) and the Redis at 127.0.0.1:6379;
the test uses its own Redis database (7) and empties it before and after.
"""

import pytest

from tests.scale_helpers import (
    confirm,
    job_state,
    mapped_job,
    require_postgres,
    wait_for,
    write_sheet,
)
from wagtail_crm.models import Contact, ImportJob

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
REDIS_URL = "redis://127.0.0.1:6379/7"


@pytest.fixture
def redis_queue(settings):
    require_postgres()
    redis = pytest.importorskip("redis")
    pytest.importorskip("django_tasks_rq")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    client.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    }
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def test_the_import_runs_in_an_rq_worker(
    redis_queue, admin_client, superuser, processes, tmp_path
):
    job = mapped_job(write_sheet(tmp_path / "clients.xlsx", 2000), superuser, 2000)
    confirm(admin_client, job)
    assert redis_queue.llen("rq:queue:default") == 1  # waiting in Redis
    assert not Contact.objects.exists()

    processes.manage(
        "rqworker",
        "rqworker",
        "--job-class",
        "django_tasks_rq.Job",
        "default",
        TASKS_BACKEND="django_tasks_rq.RQBackend",
        REDIS_URL=REDIS_URL,
    )
    wait_for(
        lambda: job_state(job)[0] == ImportJob.Status.DONE,
        timeout=45,
        what="the RQ worker to finish the import",
        processes=processes,
    )
    assert Contact.objects.count() == 2000
    assert job.summary["created"]["contacts"] == 2000
    assert job.processed_rows == 2000
    progress = admin_client.get(f"/admin/crm/imports/{job.pk}/progress/").json()
    assert progress["progress"] == 100
