"""Scale-out on one PostgreSQL: imports with 1 and 2 workers, capture with 1 and 2 webs.

    python benchmarks/scale_bench.py                   # 10,000-row files, 400 posts
    python benchmarks/scale_bench.py --rows 50000 --posts 1000
    python benchmarks/scale_bench.py --smoke           # a few seconds' worth

Creates (and drops at the end) its own database, ``wcrm_scale_bench`` by default.

Imports: two xlsx files of the same shape (``--rows`` different people each)
are queued on the database task backend, then run by one ``db_worker`` (one
after the other) and, on an emptied database, by two ``db_worker`` processes
(in parallel); first with each import in one process
(``WAGTAILCRM_IMPORT_PARALLEL=0``), then with its parse process (the
default). Throughput is rows / (last job finished − first job started), from
the jobs' own timestamps, so worker start-up is not counted.

Form capture: the /contact/ form is posted ``--posts`` times over ``--clients``
connections to one web process (gunicorn, one sync worker, ``--preload``,
DEBUG off), then to two web processes on two ports, each warmed up first. The
client is a process of its own (http.client, bodies and CSRF tokens prepared
before the clock starts). Prints posts/s and p50/p95, posts/s per web process,
and the CPU time per post of the web processes, of the PostgreSQL backends of
the benchmark database and of the client, with how busy the whole machine was
(other processes, hypervisor steal): on a small machine the figures say
whether the app scaled or the cores ran out. ``--only capture`` skips imports.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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


def compare_imports(env, paths, work):
    """1 and 2 workers, each import in one process, then with its parse process.

    An import normally reads and parses its file in a second process
    (``WAGTAILCRM_IMPORT_PARALLEL``), so one import already keeps about one and
    a half cores busy: on two cores a second worker has little left to use.
    With one process per import, each worker is one core's worth of work.
    """
    rates = {}
    for parallel in ("0", "1"):
        label = "parse process" if parallel == "1" else "one process per import"
        print(f"imports, {label} (WAGTAILCRM_IMPORT_PARALLEL={parallel}):")
        mode_env = {**env, "WAGTAILCRM_IMPORT_PARALLEL": parallel}
        one = import_phase(1, paths, mode_env, work, timeout=600)
        two = import_phase(2, paths, mode_env, work, timeout=600)
        rates[parallel] = (one, two)
        print(f"import speed-up with 2 workers: {two / one:.2f}×")
    best_one = max(rates["0"][0], rates["1"][0])
    best_two = max(rates["0"][1], rates["1"][1])
    print(
        f"best 1-worker set-up {best_one:.0f} rows/s, best 2-worker set-up "
        f"{best_two:.0f} rows/s: {best_two / best_one:.2f}×"
    )


# --- Form capture ---------------------------------------------------------
#
# The load generator is a separate process (``--client``): plain http.client,
# request bodies and CSRF tokens prepared before the clock starts, one thread
# per connection. The CPU time of the web processes, of the PostgreSQL
# backends serving the benchmark database and of the client is read from
# /proc before and after, with the whole machine's busy time, so the figures
# tell whether the app scaled or the two cores ran out.

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def proc_cpu(pid):
    """User + system CPU seconds of ``pid`` (0.0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid):
    """Direct children of ``pid`` (the gunicorn master's workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if ppid == pid:
                found.append(int(entry))
    return found


def machine_busy():
    """(busy, total) CPU seconds of the whole machine, all cores, from /proc/stat."""
    with open("/proc/stat") as handle:
        values = [int(value) for value in handle.readline().split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait; [7] is steal (the hypervisor's)
    return (sum(values) - idle) / CLK_TCK, sum(values) / CLK_TCK, values[7] / CLK_TCK


def backend_pids(admin_url, db_name):
    """The web processes' PostgreSQL backends (autovacuum and the like left out)."""
    import psycopg

    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s "
            "AND backend_type = 'client backend'",
            [db_name],
        ).fetchall()
    return [row[0] for row in rows]


