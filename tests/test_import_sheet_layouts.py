"""Sheets laid out by people and programs: merged header cells, formulas that
were never calculated; through the whole import, with both xlsx readers."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.import_files import write_xlsx
from wagtail_crm.importing import readers
from wagtail_crm.importing.pipeline import ImportOptions, prepare, run_import
from wagtail_crm.models import Contact, ImportJob, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_reader(request, monkeypatch):
    if request.param == "openpyxl":
        monkeypatch.setattr(readers, "CALAMINE_MAX_SHEET_BYTES", 0)
    return request.param


def run(path, **options):
    return run_import(str(path), ImportOptions(region="RU", **options))


def test_header_merged_over_two_rows(tmp_path, xlsx_reader):
    """Tall header cells (A3:A4, B3:B4 …): the data starts below the header's
    last row, and the company merged down its people fills every row."""
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["Компания", "ФИО", "Телефон", "E-mail"],
            [None, None, None, None],
            ["ООО Ромашка", "Иванов Иван", "+7 916 123-45-67", "ivanov@romashka.ru"],
            [None, "Петрова Анна", "+7 916 765-43-21", "petrova@romashka.ru"],
        ],
        title="Клиенты",
        merges=["A3:A4", "B3:B4", "C3:C4", "D3:D4", "A5:A6"],
    )
    found = prepare(str(path), ImportOptions())
    assert found.header_row == 4
    assert found.mapping == ["organization", "full_name", "phone", "email"]
    result = run(path)
    assert result.error_rows == 0 and result.created["contacts"] == 2
    romashka = Organization.objects.get()
    assert set(Contact.objects.values_list("last_name", "organization")) == {
        ("Иванов", romashka.pk),
        ("Петрова", romashka.pk),
    }


def test_header_merged_across_two_columns(tmp_path, xlsx_reader):
    """ "Телефоны" over two columns: both columns are phones of the card."""
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["ФИО", "Телефоны", None, "E-mail"],
            ["Иванов Иван", "+7 495 123-45-67", "+7 916 123-45-67", "ivanov@x.ru"],
        ],
        merges=["B1:C1"],
    )
    found = prepare(str(path), ImportOptions())
    assert found.headers[:3] == ["ФИО", "Телефоны", "Телефоны"]
    assert found.mapping == ["full_name", "phone", "phone", "email"]
    run(path)
    assert sorted(Contact.objects.get().phones.values_list("e164", flat=True)) == [
        "+74951234567",
        "+79161234567",
    ]


def uncalculated_workbook(path):
    """What openpyxl (and other programs that do not calculate) writes."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Фамилия", "Имя", "Телефон", "Итого"])
    sheet.append(["Иванов", "Иван", '="+7 916 "&"123-45-67"', "=2*2"])
    sheet.append(["Петрова", "Анна", "+7 916 765-43-21", "=2*3"])
    workbook.save(path)
    return path


def test_formula_without_saved_value_is_a_warning_for_the_row(tmp_path, xlsx_reader):
    result = run(uncalculated_workbook(tmp_path / "a.xlsx"))
    # The row is imported; its formula cell is named: row, column, formula.
    assert result.created["contacts"] == 2 and result.error_rows == 0
    assert [(w["row"], w["column"], w["value"]) for w in result.warnings] == [
        (2, "Телефон", '="+7 916 "&"123-45-67"')
    ]
    assert "C2" in result.warnings[0]["message"]
    # "Итого" is not mapped: its formulas concern nobody.
    entry = next(e for e in result.entries if e["row"] == 2)
    assert entry["status"] == "created" and entry["warnings"][0]["column"] == "Телефон"
    assert not Contact.objects.get(last_name="Иванов").phones.exists()


def test_warnings_reach_the_command_line(tmp_path):
    path = uncalculated_workbook(tmp_path / "a.xlsx")
    out = io.StringIO()
    call_command("crm_import", str(path), "--json", "--dry-run", stdout=out)
    warnings = json.loads(out.getvalue())["warnings"]
    assert [(w["row"], w["column"]) for w in warnings] == [(2, "Телефон")]
    out = io.StringIO()
    call_command("crm_import", str(path), "--dry-run", stdout=out)
    assert '="+7 916 "&"123-45-67"' in out.getvalue()


def test_preview_and_report_show_the_warning(admin_client, tmp_path):
    path = uncalculated_workbook(tmp_path / "a.xlsx")
    response = admin_client.post(
        "/admin/crm/imports/new/",
        {
            "file": SimpleUploadedFile("a.xlsx", path.read_bytes()),
            "policy": "fill_empty",
            "region": "ru",
        },
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    admin_client.post(
        f"/admin/crm/imports/{job.pk}/mapping/",
        {
            "header": ["Фамилия", "Имя", "Телефон", "Итого"],
            "column-0": "last_name",
            "column-1": "first_name",
            "column-2": "phone",
            "column-3": "",
            "header_row": "1",
            "sheet": job.sheet_name or "Sheet",
        },
    )
    preview = admin_client.get(f"/admin/crm/imports/{job.pk}/preview/")
    page = preview.content.decode()
    assert "Warning:" in page and "no saved value" in page
    assert "=&quot;+7 916 &quot;&amp;&quot;123-45-67&quot;" in page
