"""Render time of the pipeline board and the sales reports on a big SQLite database.

    python benchmarks/sales_bench.py                 # 50k deals, 200k activities
    python benchmarks/sales_bench.py --deals 500 --activities 2000 --runs 3 --json

Seeds a fresh SQLite file with ``bulk_create`` (deals, leads, activities spread
over managers, stages and a year), then prints for every page the median
render time over ``--runs`` requests and the number of SQL queries it ran.
Target: < 500 ms median per page, and the same number of queries whatever
the size of the data.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "board": "/admin/crm-board/",
    "report: leads by source": "/admin/crm-reports/leads/",
    "report: funnel": "/admin/crm-reports/funnel/",
    "report: managers": "/admin/crm-reports/managers/",
}


def setup_django(db_path):
    sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(deals, activities, leads, managers=8):
    from django.contrib.auth import get_user_model
    from django.db.models.functions import Mod
    from django.utils import timezone

    from wagtail_crm.models import Activity, Deal, Lead, Organization, Pipeline, Stage

    rng = random.Random(1)
    now = timezone.now()
    users = [
        get_user_model().objects.create_user(f"manager{i}", f"m{i}@example.com")
        for i in range(managers)
    ]
    pipeline = Pipeline.objects.create(name="Sales", is_default=True)
    kinds = ["open", "open", "open", "won", "lost"]
    stages = [
        Stage.objects.create(pipeline=pipeline, name=f"Stage {i}", kind=k, sort_order=i)
        for i, k in enumerate(kinds)
    ]
    orgs = Organization.objects.bulk_create(
        Organization(name=f"Company {i}", name_key=f"company {i}") for i in range(500)
    )

    def ago():
        return now - timedelta(minutes=rng.randrange(365 * 24 * 60))

    def deal(i):
        stage = stages[i % len(stages)]
        return Deal(
            title=f"Deal {i}",
            amount=Decimal(rng.randrange(1000, 900000)),
            currency="RUB",
            stage=stage,
            stage_changed_at=ago(),
            closed_at=ago() if stage.kind != "open" else None,
            lost_reason="Price" if stage.kind == "lost" else "",
            organization=orgs[i % len(orgs)],
            owner=users[i % len(users)],
        )

    deal_rows = Deal.objects.bulk_create((deal(i) for i in range(deals)), 5000)
    statuses = ["new", "in_progress", "qualified", "converted", "lost"]
    campaigns = ["spring_sale", "november_digest", "brand", "retargeting", ""]
    Lead.objects.bulk_create(
        (
            Lead(
                name=f"Lead {i}",
                status=statuses[i % 5],
                utm_campaign=campaigns[i % 5],
                owner=users[i % len(users)],
                deal=deal_rows[i % len(deal_rows)] if i % 5 == 3 else None,
            )
            for i in range(leads)
        ),
        5000,
    )
    for month in range(12):  # spread the leads over a year, in SQL
        Lead.objects.annotate(month=Mod("pk", 12)).filter(month=month).update(
            created_at=now - timedelta(days=30 * month, hours=month)
        )
    Activity.objects.bulk_create(
        (
            Activity(
                kind="call",
                subject=f"Call {i}",
                occurred_at=ago(),
                author=users[i % len(users)],
                organization=orgs[i % len(orgs)],
            )
            for i in range(activities)
        ),
        5000,
    )
    return get_user_model().objects.create_superuser("bench", "b@example.com", "x")


def measure(user, runs):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    results = {}
    for name, url in PAGES.items():
        assert client.get(url).status_code == 200, url  # warm up
        timings, queries = [], 0
        for _run in range(runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, url
            queries = len(captured.captured_queries)
        results[name] = {
            "median_ms": round(statistics.median(timings), 1),
            "queries": queries,
        }
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=50_000)
    parser.add_argument("--activities", type=int, default=200_000)
    parser.add_argument("--leads", type=int, default=None, help="default: = deals")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--db", help="keep the seeded SQLite file here and reuse it next time"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(args.db or Path(tmp) / "bench.sqlite3")
        reuse = db_path.exists()
        setup_django(db_path)
        started = time.perf_counter()
        if reuse:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.get(username="bench")
        else:
            user = seed(args.deals, args.activities, args.leads or args.deals)
        seeded = time.perf_counter() - started
        results = measure(user, args.runs)
    if args.json:
        print(json.dumps({"seed_s": round(seeded, 1), "pages": results}))
        return results
    print(
        f"SQLite, {args.deals} deals, {args.leads or args.deals} leads, "
        f"{args.activities} activities (seeded in {seeded:.1f} s), "
        f"median of {args.runs} runs:"
    )
    for name, figures in results.items():
        verdict = "ok" if figures["median_ms"] < 500 else "SLOW"
        print(
            f"  {name:<26} {figures['median_ms']:>8.1f} ms  "
            f"{figures['queries']:>3} queries  {verdict}"
        )
    return results


if __name__ == "__main__":
    main()
