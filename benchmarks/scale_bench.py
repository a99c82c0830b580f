"""Scale-out on one PostgreSQL: imports with 1 and 2 workers, capture with 1 and 2 webs.

    python benchmarks/scale_bench.py                   # 10,000-row files, 400 posts
    python benchmarks/scale_bench.py --rows 50000 --posts 1000
    python benchmarks/scale_bench.py --smoke           # a few seconds' worth

Creates (and drops at the end) its own database, ``wcrm_scale_bench`` by default.

Imports: two xlsx files of the same shape (``--rows`` different people each)
are queued on the database task backend, then run by one ``db_worker`` (one
after the other) and, on an emptied database, by two ``db_worker`` processes
(in parallel). Throughput is rows / (last job finished − first job started),
from the jobs' own timestamps, so worker start-up is not counted.

Form capture: ``--clients`` threads post the /contact/ form ``--posts`` times
in all to one gunicorn process (one sync worker), then to two gunicorn
processes on two ports (clients spread over both). Prints posts/s and p50/p95.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import capture_bench  # noqa: E402  (its gunicorn and HTTP client helpers)

SITE = capture_bench.SITE
PYTHON = sys.executable
ADMIN_URL = "postgres://postgres@127.0.0.1:5432"


def create_database(admin_url, name):
    import psycopg

    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url, name):
    import psycopg

    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_file(path, rows, start):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Contacts")
    sheet.append(["First name", "Last name", "E-mail", "Phone", "Company"])
    for n in range(start, start + rows):
        sheet.append(
            [
                f"Name{n}",
                f"Surname{n}",
                f"person{n}@bench.example",
                f"+7 916 {n:07d}",
                f"Company {n // 20}",
            ]
        )
    book.save(path)
    return path


def queue_imports(paths):
    """Two uploaded, mapped jobs, queued as the wizard's confirm step does."""
    from django.core.files import File

    from wagtail_crm.importing.tasks import enqueue_import
    from wagtail_crm.models import ImportJob

    fields = ["first_name", "last_name", "email", "phone", "organization"]
    jobs = []
    for path in paths:
        job = ImportJob(
            original_name=path.name,
            sheet_name="Contacts",
            header_row=1,
            mapping={"headers": fields, "fields": fields},
            options={"policy": "fill_empty", "region": "RU"},
            status=ImportJob.Status.MAPPED,
        )
        with open(path, "rb") as handle:
            job.file.save(path.name, File(handle), save=True)
        enqueue_import(job)  # autocommit: queued at once
        jobs.append(job.pk)
    return jobs


def empty_crm():
    from django_tasks_db.models import DBTaskResult

    from wagtail_crm.models import Contact, ImportJob, Lead, Organization, Phone

    for model in (Lead, Phone, Contact, Organization, ImportJob, DBTaskResult):
        model.objects.all().delete()


def start_workers(count, env, log_dir):
    workers = []
    for number in range(count):
        log = open(Path(log_dir) / f"worker-{number}.log", "wb")  # noqa: SIM115
        command = [PYTHON, "manage.py", "db_worker", "--no-reload"]
        command += ["--no-startup-delay", "--interval", "0.2"]
        workers.append(
            subprocess.Popen(
                command, cwd=SITE, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        )
    return workers


def stop(processes):
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def import_phase(workers, paths, env, log_dir, timeout):
    from django.db import connection

    from wagtail_crm.models import ImportJob

    empty_crm()
    job_ids = queue_imports(paths)
    connection.close()
    processes = start_workers(workers, env, log_dir)
    try:
        jobs = ImportJob.objects.filter(pk__in=job_ids)
        deadline = time.monotonic() + timeout
        while set(jobs.values_list("status", flat=True)) != {"done"}:
            if time.monotonic() > deadline or "failed" in jobs.values_list(
                "status", flat=True
            ):
                raise SystemExit(f"imports did not finish: see {log_dir}")
            time.sleep(0.2)
    finally:
        stop(processes)
    rows = sum(job.processed_rows for job in jobs)
    started = min(job.started_at for job in jobs)
    finished = max(job.finished_at for job in jobs)
    wall = (finished - started).total_seconds()
    print(
        f"import   {workers} worker(s)   {rows:>8} rows  {wall:>7.2f} s  "
        f"{rows / wall:>9.0f} rows/s"
    )
    return rows / wall


def capture_phase(webs, env, clients, posts, offset):
    ports = [capture_bench.free_port() for _ in range(webs)]
    servers = []
    try:
        for port in ports:
            servers.append(capture_bench.start_server(env, port, 1))
        per_client = max(1, posts // clients)
        # Clients spread over the web processes: one run_phase per port, at once.
        import threading

        results = [None] * webs

        def run(index):
            results[index] = capture_bench.run_phase(
                f"http://127.0.0.1:{ports[index]}",
                max(1, clients // webs),
                per_client,
                offset + index * posts,
            )

        started = time.perf_counter()
        threads = [threading.Thread(target=run, args=(i,)) for i in range(webs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        stop(servers)
    latencies = [value for result in results for value in result[0]]
    failures = [value for result in results for value in result[1]]
    label = f"capture  {webs} web(s)"
    capture_bench.report(label, latencies, failures, wall)
    return len(latencies) / wall, failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default=ADMIN_URL, help="PostgreSQL server")
    parser.add_argument("--db-name", default="wcrm_scale_bench")
    parser.add_argument("--rows", type=int, default=10_000, help="rows per file")
    parser.add_argument("--posts", type=int, default=400, help="form posts per run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--smoke", action="store_true", help="a tiny, quick run")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows, args.posts, args.clients = 300, 8, 2
    create_database(args.admin_url, args.db_name)
    work = tempfile.mkdtemp(prefix="scale_bench_")
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.admin_url}/{args.db_name}",
        "MEDIA_ROOT": work,
        "DEBUG": "0",
        "SECRET_KEY": "scale-bench",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "WAGTAILCRM_CAPTURE_RATE_LIMIT": "",
        "WAGTAILCRM_CAPTURE_MIN_FILL_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
    }
    try:
        capture_bench.setup_site(env)
        paths = [
            write_file(Path(work) / f"file{n}.xlsx", args.rows, n * args.rows)
            for n in (0, 1)
        ]
        print(
            f"scale_bench: 2 files × {args.rows} rows; {args.posts} form posts, "
            f"{args.clients} clients; PostgreSQL {args.db_name}"
        )
        one = import_phase(1, paths, env, work, timeout=600)
        two = import_phase(2, paths, env, work, timeout=600)
        print(f"import speed-up with 2 workers: {two / one:.2f}×")
        print(
            f"{'':<20} {'ok':>6} {'failed':>6} {'posts/s':>8} {'p50 ms':>9} "
            f"{'p95 ms':>9}"
        )
        web_one, failed_one = capture_phase(1, env, args.clients, args.posts, 0)
        web_two, failed_two = capture_phase(
            2, env, args.clients, args.posts, 10 * args.posts
        )
        print(f"capture speed-up with 2 web processes: {web_two / web_one:.2f}×")
        if failed_one or failed_two:
            raise SystemExit("some form posts failed")
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(args.admin_url, args.db_name)


if __name__ == "__main__":
    main()