def start_web(env, port):
    """One web process: gunicorn, one sync worker, the app preloaded, DEBUG off."""
    return capture_bench.start_server(
        env, port, 1, "--worker-class=sync", "--preload", "--timeout=60"
    )


def capture_phase(webs, env, args, offset):
    ports = [capture_bench.free_port() for _ in range(webs)]
    servers = []
    try:
        for port in ports:
            servers.append(start_web(env, port))
        web_pids = [pid for s in servers for pid in [s.pid, *children(s.pid)]]
        # Warm up every web process (imports, templates, its database connection).
        run_client(ports, 2 * webs, 4 * webs, offset + 9 * args.posts, measured=False)
        pg_pids = backend_pids(args.admin_url, args.db_name)
        result = run_client(
            ports, args.clients, args.posts, offset, pids=(web_pids, pg_pids)
        )
    finally:
        stop(servers)
    return result


def run_client(ports, connections, posts, offset, *, measured=True, pids=((), ())):
    """Run the client process; returns its report with CPU figures added."""
    command = [PYTHON, __file__, "--client", ",".join(map(str, ports))]
    command += ["--clients", str(connections), "--posts", str(posts)]
    command += ["--offset", str(offset)]
    client = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert client.stdout.readline().strip() == "ready", "client failed to prepare"
    web_pids, pg_pids = pids
    before = {pid: proc_cpu(pid) for pid in [*web_pids, *pg_pids]}
    busy_before, total_before, steal_before = machine_busy()
    client_before = proc_cpu(client.pid)
    client.stdin.write("go\n")
    client.stdin.flush()
    report = json.loads(client.stdout.readline())
    # Read before the client exits: its CPU is gone with it.
    report["client_cpu"] = proc_cpu(client.pid) - client_before
    after = {pid: proc_cpu(pid) for pid in before}
    # A process gone meanwhile (0.0) is left out rather than counted negative.
    used = {pid: after[pid] - before[pid] for pid in before if after[pid]}
    report["web_cpu"] = sum(used.get(pid, 0.0) for pid in web_pids)
    report["pg_cpu"] = sum(used.get(pid, 0.0) for pid in pg_pids)
    busy_after, total_after, steal_after = machine_busy()
    report["machine_busy"] = busy_after - busy_before
    report["steal"] = steal_after - steal_before
    report["machine_total"] = total_after - total_before
    client.stdin.close()
    client.wait(timeout=30)
    if measured and client.returncode:
        raise SystemExit("the client process failed")
    return report


def print_capture(webs, report):
    latencies, failures, wall = report["latencies"], report["failures"], report["wall"]
    capture_bench.report(f"capture  {webs} web(s)", latencies, failures, wall)
    per_port = "  ".join(
        f":{port} {count / wall:.1f}" for port, count in report["per_port"].items()
    )
    print(f"    posts/s per web process: {per_port}")
    ok = max(1, len(latencies))
    cores = report["machine_total"] / wall if wall else 0
    ours = report["web_cpu"] + report["pg_cpu"] + report["client_cpu"]
    other = max(0.0, report["machine_busy"] - ours - report["steal"])
    print(
        "    CPU ms per post: web {:.1f}, PostgreSQL {:.1f}, client {:.1f}".format(
            *(1000 * report[key] / ok for key in ("web_cpu", "pg_cpu", "client_cpu"))
        )
    )
    print(
        f"    cores busy: web {report['web_cpu'] / wall:.2f}, PostgreSQL "
        f"{report['pg_cpu'] / wall:.2f}, client {report['client_cpu'] / wall:.2f}, "
        f"other processes {other / wall:.2f}, hypervisor steal "
        f"{report['steal'] / wall:.2f}; machine {report['machine_busy'] / wall:.2f} "
        f"of {cores:.0f}"
    )
    return report["web_cpu"] / ok, ours / ok


