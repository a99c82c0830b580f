"""A few-second smoke run of benchmarks/import_bench.py, so it never rots."""

import os
import sys

import pytest

from wagtail_crm.importing.pipeline import ImportOptions, run_import
from wagtail_crm.models import Contact

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "benchmarks")
)
import import_bench  # noqa: E402

pytestmark = pytest.mark.django_db


def test_generated_file_is_messy_and_both_contenders_import_it(tmp_path):
    path = str(tmp_path / "bench.xlsx")
    import_bench.write_file(path, 200)
    result = run_import(path, ImportOptions(region="RU", update_search_index=False))
    assert result.rows == 200 and result.error_rows == 0
    # 10% repeated people, their e-mails in other case and spacing: merged.
    assert result.duplicates == 20 and result.created["contacts"] == 180
    assert result.created["organizations"] == 40
    assert result.created["phones"] > 180  # several phones in some cells
    Contact.objects.all().delete()
    peer = import_bench.peer_import(path)
    assert peer.total_rows == 200 and not peer.has_errors()
    # django-import-export keeps "A@x.com" and "a@x.com " apart.
    assert Contact.objects.count() > 180
