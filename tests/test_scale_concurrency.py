"""Two web processes, two workers, 200 form posts and two overlapping imports.

PostgreSQL only (see ``scale_helpers``). The web processes are gunicorn
serving the example site on two loopback ports; the workers are two
``db_worker`` processes. The people who post the form also appear in one of
the files, so captures and imports race for the same cards too.
"""

import re
import sys
import threading
from collections import Counter

import pytest
import requests
from django_tasks_db.models import DBTaskResult
from wagtail.models import Site

from tests.capture_helpers import form_post
from tests.scale_helpers import (
    Processes,
    confirm,
    contact_rows,
    free_port,
    mapped_job,
    require_postgres,
    wait_for,
    write_sheet,
)
from wagtail_crm.models import Contact, CRMSettings, ImportJob, Lead

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
POSTS = 200
PEOPLE = range(2500, 2600)  # each posts twice; all of them are in file B


@pytest.fixture
def cluster(settings, site_pages, tmp_path):
    """Two gunicorn web processes and two db_worker processes."""
    require_postgres()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    crm = CRMSettings.for_site(Site.objects.get(is_default_site=True))
    crm.notification_recipients = "sales@example.com"
    crm.save()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": mail_dir,
        "WAGTAILCRM_CAPTURE_RATE_LIMIT": "",
        "WAGTAILCRM_IMPORT_BATCH_SIZE": 250,
    }
    processes = Processes(tmp_path)
    try:
        ports = [free_port(), free_port()]
        for number, port in enumerate(ports, 1):
            processes.start(
                f"web-{number}",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "example_site.wsgi:application",
                    f"--bind=127.0.0.1:{port}",
                    "--workers=1",
                    "--threads=4",
                    "--timeout=60",
                ],
                **env,
            )
        for number in (1, 2):
            processes.db_worker(f"worker-{number}", **env)
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        wait_for(lambda: all(_up(url) for url in urls), timeout=45, what="gunicorn")
        yield urls, mail_dir, processes
    finally:
        processes.stop_all()


def _up(url):
    try:
        return requests.get(f"{url}/contact/", timeout=30).status_code == 200
    except requests.RequestException:  # not listening yet
        return False


def _csrf(url):
    response = requests.get(f"{url}/contact/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    return token.group(1), response.cookies["csrftoken"]


def _post_forms(urls):
    tokens = {url: _csrf(url) for url in urls}
    people = {row[2]: row for row in contact_rows(len(PEOPLE), start=PEOPLE[0])}
    work = [(urls[n % 2], list(people.values())[n // 2]) for n in range(POSTS)]
    results, lock = [], threading.Lock()

    def run(chunk):
        session = requests.Session()
        for url, (first, last, email, phone) in chunk:
            token, cookie = tokens[url]
            data = form_post(
                name=f"{first} {last}",
                email=email,
                phone=phone,
                company="",
                message=f"Posted to {url}",
                i_agree_to_the_processing_of_my_personal_data="on",
            )
            data["csrfmiddlewaretoken"] = token
            response = session.post(
                f"{url}/contact/", data=data, cookies={"csrftoken": cookie}, timeout=60
            )
            with lock:
                results.append((response.status_code, "Thank you" in response.text))

    threads = [threading.Thread(target=run, args=(work[n::8],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_webs_two_workers_no_duplicates(cluster, admin_client, superuser, tmp_path):
    urls, mail_dir, processes = cluster
    # File A holds people 0–1999, file B people 1000–2999: 1000 in both.
    job_a = mapped_job(write_sheet(tmp_path / "a.xlsx", 2000), superuser, 2000)
    job_b = mapped_job(
        write_sheet(tmp_path / "b.xlsx", 2000, start=1000), superuser, 2000
    )
    confirm(admin_client, job_a)
    confirm(admin_client, job_b)

    results = _post_forms(urls)

    assert results == [(200, True)] * POSTS
    jobs = ImportJob.objects.filter(pk__in=[job_a.pk, job_b.pk])
    wait_for(
        lambda: set(jobs.values_list("status", flat=True)) == {ImportJob.Status.DONE},
        timeout=60,
        what="both imports",
        processes=processes,
    )
    # The leads share their follow-up tasks (wagtail_crm.capture.followups).
    followups = DBTaskResult.objects.filter(task_path__endswith="process_pending_leads")
    wait_for(
        lambda: (
            not Lead.objects.filter(followups_pending=True).exists()
            and not followups.exclude(status="SUCCESSFUL").exists()
        ),
        timeout=30,
        what="the follow-ups of the leads",
        processes=processes,
    )
    emails = list(Contact.objects.values_list("email", flat=True))
    duplicates = [email for email, count in Counter(emails).items() if count > 1]
    assert duplicates == []
    assert len(emails) == 3000
    assert Lead.objects.count() == POSTS
    lead_emails = Counter(Lead.objects.values_list("contact__email", flat=True))
    assert lead_emails == Counter({row[2]: 2 for row in contact_rows(100, start=2500)})

    # Every lead was followed up and e-mailed once; fewer tasks than leads.
    assert followups.count() < POSTS
    assert sum(task.return_value for task in followups) >= POSTS
    sent = "".join(path.read_text() for path in mail_dir.iterdir())
    recipients = re.findall(r"^To: (.*)$", sent, flags=re.MULTILINE)
    assert len(recipients) == POSTS
    assert all("sales@example.com" in line for line in recipients)
    # One message per lead: the reply-to is the visitor, who posted twice.
    replies = Counter(re.findall(r"^Reply-To: (.*)$", sent, flags=re.MULTILINE))
    assert replies == lead_emails
    assert not Lead.objects.filter(notified_at__isnull=True).exists()
    workers = [task.worker_ids for task in followups]
    assert all(ids in (["worker-1"], ["worker-2"]) for ids in workers)

    # The reports add up: each card was created once, by an import or a capture.
    for job in jobs:
        assert job.summary["rows"] == 2000 and job.summary["error_rows"] == 0
    imported = [
        pk
        for job in jobs
        for batch in job.batches.all()
        for pk in batch.created["contacts"]
    ]
    assert len(imported) == len(set(imported))
    assert len(imported) == sum(job.summary["created"]["contacts"] for job in jobs)
    captured = Contact.objects.exclude(pk__in=imported)
    assert set(captured.values_list("email", flat=True)) <= set(lead_emails)
    assert len(imported) + captured.count() == 3000
