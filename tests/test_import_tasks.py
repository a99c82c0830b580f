import pytest
from django.core.files.base import ContentFile

from tests.import_files import write_csv
from wagtail_crm.importing.tasks import run_import_job
from wagtail_crm.importing.undo import UndoRefused, undo_import
from wagtail_crm.models import (
    Contact,
    Deal,
    ImportJob,
    Organization,
    Phone,
    Pipeline,
    Stage,
)

pytestmark = pytest.mark.django_db

HEADER = ["Name", "E-mail", "Phone", "Company", "Position"]


def make_job(tmp_path, rows, name="people.csv", **options):
    path = write_csv(tmp_path / name, [HEADER, *rows])
    job = ImportJob(original_name=name, status=ImportJob.Status.QUEUED)
    job.options = {"region": "GB", "policy": "fill_empty", **options}
    job.file.save(name, ContentFile(path.read_bytes()), save=True)
    return job


ROWS = [
    ["Ann Lee", "ann@x.com", "+44 20 7946 0018", "Acme", "CEO"],
    ["Bob Ray", "bob@x.com", "020 7946 0019", "Acme", ""],
]


def test_task_imports_from_storage_and_is_safe_to_run_twice(tmp_path):
    job = make_job(tmp_path, ROWS)
    run_import_job.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.processed_rows == 2
    assert job.summary["created"] == {"contacts": 2, "organizations": 1, "phones": 2}
    assert [entry["status"] for entry in job.report] == ["created", "created"]
    run_import_job.enqueue(job.pk)
    assert Contact.objects.count() == 2 and Phone.objects.count() == 2
    assert job.batches.count() == 1


def test_a_crashed_run_resumes_after_its_last_committed_batch(tmp_path, settings):
    settings.WAGTAILCRM_IMPORT_BATCH_SIZE = 1
    job = make_job(tmp_path, ROWS)
    run_import_job.enqueue(job.pk)
    first = job.batches.get(number=1)
    job.batches.exclude(pk=first.pk).delete()
    Contact.objects.filter(email="bob@x.com").delete()
    ImportJob.objects.filter(pk=job.pk).update(status="running", processed_rows=2)
    run_import_job.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    assert job.summary["created"]["contacts"] == 2
    assert set(Contact.objects.values_list("email", flat=True)) == {
        "ann@x.com",
        "bob@x.com",
    }


def test_an_unusable_file_fails_the_job_with_its_reason(tmp_path):
    job = ImportJob(original_name="old.xls", status=ImportJob.Status.QUEUED)
    job.file.save(
        "old.xls", ContentFile(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    )
    run_import_job.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "xlsx" in job.error


def test_undo_removes_created_cards_and_restores_changed_fields(tmp_path):
    existing = Contact.objects.create(
        first_name="Ann", last_name="Lee", email="ann@x.com"
    )
    job = make_job(tmp_path, ROWS)
    run_import_job.enqueue(job.pk)
    existing.refresh_from_db()
    assert existing.job_title == "CEO" and existing.organization is not None
    job.refresh_from_db()
    undo_import(job)
    existing.refresh_from_db()
    assert (existing.job_title, existing.organization) == ("", None)
    assert list(Contact.objects.all()) == [existing]
    assert not Organization.objects.exists() and not Phone.objects.exists()
    assert ImportJob.objects.get(pk=job.pk).status == "undone"


def test_undo_refuses_when_later_work_depends_on_the_cards(tmp_path):
    job = make_job(tmp_path, ROWS)
    run_import_job.enqueue(job.pk)
    job.refresh_from_db()
    pipeline = Pipeline.objects.create(name="Sales")
    stage = Stage.objects.create(pipeline=pipeline, name="New")
    Deal.objects.create(title="Big", stage=stage, contact=Contact.objects.first())
    with pytest.raises(UndoRefused, match="deals refer to cards"):
        undo_import(job)
    assert Contact.objects.count() == 2


def test_after_import_hook_gets_the_job_and_its_result(tmp_path):
    from wagtail.test.utils import WagtailTestUtils

    from wagtail_crm.hooks import AFTER_IMPORT

    calls = []
    job = make_job(tmp_path, ROWS)
    with WagtailTestUtils().register_hook(
        AFTER_IMPORT, lambda job, result: calls.append((job.pk, result.rows))
    ):
        run_import_job.enqueue(job.pk)
    assert calls == [(job.pk, 2)]
