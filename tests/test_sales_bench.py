"""A tiny run of benchmarks/sales_bench.py, so the benchmark never rots."""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "sales_bench.py"


@pytest.fixture
def sales_bench():
    spec = importlib.util.spec_from_file_location("sales_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_sales_benchmark_smoke(sales_bench):
    user = sales_bench.seed(deals=60, activities=200, leads=60)

    figures = sales_bench.measure(user, runs=1)

    assert set(figures) == set(sales_bench.PAGES)
    for page in figures.values():
        assert page["median_ms"] > 0
        assert 0 < page["queries"] < 25
