"""Form capture under load: the example site's /contact/ form with capture on and off.

Runs the example site under gunicorn on 127.0.0.1 (a fresh SQLite database in a
temporary folder, or the PostgreSQL database given by --database-url), then N
concurrent clients post the contact form: with lead capture on, and the same
form with capture off (Wagtail's own FormSubmission only), in --rounds rounds
that alternate which goes first. Prints req/s and p50/p95 latency for both, and
the capture overhead on p50.

    python benchmarks/capture_bench.py --clients 4 --requests 25 --rounds 4
    python benchmarks/capture_bench.py --smoke
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "example_site"
PYTHON = sys.executable


TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "queue": "django_tasks.backends.dummy.DummyBackend",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup_site(env):
    """Migrate and build the example pages in this process (same database)."""
    os.environ.update(env)
    sys.path.insert(0, str(SITE))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from home.demo_pages import build_pages

    build_pages()


def set_capture(enabled):
    from django.db import connection

    from home.models import ContactPage

    ContactPage.objects.update(crm_capture_enabled=enabled)
    connection.close()


def start_server(env, port, workers, *options):
    """gunicorn serving the example site; returns once /contact/ answers."""
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "example_site.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--log-level=warning",
        *options,
    ]
    server = subprocess.Popen(command, cwd=SITE, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/contact/", timeout=30)
            return server
        except OSError:  # not listening yet
            time.sleep(0.2)
    server.terminate()
    server.wait(timeout=30)
    raise SystemExit("gunicorn did not start")


def field(html, name):
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else ""


class Client:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )

    def prepare(self):
        html = self.opener.open(f"{self.base}/contact/", timeout=30).read().decode()
        self.token = field(html, "csrfmiddlewaretoken")
        self.shown = field(html, "crm_ts")

    def post(self, number):
        data = {
            "csrfmiddlewaretoken": self.token,
            "crm_ts": self.shown,
            "name": f"Bench Visitor {number}",
            "email": f"visitor{number}@bench.example",
            "phone": f"+7 916 {number % 1000:03d}-{number % 100:02d}-00",
            "company": "",
            "message": "Benchmark request",
            "i_agree_to_the_processing_of_my_personal_data": "on",
        }
        body = urllib.parse.urlencode(data).encode()
        started = time.perf_counter()
        with self.opener.open(f"{self.base}/contact/", body, timeout=60) as response:
            response.read()
            status = response.status
        return time.perf_counter() - started, status


def cpu_seconds(server_pid, database):
    """CPU time used so far by the server's workers and the database's backends
    (Linux /proc; 0.0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        pids = os.listdir("/proc")
    except OSError:
        return 0.0
    for pid in pids:
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        ppid = int(fields[1])
        ours = ppid == server_pid or int(pid) == server_pid
        if database and cmdline.startswith("postgres:") and f" {database} " in cmdline:
            ours = True
        if ours:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def run_phase(base, clients, requests, offset):
    workers = [Client(base) for _ in range(clients)]
    for client in workers:
        client.prepare()
    latencies, failures = [], []
    lock = threading.Lock()

    def work(index, client):
        for n in range(requests):
            number = offset + index * requests + n
            try:
                elapsed, status = client.post(number)
            except urllib.error.HTTPError as error:
                elapsed, status = 0.0, error.code
            with lock:
                (latencies if status == 200 else failures).append(elapsed or status)

    threads = [
        threading.Thread(target=work, args=(i, c)) for i, c in enumerate(workers)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return latencies, failures, wall


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(label, latencies, failures, wall):
    p50 = statistics.median(latencies) * 1000
    p95 = percentile(latencies, 0.95) * 1000
    rate = len(latencies) / wall
    print(
        f"{label:<12} {len(latencies):>6} {len(failures):>6} "
        f"{rate:>8.1f} {p50:>9.1f} {p95:>9.1f}"
    )
    return p50


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=40, help="per client")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--tasks",
        choices=sorted(TASK_BACKENDS),
        default="db",
        help="db: background tasks (search indexing, e-mail, webhooks) are queued "
        "in the database for a db_worker, as the example site does (nobody runs "
        "them during the benchmark); immediate: they run inside the request; "
        "queue: they are queued in memory and dropped (the bare cost of the request)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="on and off phases, alternating which goes first (figures combined); "
        "a single round moves with the machine's load",
    )
    parser.add_argument("--smoke", action="store_true", help="2 clients × 3 posts")
    args = parser.parse_args(argv)
    if args.smoke:
        args.clients, args.requests, args.workers, args.rounds = 2, 3, 1, 1

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "example_site.settings",
            "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
            "DEBUG": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "WAGTAILCRM_CAPTURE_MIN_FILL_SECONDS": "0",
            "WAGTAILCRM_CAPTURE_RATE_LIMIT": "",
            "TASKS_BACKEND": TASK_BACKENDS[args.tasks],
        }
        setup_site(env)
        port = free_port()
        server = start_server(env, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            print(
                f"capture_bench: {args.clients} clients × {args.requests} posts, "
                f"gunicorn {args.workers} worker(s), "
                f"{'PostgreSQL' if args.database_url else 'SQLite'}, "
                f"tasks {args.tasks}, {args.rounds} round(s)"
            )
            print(
                f"{'phase':<12} {'ok':>6} {'failed':>6} {'req/s':>8} "
                f"{'p50 ms':>9} {'p95 ms':>9}"
            )
            total = args.clients * args.requests
            set_capture(True)
            run_phase(base, args.workers * 2, 3, 100 * total)  # warm up the workers
            results = {True: ([], [], 0.0), False: ([], [], 0.0)}
            cpu = {True: 0.0, False: 0.0}
            round_p50 = {True: [], False: []}
            database = urllib.parse.urlsplit(args.database_url).path.lstrip("/")
            for round_ in range(args.rounds):
                # Alternate the order, so a machine getting busier or quieter
                # during the run does not favour one side.
                order = (True, False) if round_ % 2 == 0 else (False, True)
                for enabled in order:
                    set_capture(enabled)
                    offset = (2 * round_ + enabled) * total
                    cpu_before = cpu_seconds(server.pid, database)
                    latencies, failures, wall = run_phase(
                        base, args.clients, args.requests, offset
                    )
                    cpu[enabled] += cpu_seconds(server.pid, database) - cpu_before
                    if latencies:
                        round_p50[enabled].append(statistics.median(latencies))
                    done = results[enabled]
                    results[enabled] = (
                        done[0] + latencies,
                        done[1] + failures,
                        done[2] + wall,
                    )
            on, off = results[True], results[False]
            p50_on = report("capture on", *on)
            p50_off = report("capture off", *off)
        finally:
            server.terminate()
            server.wait(timeout=30)
    overhead = (p50_on / p50_off - 1) * 100 if p50_off else 0.0
    print(f"capture overhead on p50: {overhead:+.1f}%")
    per_round = [
        f"{(on_ / off_ - 1) * 100:+.0f}%"
        for on_, off_ in zip(round_p50[True], round_p50[False], strict=False)
    ]
    print(
        "overhead of each round's p50 (how much the machine moves): "
        + ", ".join(per_round)
    )
    posts = args.rounds * args.clients * args.requests
    if cpu[False]:
        on_ms, off_ms = (cpu[side] / posts * 1000 for side in (True, False))
        print(
            f"server CPU per post (web workers"
            f"{' and database' if args.database_url else ''}): "
            f"on {on_ms:.2f} ms, off {off_ms:.2f} ms, "
            f"{(on_ms / off_ms - 1) * 100:+.1f}%"
        )
    return 1 if on[1] or off[1] else 0


if __name__ == "__main__":
    sys.exit(main())
