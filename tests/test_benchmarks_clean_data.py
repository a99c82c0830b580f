"""A tiny run of benchmarks/clean_data.py, so the script never rots."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "clean_data.py"


def _load():
    spec = importlib.util.spec_from_file_location("clean_data_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_clean_data_benchmark_smoke(capsys, monkeypatch):
    benchmark = _load()
    monkeypatch.setattr(benchmark, "REPEATS", 1)
    (ours, bare), dedup = benchmark.main(["--cells", "300", "--sizes", "300,600"])
    out = capsys.readouterr().out
    assert "wagtail_crm.phones" in out and "bare phonenumbers" in out
    assert "ratio" in out and "N=    600" in out
    assert ours > 0 and bare > 0
    # Two thirds of the incoming rows are the existing people, written differently.
    assert [(size, matched) for size, _b, _l, matched in dedup] == [
        (300, 200),
        (600, 400),
    ]


@pytest.mark.django_db
def test_clean_data_benchmark_from_db_smoke(capsys):
    from wagtail_crm.models import Contact

    _load().from_db_figures([50])
    assert "N=     50  from_db" in capsys.readouterr().out
    assert Contact.objects.count() == 0  # rolled back
