"""Import benchmark: crm_import against django-import-export on the same messy file.

    python benchmarks/import_bench.py                 # 100k rows, SQLite + PostgreSQL
    python benchmarks/import_bench.py --db sqlite     # one database
    python benchmarks/import_bench.py --million       # also a 1,000,000-row file (slow)
    python benchmarks/import_bench.py --rows 300 --preload 300 --db sqlite  # smoke

One generated xlsx (phones in many formats and several per cell, 10% repeated
people with e-mail case/spacing variants, organizations with INN) is imported
into a database that already holds ``--preload`` contacts. Every measurement
runs in its own process; "peak" is the largest memory of that process and of
the parse process it may fork (summed PSS, sampled from /proc).
Prints wall time, peak memory, rows/s and the ratio to django-import-export's
plain ModelResource (``import_id_fields=["email"]``), directly and through its
admin flow (a dry-run preview, then the confirmed import).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = os.environ.get("BENCH_PG_DB", "wcrm_importing_bench")
HEADER = ["First name", "Last name", "E-mail", "Phone", "Company", "INN", "Job title"]
FIRST = ["Иван", "Анна", "Пётр", "Olga", "John", "Arbër", "Mary", "Сергей", "Elena"]
LAST = ["Иванов", "Петрова", "Smith", "Çela", "Кузнецов", "Brown", "Hoxha", "Орлова"]
MOBILE_CODES = [903, 905, 909, 915, 916, 925, 926, 977, 985]
TITLES = ["Директор", "Manager", "Бухгалтер", "", "Sales", ""]


# The file -------------------------------------------------------------------


def _phone(rng, n):
    digits = f"{MOBILE_CODES[n % len(MOBILE_CODES)]}{n % 10_000_000:07d}"
    style = n % 6
    if style == 0:
        return f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    if style == 1:
        return f"8 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"
    if style == 2:
        return int("7" + digits)  # a number cell
    if style == 3:
        return f"8-{digits[:3]}-{digits[3:6]}-{digits[6:]} доб. {n % 90 + 10}"
    if style == 4:
        return f"+7{digits}, 8 (495) {n % 900 + 100}-{n % 90 + 10}-{n % 90 + 10}"
    return f"00 7 {digits}"


def make_rows(count, seed=7):
    rng = random.Random(seed)
    people = []
    for n in range(count):
        if people and n % 10 == 9:  # 10% repeated people, e-mail written differently
            first, last, email, phone, company, inn = rng.choice(people)
            email = f"  {email.upper()} " if n % 20 == 9 else email.title()
            yield [first, last, email, phone, company, inn, ""]
            continue
        org = n // 5
        person = (
            rng.choice(FIRST),
            f"{rng.choice(LAST)}{n}",
            f"person{n}@example{org % 97}.com",
            _phone(rng, n),
            f"ООО «Компания {org}»",
            7700000000 + org,
        )
        if len(people) < 5000:
            people.append(person)
        yield [*person, rng.choice(TITLES)]


def write_file(path, count):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    sheet.append(HEADER)
    for row in make_rows(count):
        sheet.append(row)
    workbook.save(path)


# The databases ----------------------------------------------------------------


def _env(db_url):
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DEBUG": "0",
        "PYTHONPATH": os.pathsep.join([ROOT, os.path.join(ROOT, "example_site")]),
    }


def _child(args, db_url):
    """Run one measurement in its own process; add the peak memory of its tree.

    The import may fork a process that reads and parses the file (see
    ``wagtail_crm/importing/parallel.py``), so the memory that counts is that of
    the whole process tree: its proportional set size (PSS: pages shared by the
    two processes counted once), sampled twice a second from /proc.
    """
    process = subprocess.Popen(
        [sys.executable, __file__, *args],
        env=_env(db_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_pss_kb(process.pid))
        # Reading smaps_rollup walks the page tables of the process (about
        # 7 ms for 200 MB): every 0.1 s that took 15% of a core from the
        # import being measured, on a 2-core machine. Memory grows with the
        # batches, over seconds; every 0.5 s sees its peak.
        time.sleep(0.5)
    stdout, stderr = process.communicate()
    if process.returncode:
        raise RuntimeError(f"measurement failed:\n{stderr}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    if peak:
        figures["tree_pss_mb"] = peak / 1024
    return figures


def _tree_pss_kb(pid):
    """Summed PSS (kB) of ``pid`` and its descendants; 0 where /proc can't tell."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            children = [int(child) for child in handle.read().split()]
    except (OSError, ValueError):
        return total
    return total + sum(_tree_pss_kb(child) for child in children)