def client_main(args):
    """The load generator (a process of its own): prepare, wait for "go", post."""
    import http.client
    import threading
    import urllib.parse

    ports = [int(port) for port in args.client.split(",")]
    per_connection = max(1, args.posts // args.clients)
    connections = []
    for index in range(args.clients):
        port = ports[index % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/contact/")
        response = conn.getresponse()
        html = response.read().decode()
        cookie = "; ".join(
            value.split(";", 1)[0] for value in response.msg.get_all("Set-Cookie")
        )
        token = capture_bench.field(html, "csrfmiddlewaretoken")
        shown = capture_bench.field(html, "crm_ts")
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
        }
        bodies = []
        for n in range(per_connection):
            number = args.offset + index * per_connection + n
            fields = {
                "csrfmiddlewaretoken": token,
                "crm_ts": shown,
                "name": f"Bench Visitor {number}",
                "email": f"visitor{number}@bench.example",
                "phone": f"+7 916 {number % 1000:03d}-{number % 100:02d}-00",
                "company": "",
                "message": "Benchmark request",
                "i_agree_to_the_processing_of_my_personal_data": "on",
            }
            bodies.append(urllib.parse.urlencode(fields).encode())
        connections.append((port, conn, headers, bodies))
    latencies, failures, done = [], [], dict.fromkeys(ports, 0)
    lock = threading.Lock()

    def work(port, conn, headers, bodies):
        for body in bodies:
            started = time.perf_counter()
            try:
                conn.request("POST", "/contact/", body, headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                    done[port] += 1
                else:
                    failures.append(status)

    threads = [threading.Thread(target=work, args=item) for item in connections]
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    print(
        json.dumps(
            {
                "latencies": latencies,
                "failures": failures,
                "wall": wall,
                "per_port": done,
            }
        ),
        flush=True,
    )
    sys.stdin.readline()  # wait until the parent has read our CPU time


def compare_capture(env, args):
    from django.db import connections

    connections.close_all()  # only the web processes talk to the database now
    print(
        f"{'':<20} {'ok':>6} {'failed':>6} {'posts/s':>8} {'p50 ms':>9} {'p95 ms':>9}"
    )
    rates, cpu = [], []
    for webs in (1, 2):
        report = capture_phase(webs, env, args, offset=10 * webs * args.posts)
        cpu.append(print_capture(webs, report))
        rates.append(len(report["latencies"]) / report["wall"])
        if report["failures"]:
            raise SystemExit(f"some form posts failed: {report['failures'][:10]}")
    print(f"capture speed-up with 2 web processes: {rates[1] / rates[0]:.2f}×")
    # What the CPU cost per post allows on this machine, whatever else runs on it:
    # one web process uses at most one core; all processes share all cores.
    cores = os.cpu_count() or 1
    web, total = cpu[0]
    one, two = 1 / web, min(2 / web, cores / total)
    print(
        f"CPU-bound ceiling from the 1-web CPU per post, {cores} idle cores: "
        f"1 web {one:.0f} posts/s, 2 webs {two:.0f} posts/s "
        f"(at best {two / one:.2f}×)"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default=ADMIN_URL, help="PostgreSQL server")
    parser.add_argument("--db-name", default="wcrm_scale_bench")
    parser.add_argument("--rows", type=int, default=10_000, help="rows per file")
    parser.add_argument("--posts", type=int, default=400, help="form posts per run")
    parser.add_argument(
        "--clients", type=int, default=8, help="client connections in all"
    )
    parser.add_argument(
        "--only", choices=["import", "capture"], help="run one half of the benchmark"
    )
    parser.add_argument("--smoke", action="store_true", help="a tiny, quick run")
    parser.add_argument("--client", help=argparse.SUPPRESS)  # the client process
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        return client_main(args)
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
            if args.only != "capture"
        ]
        print(
            f"scale_bench: 2 files × {args.rows} rows; {args.posts} form posts, "
            f"{args.clients} clients; PostgreSQL {args.db_name}"
        )
        if args.only != "capture":
            compare_imports(env, paths, work)
        if args.only != "import":
            compare_capture(env, args)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(args.admin_url, args.db_name)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
