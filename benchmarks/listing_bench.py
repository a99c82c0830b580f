"""How fast the CRM listings answer with a realistic amount of data.

Seeds contacts, organizations and leads with ``bulk_create`` into a fresh
database, then requests each main admin listing page (and a search by phone and
by name) several times as a head of sales who sees everything, and prints the
median time and the number of SQL queries per page.

    python benchmarks/listing_bench.py          # 100k / 20k / 100k on SQLite
    python benchmarks/listing_bench.py --contacts 5000 --organizations 1000 --leads 5000
    DATABASE_URL=postgres://... python benchmarks/listing_bench.py

Target: every page under 300 ms median on SQLite, at most 15 queries per page.
"cpu ms" is the process time of the request: on a shared, busy machine it
shows what the page costs when wall-clock medians are inflated by waiting.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
TARGET_QUERIES = 15
BATCH = 5000

LAST_NAMES = ["Иванов", "Петров", "Сидоров", "Smith", "Hoxha", "Krasniqi", "Кузнецов"]
FIRST_NAMES = ["Анна", "Олег", "Мария", "John", "Arta", "Илья", "Besa"]


def configure(database_url=None):
    sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
    if database_url is None:
        path = Path(tempfile.mkdtemp(prefix="wcrm_listing_bench_")) / "bench.sqlite3"
        database_url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Measure what a production server does: no DEBUG, no test instrumentation.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def _in_batches(model, objects):
    model.objects.bulk_create(objects, batch_size=BATCH)


def seed(contacts, organizations, leads, stdout=sys.stdout):
    """Create the records in bulk; return the head-of-sales user who sees them."""
    from django.contrib.auth import get_user_model

    from wagtail_crm.dedup import organization_name_key, person_name_key
    from wagtail_crm.demo.access import ensure_sales_groups
    from wagtail_crm.models import Contact, Lead, Organization, Phone

    manager, head = ensure_sales_groups()
    owners = [manager, head]
    started = time.perf_counter()
    orgs = [
        Organization(
            name=f"ООО «Компания {i}»",
            name_key=organization_name_key(f"Компания {i}"),
            tax_id=f"{7700000000 + i}",
            owner=owners[i % 2],
        )
        for i in range(organizations)
    ]
    _in_batches(Organization, orgs)
    org_ids = list(Organization.objects.values_list("pk", flat=True))
    people = []
    for i in range(contacts):
        last = f"{LAST_NAMES[i % len(LAST_NAMES)]}{i}"
        people.append(
            Contact(
                last_name=last,
                last_name_key=person_name_key(last),
                first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                email=f"person{i}@example.com",
                organization_id=org_ids[i % len(org_ids)]
                if org_ids and i % 3
                else None,
                owner=owners[i % 2],
            )
        )
    _in_batches(Contact, people)
    contact_ids = Contact.objects.order_by("pk").values_list("pk", flat=True)
    _in_batches(
        Phone,
        (
            Phone(contact_id=pk, e164=f"+7916{index:07d}", kind="mobile")
            for index, pk in enumerate(contact_ids)
        ),
    )
    _in_batches(
        Lead,
        (
            Lead(
                name=f"{FIRST_NAMES[i % 7]} {LAST_NAMES[i % 7]}{i}",
                email=f"lead{i}@example.com",
                phone=f"8 903 {i:07d}",
                phone_e164=f"+7903{i:07d}",
                utm_source=("yandex", "google", "")[i % 3],
                owner=owners[i % 2],
            )
            for i in range(leads)
        ),
    )
    stdout.write(
        f"seeded {organizations} organizations, {contacts} contacts (+phones), "
        f"{leads} leads in {time.perf_counter() - started:.1f} s\n"
    )
    return head if get_user_model().objects.filter(pk=head.pk).exists() else None


def pages(contacts):
    from django.urls import reverse

    from wagtail_crm.models import Activity, Contact, Deal, Lead, Organization, Task

    def url(model):
        return reverse(model.snippet_viewset.get_url_name("list"))

    middle = max(contacts // 2, 1)
    return [
        ("contacts", url(Contact)),
        ("contacts, page 2", url(Contact) + "?p=2"),
        ("organizations", url(Organization)),
        ("leads", url(Lead)),
        ("leads, new", url(Lead) + "?status=new"),
        ("deals", url(Deal)),
        ("activities", url(Activity)),
        ("tasks", url(Task)),
        ("contacts: search phone", url(Contact) + f"?q=8+916+{middle:07d}"),
        ("contacts: search name", url(Contact) + f"?q=Петров{middle}"),
        ("leads: search phone", url(Lead) + f"?q=8(903){middle:07d}"),
        ("organizations: search tax id", url(Organization) + f"?q={7700000000 + 7}"),
    ]


def measure(user, contacts, repeat, stdout=sys.stdout):
    """Request every page ``repeat`` times; return {name: (median ms, queries)}."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    results = {}
    for name, url in pages(contacts):
        client.get(url)  # warm caches (templates, permissions)
        timings, cpu = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        results[name] = (
            statistics.median(timings),
            len(queries),
            statistics.median(cpu),
        )
    return results


def report(results, stdout=sys.stdout):
    stdout.write(f"{'page':34} {'median ms':>10} {'queries':>8} {'cpu ms':>8}\n")
    ok = True
    for name, (median, queries, cpu) in results.items():
        flag = (
            "" if median < TARGET_MS and queries <= TARGET_QUERIES else "  OVER TARGET"
        )
        ok = ok and not flag
        stdout.write(f"{name:34} {median:10.1f} {queries:8d} {cpu:8.1f}{flag}\n")
    stdout.write(
        f"target: < {TARGET_MS} ms median, <= {TARGET_QUERIES} queries per page: "
        f"{'met' if ok else 'NOT met'}\n"
    )
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--organizations", type=int, default=20_000)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="measure the records already in DATABASE_URL (from an earlier run)",
    )
    args = parser.parse_args(argv)
    configure(os.environ.get("DATABASE_URL"))
    if args.no_seed:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username="head")
    else:
        user = seed(args.contacts, args.organizations, args.leads)
    results = measure(user, args.contacts, args.repeat)
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
