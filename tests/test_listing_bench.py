"""A tiny run of benchmarks/listing_bench.py, so the benchmark never rots."""

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import listing_bench  # noqa: E402


@pytest.mark.django_db
def test_listing_benchmark_smoke():
    out = io.StringIO()
    user = listing_bench.seed(contacts=60, organizations=12, leads=60, stdout=out)
    results = listing_bench.measure(user, contacts=60, repeat=1, stdout=out)
    listing_bench.report(results, stdout=out)
    assert set(results) == {name for name, _url in listing_bench.pages(60)}
    for name, (_median, queries, _cpu) in results.items():
        assert queries <= listing_bench.TARGET_QUERIES, name
    assert "seeded 12 organizations, 60 contacts" in out.getvalue()