def _setup_django():
    """Django without search-index updates on save, for both contenders.

    Wagtail's search backends index one object at a time; crm_import hands that
    to a background task, django-import-export does it inside every row's
    save(). Timing neither keeps the comparison about importing.
    """
    import django
    from django.conf import settings

    django.setup()
    settings.WAGTAILSEARCH_BACKENDS = {
        name: {**config, "AUTO_UPDATE": False}
        for name, config in settings.WAGTAILSEARCH_BACKENDS.items()
    }


def child_prepare(preload):
    """Migrate and fill the database with ``preload`` existing contacts."""
    _setup_django()
    from django.core.management import call_command

    from wagtail_crm.dedup import email_key, person_name_key
    from wagtail_crm.models import Contact, Phone

    call_command("migrate", verbosity=0)
    contacts = [
        Contact(
            first_name="Existing",
            last_name=f"Client{n}",
            last_name_key=person_name_key(f"Client{n}"),
            email=email_key(f"client{n}@old.example.com"),
        )
        for n in range(preload)
    ]
    Contact.objects.bulk_create(contacts, batch_size=5000)
    Phone.objects.bulk_create(
        [Phone(contact_id=c.pk, e164=f"+7903{n:07d}") for n, c in enumerate(contacts)],
        batch_size=5000,
    )
    return {"contacts": Contact.objects.count()}


def child_crm(path):
    _setup_django()
    from wagtail_crm.importing.pipeline import ImportOptions, run_import

    start = time.perf_counter()
    result = run_import(path, ImportOptions(region="RU", update_search_index=False))
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "child_peak_mb": children,
        "summary": result.counts(),
    }


def peer_resource():
    """django-import-export the way its users de-duplicate: by e-mail."""
    from import_export import fields, resources, widgets

    from wagtail_crm.models import Contact

    def text(attribute, column):
        widget = widgets.CharWidget(allow_blank=True)
        return fields.Field(attribute=attribute, column_name=column, widget=widget)

    class PeerContactResource(resources.ModelResource):
        first_name = text("first_name", "First name")
        last_name = text("last_name", "Last name")
        email = text("email", "E-mail")
        job_title = text("job_title", "Job title")

        class Meta:
            model = Contact
            fields = ("first_name", "last_name", "email", "job_title")
            import_id_fields = ["email"]

    return PeerContactResource()


def peer_import(path, admin_flow=False):
    import tablib

    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    resource = peer_resource()
    if admin_flow:  # the admin: a preview (dry run), then the confirmed import
        resource.import_data(dataset, dry_run=True, use_transactions=True)
    return resource.import_data(dataset, dry_run=False, use_transactions=True)


def child_peer(path, admin_flow):
    _setup_django()
    start = time.perf_counter()
    result = peer_import(path, admin_flow)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "summary": {**result.totals, "rows": result.total_rows},
    }


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Database:
    """A migrated, preloaded database, cloned fresh for every measurement."""

    def __init__(self, kind, preload, workdir):
        self.kind, self.preload, self.workdir = kind, preload, workdir
        self.template = None

    def prepare(self):
        if self.kind == "sqlite":
            self.template = os.path.join(self.workdir, "template.sqlite3")
            _child(
                ["--child", "prepare", str(self.preload)], f"sqlite:///{self.template}"
            )
        else:
            self._pg(f'DROP DATABASE IF EXISTS "{PG_NAME}_tpl"')
            self._pg(f'CREATE DATABASE "{PG_NAME}_tpl"')
            url = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}_tpl"
            _child(["--child", "prepare", str(self.preload)], url)

    def fresh(self):
        if self.kind == "sqlite":
            path = os.path.join(self.workdir, "run.sqlite3")
            shutil.copyfile(self.template, path)
            return f"sqlite:///{path}"
        self._pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        self._pg(f'CREATE DATABASE "{PG_NAME}" TEMPLATE "{PG_NAME}_tpl"')
        return f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"

    def drop(self):
        if self.kind == "postgres":
            self._pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
            self._pg(f'DROP DATABASE IF EXISTS "{PG_NAME}_tpl"')

    @staticmethod
    def _pg(sql):
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
            connection.execute(sql)


