"""Rows read and parsed in a forked process give exactly what inline parsing gives."""

import os

import pytest
from django.test import override_settings
from django.utils import translation

from tests.import_files import write_csv, write_xlsx
from wagtail_crm.importing import parallel
from wagtail_crm.importing.pipeline import ImportOptions, prepare, run_import
from wagtail_crm.importing.readers import ImportFileError, Row
from wagtail_crm.importing.rows import RowParser
from wagtail_crm.models import Contact, Organization, Phone

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "fork" not in __import__("multiprocessing").get_all_start_methods(),
        reason="needs the fork start method",
    ),
]


def people(count):
    rows = [["ФИО", "Компания", "ИНН", "Телефон", "E-mail"]]
    for n in range(count):
        rows.append(
            [
                f"Иванов{n % 40} Иван",
                f"ООО Ромашка {n % 7}",
                f"77{n % 7:08d}",
                f"8 (916) {n % 50:03d}-45-67, доб. {n % 3 + 1}" if n % 5 else "нет",
                f" Ivan{n % 60}@Example.RU " if n % 4 else "not-an-email",
            ]
        )
    return rows


def outcome(result):
    return (
        result.counts(),
        [(e["row"], e["status"], e.get("of_row")) for e in result.entries],
        [(e["row"], e["column"], e["message"]) for e in result.errors],
        sorted(Contact.objects.values_list("last_name", "email", "last_name_key")),
        sorted(Organization.objects.values_list("name", "tax_id", "name_key")),
        sorted(Phone.objects.values_list("e164", "extension")),
    )


def import_with(monkeypatch, path, allowed):
    monkeypatch.setattr(parallel, "parallel_possible", lambda: allowed)
    started = []
    start = parallel.ParsedBatches.start

    def spy(self):
        started.append(self.parallel)
        return start(self)

    monkeypatch.setattr(parallel.ParsedBatches, "start", spy)
    result = run_import(str(path), ImportOptions(region="RU", batch_size=37))
    assert started == [allowed]
    return result


@pytest.mark.parametrize("maker", [write_xlsx, write_csv], ids=["xlsx", "csv"])
def test_forked_and_inline_parsing_import_the_same(tmp_path, monkeypatch, maker):
    path = maker(tmp_path / f"people.{maker.__name__[-4:]}", people(500))
    forked = outcome(import_with(monkeypatch, path, True))
    Phone.objects.all().delete()
    Contact.objects.all().delete()
    Organization.objects.all().delete()
    inline = outcome(import_with(monkeypatch, path, False))
    assert forked == inline
    counts = forked[0]
    assert counts["created"]["organizations"] == 7
    assert counts["created"]["contacts"] > 0 and counts["error_rows"] > 0


def test_errors_are_translated_in_the_language_of_the_import(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "a.csv", [["Name", "Phone"], ["Lee", "12"]])
    monkeypatch.setattr(parallel, "parallel_possible", lambda: True)
    with translation.override("ru"):
        result = run_import(str(path), ImportOptions(region="RU"))
    assert "слишком короткий" in result.errors[0]["message"]


def test_a_file_error_in_the_reading_process_reaches_the_import(tmp_path, monkeypatch):
    rows = [["Name", "E-mail"]] + [[f"P{n}", f"p{n}@x.com"] for n in range(50)]
    path = write_csv(tmp_path / "a.csv", rows)
    monkeypatch.setattr(parallel, "parallel_possible", lambda: True)
    with (
        override_settings(WAGTAILCRM_IMPORT_MAX_ROWS=20),
        pytest.raises(ImportFileError, match="more than 20 rows"),
    ):
        run_import(str(path), ImportOptions(region="RU", batch_size=5))


class DyingParser(RowParser):
    def parse(self, row):
        if row.number == 30:
            os._exit(3)
        return super().parse(row)


def test_a_reading_process_that_dies_fails_the_import_clearly(tmp_path):
    rows = [["Name", "E-mail"]] + [[f"P{n}", f"p{n}@x.com"] for n in range(50)]
    path = write_csv(tmp_path / "a.csv", rows)
    preparation = prepare(str(path), ImportOptions())
    parser = DyingParser(preparation.mapping, preparation.headers)
    batches = parallel.ParsedBatches(
        preparation.rows, parser, size=10, parallel=True
    ).start()
    seen = []
    with pytest.raises(ImportFileError, match="code 3"):
        for batch in batches:
            seen.extend(parsed.number for parsed in batch)
    batches.close()
    # What arrived before it died, in order; the batch it was on never did.
    assert seen == list(range(2, 2 + len(seen))) and len(seen) <= 20


def test_rows_already_done_are_skipped_in_both_modes():
    rows = [Row(n, [f"P{n}"]) for n in range(2, 12)]
    parser = RowParser(["last_name"], ["Name"])
    for allowed in (True, False):
        batches = parallel.ParsedBatches(
            iter(rows), parser, size=4, after_row=6, parallel=allowed
        ).start()
        numbers = [[parsed.number for parsed in batch] for batch in batches]
        batches.close()
        assert numbers == [[7, 8, 9, 10], [11]]


def test_parallel_parsing_only_where_forking_is_safe(settings):
    settings.WAGTAILCRM_IMPORT_PARALLEL = False
    assert parallel.parallel_possible() is False
    settings.WAGTAILCRM_IMPORT_PARALLEL = True
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.parallel_possible() is False  # another thread runs
    finally:
        stop.set()
        thread.join()