def measure(database, what, path):
    args = {
        "crm": ["--child", "crm", path],
        "peer": ["--child", "peer", path],
        "peer_admin": ["--child", "peer_admin", path],
    }[what]
    return _child(args, database.fresh())


def report(line, figures):
    memory = figures.get("tree_pss_mb", figures["peak_mb"])
    print(
        f"{line:<38} {figures['seconds']:8.2f} s {memory:8.0f} MB peak"
        f"  {figures.get('rows', 0) / figures['seconds']:9.0f} rows/s",
        flush=True,
    )
    if "tree_pss_mb" in figures:
        print(
            f"   peak memory: {figures['tree_pss_mb']:.0f} MB PSS of all its "
            f"processes; main process {figures['peak_mb']:.0f} MB RSS"
            + (
                f", parse process {figures['child_peak_mb']:.0f} MB RSS"
                " (mostly pages shared with the main process)"
                if figures.get("child_peak_mb")
                else ""
            )
        )


def run(options):
    workdir = tempfile.mkdtemp(prefix="wcrm_bench_")
    try:
        files = {}
        sizes = sorted({options.rows, max(options.rows // 10, 1)})
        if options.million:
            sizes.append(1_000_000)
        for size in sizes:
            files[size] = os.path.join(workdir, f"rows{size}.xlsx")
            start = time.perf_counter()
            write_file(files[size], size)
            print(f"generated {size} rows in {time.perf_counter() - start:.1f} s")
        for kind in options.db:
            run_database(kind, options, files, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_database(kind, options, files, workdir):
    database = Database(kind, options.preload, workdir)
    database.prepare()
    print(f"\n== {kind}: database preloaded with {options.preload} contacts")
    print("   (search-index updates off for both; crm_import queues them as a task)")
    try:
        results = {}
        for size, path in files.items():
            figures = measure(database, "crm", path)
            figures["rows"] = size
            results[size] = figures
            report(f"crm_import {size} rows", figures)
            print(f"   {json.dumps(figures['summary'], ensure_ascii=False)}")
        small, big = min(files), options.rows
        if small != big:
            per_small = results[small]["seconds"] / small
            per_big = results[big]["seconds"] / big
            print(
                f"linearity: {per_big / per_small:.2f} (time per row {big} / {small})"
            )
        if options.skip_peer:
            return
        peer = measure(database, "peer", files[big])
        peer["rows"] = big
        report(f"django-import-export {big} rows", peer)
        ratio = peer["seconds"] / results[big]["seconds"]
        print(f"ratio: crm_import is {ratio:.1f}x faster than django-import-export")
        if options.peer_admin:
            admin = measure(database, "peer_admin", files[big])
            admin["rows"] = big
            report("django-import-export preview+confirm", admin)
            ratio = admin["seconds"] / results[big]["seconds"]
            print(f"ratio: {ratio:.1f}x faster than its admin preview + confirm")
    finally:
        database.drop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--preload", type=int, default=100_000)
    parser.add_argument(
        "--db", choices=["sqlite", "postgres"], action="append", default=None
    )
    parser.add_argument("--million", action="store_true", help="add a 1M-row file")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--peer-admin", action="store_true", help="also time its admin")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        task, value = options.child
        runners = {
            "prepare": lambda: child_prepare(int(value)),
            "crm": lambda: child_crm(value),
            "peer": lambda: child_peer(value, admin_flow=False),
            "peer_admin": lambda: child_peer(value, admin_flow=True),
        }
        print(json.dumps(runners[task](), ensure_ascii=False))
        return
    options.db = options.db or ["sqlite", "postgres"]
    run(options)


if __name__ == "__main__":
    main()
