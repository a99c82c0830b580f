import datetime
import gc
import itertools
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.test import override_settings

from tests.import_files import patch_sheet_xml, write_csv, write_xlsx
from wagtail_crm.importing import readers
from wagtail_crm.importing.readers import (
    CALAMINE_MAX_CELLS,
    ImportFileError,
    detect_encoding,
    limited_rows,
    open_table,
    scan_sheet,
    sniff_delimiter,
)


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_reader(request, monkeypatch):
    """Run a test with python-calamine and again with the openpyxl fallback."""
    if request.param == "openpyxl":
        monkeypatch.setattr(readers, "CALAMINE_MAX_SHEET_BYTES", 0)

        def refuse(*args):
            raise AssertionError("python-calamine read a sheet meant for openpyxl")

        monkeypatch.setattr(readers, "_open_calamine", refuse)
    return request.param


def values(table):
    return [row.values for row in limited_rows(table.rows)]


def test_cp1251_csv_with_semicolons_as_russian_excel_saves_it(tmp_path):
    path = write_csv(
        tmp_path / "kontragenty.csv",
        [
            ["Наименование", "ИНН", "Телефон"],
            ["ООО «Ромашка»", "7701234567", "8 495 123-45-67"],
        ],
        encoding="cp1251",
        delimiter=";",
    )
    table = open_table(path)
    assert table.format == "csv"
    assert values(table) == [
        ["Наименование", "ИНН", "Телефон"],
        ["ООО «Ромашка»", "7701234567", "8 495 123-45-67"],
    ]


@pytest.mark.parametrize(
    "encoding,delimiter",
    [("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", "\t"), ("cp1252", ",")],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    rows = [["Name", "E-mail", "Notes"], ["Zoë Ça", "zoe@example.com", "a, b; c"]]
    path = write_csv(tmp_path / "x.csv", rows, encoding=encoding, delimiter=delimiter)
    assert values(open_table(path)) == rows


def test_google_contacts_multi_values_become_a_list(tmp_path):
    """Google Contacts puts two values of one field in a cell, joined by " ::: "."""
    path = write_csv(
        tmp_path / "contacts.csv",
        [["Phone 1 - Value"], ["+355 69 123 4567 ::: +355 4 222 3333"]],
    )
    assert values(open_table(path))[1] == ["+355 69 123 4567; +355 4 222 3333"]


def test_albanian_windows_1252_is_not_mistaken_for_cyrillic():
    text = "Emri;Mbiemri\nArbër;Çela\nEnë;Dëshira\n".encode("cp1252")
    assert detect_encoding(text) == "cp1252"
    assert detect_encoding("Фамилия;Имя\nИванов;Иван\n".encode("cp1251")) == "cp1251"


def test_delimiter_sniffing_ignores_commas_inside_values():
    text = 'Name;Address\n"Smith, John";"Main st, 1"\nAnn;Oak st\n'
    assert sniff_delimiter(text) == ";"
    assert sniff_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"


def test_xlsx_numeric_phone_cells_and_dates(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["Name", "Phone", "INN", "Born"],
            [" Ann Lee ", 79161234567, 7701234567.0, datetime.date(1990, 5, 1)],
        ],
    )
    rows = values(open_table(path))
    assert rows[1] == ["Ann Lee", 79161234567, 7701234567, datetime.date(1990, 5, 1)]


def test_control_characters_in_csv_cells_are_dropped(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Name,Notes\nAnn\x07 Lee,line\x1b one\n", encoding="utf-8")
    assert values(open_table(path))[1] == ["Ann Lee", "line one"]


def test_title_rows_and_merged_cells_are_forward_filled(tmp_path, xlsx_reader):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [["Company", "Person"], ["ACME", "Ann"], [None, "Bob"]],
        title="Clients 2026",
        merges=["A4:A5", "A1:B1"],
    )
    rows = list(limited_rows(open_table(path).rows))
    assert rows[0].number == 1 and rows[0].values[:2] == [
        "Clients 2026",
        "Clients 2026",
    ]
    assert [row.values for row in rows[-2:]] == [["ACME", "Ann"], ["ACME", "Bob"]]


def test_merged_ranges_fill_down_and_across(tmp_path, xlsx_reader):
    """A block merged over rows and columns, a header merged across two columns."""
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["Company", "Phone", None, "Name"],
            ["ACME", "+1 202 555 0100", "+1 202 555 0101", "Ann"],
            [None, None, None, "Bob"],
            ["Beta", "+1 202 555 0102", None, "Cid"],
        ],
        merges=["B1:C1", "A2:A3", "B3:C3", "B4:C4"],
    )
    assert values(open_table(path)) == [
        ["Company", "Phone", "Phone", "Name"],
        ["ACME", "+1 202 555 0100", "+1 202 555 0101", "Ann"],
        ["ACME", "", "", "Bob"],
        ["Beta", "+1 202 555 0102", "+1 202 555 0102", "Cid"],
    ]


def test_openpyxl_fallback_reads_the_same_rows(tmp_path, monkeypatch):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [["Name", "Phone", "Born"], ["Ann", 79161234567, datetime.date(1990, 5, 1)]],
        title="Clients",
        merges=["A1:C1"],
    )
    expected = values(open_table(path))
    monkeypatch.setattr(readers, "CALAMINE_MAX_SHEET_BYTES", 0)
    assert values(open_table(path)) == expected


def test_formula_without_a_saved_value_is_a_cell_warning(tmp_path, xlsx_reader):
    """openpyxl writes formulas without computing them, as many programs do."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Phone", "Total"])
    sheet.append(["Ann", '=CONCAT("+7 916 ", "123-45-67")', "=1+2"])
    sheet.append(["Bob", "+7 916 765-43-21", 3])
    workbook.save(tmp_path / "a.xlsx")
    rows = list(limited_rows(open_table(tmp_path / "a.xlsx").rows))
    assert rows[1].values[:3] in (["Ann", "", ""], ["Ann"])
    assert [(w.index, w.value) for w in rows[1].warnings] == [
        (1, '=CONCAT("+7 916 ", "123-45-67")'),
        (2, "=1+2"),
    ]
    assert "B2" in rows[1].warnings[0].message
    assert "no saved value" in rows[1].warnings[0].message
    assert not rows[0].warnings and not rows[2].warnings


def test_formulas_with_saved_values_are_read_without_warning(tmp_path, xlsx_reader):
    """What Excel writes: cached values, a shared formula, an empty-string result."""
    path = write_xlsx(
        tmp_path / "a.xlsx", [["Name", "Total", "Note"], ["Ann"], ["Bob"]]
    )
    patch_sheet_xml(
        path,
        lambda xml: xml.replace(
            '<c r="A2" t="inlineStr"><is><t>Ann</t></is></c>',
            '<c r="A2" t="inlineStr"><is><t>Ann</t></is></c>'
            '<c r="B2"><f t="shared" ref="B2:B3" si="0">1+1</f><v>2</v></c>'
            '<c r="C2" t="str"><f>""</f><v></v></c>',
        ).replace(
            '<c r="A3" t="inlineStr"><is><t>Bob</t></is></c>',
            '<c r="A3" t="inlineStr"><is><t>Bob</t></is></c>'
            '<c r="B3"><f t="shared" si="0"/></c>',
        ),
    )
    rows = list(limited_rows(open_table(path).rows))
    assert rows[1].values[:2] == ["Ann", 2] and not rows[1].warnings
    # The copy of a shared formula with no value is reported with its formula.
    assert [(w.index, w.value) for w in rows[2].warnings] == [(1, "=1+1")]


def test_a_sheet_without_formulas_pays_no_formula_work(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "a.xlsx", [["Name", "Phone"]] + [["Ann", "1"]] * 50)

    def fail(*args):
        raise AssertionError("looked for formulas in a sheet without any")

    monkeypatch.setattr(readers, "_scan_formulas", fail)
    assert len(values(open_table(path))) == 51


def test_a_sheet_claiming_a_million_rows_stops_after_its_blank_run(
    tmp_path, xlsx_reader
):
    """The <dimension> says A1:Z1048576 and an empty styled cell sits at the end."""
    path = write_xlsx(tmp_path / "a.xlsx", [["Name", "Phone"], ["Ann", "1"]])
    patch_sheet_xml(
        path,
        lambda xml: xml.replace(
            '<dimension ref="A1:B2" />', '<dimension ref="A1:Z1048576" />'
        ).replace(
            "</sheetData>",
            '<row r="1048576"><c r="Z1048576" s="0" /></row></sheetData>',
        ),
    )
    started = time.perf_counter()
    assert values(open_table(path)) == [["Name", "Phone"], ["Ann", "1"]]
    assert time.perf_counter() - started < 5


def test_a_dimension_claiming_one_cell_does_not_cut_the_sheet(tmp_path, xlsx_reader):
    """Some programs write <dimension ref="A1"/> whatever the sheet holds."""
    path = write_xlsx(
        tmp_path / "a.xlsx", [["Name", "Phone"], ["Ann", "1"], ["Bob", "2"]]
    )
    patch_sheet_xml(
        path,
        lambda xml: xml.replace('<dimension ref="A1:B3" />', '<dimension ref="A1" />'),
    )
    assert values(open_table(path)) == [["Name", "Phone"], ["Ann", "1"], ["Bob", "2"]]


def test_the_scan_measures_how_far_the_cells_reach(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx", [["Name", "Phone", "INN"], ["Ann", "1", "2"]]
    )
    with zipfile.ZipFile(path) as archive:
        scan = scan_sheet(archive, "xl/worksheets/sheet1.xml")
    assert (scan.rows, scan.columns, scan.cells) == (2, 3, 6)
    patch_sheet_xml(
        path,
        lambda xml: xml.replace(
            "</row></sheetData>",
            '<c r="AB2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    with zipfile.ZipFile(path) as archive:
        assert scan_sheet(archive, "xl/worksheets/sheet1.xml").columns == 28


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAR_CELL_SCRIPT = """
import django, sys
django.setup()
from wagtail_crm.importing.readers import limited_rows, open_table
rows = [row.values for row in limited_rows(open_table(sys.argv[1]).rows)]
print(rows)
"""


def test_a_stray_cell_at_the_far_corner_neither_crashes_nor_fills_memory(tmp_path):
    """Cells at A1 and XFD1048576: python-calamine would allocate 550 GB and abort
    the process, so the sheet is streamed; its rows end after the blank run."""
    path = write_xlsx(tmp_path / "a.xlsx", [["Name", "Phone"], ["Ann", "1"]])
    patch_sheet_xml(
        path,
        lambda xml: xml.replace(
            "</sheetData>",
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
            "</row></sheetData>",
        ),
    )
    with zipfile.ZipFile(path) as archive:
        assert (
            scan_sheet(archive, "xl/worksheets/sheet1.xml").cells > CALAMINE_MAX_CELLS
        )
    # In a child process: were the guard missing, the abort would kill pytest.
    result = subprocess.run(
        [sys.executable, "-c", FAR_CELL_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONPATH": os.pathsep.join([ROOT, os.path.join(ROOT, "example_site")]),
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[['Name', 'Phone'], ['Ann', '1']]"


def test_large_sheets_are_streamed_never_held_whole(tmp_path, monkeypatch):
    """The openpyxl path holds a row at a time: reading 18,000 more rows
    costs far less memory than keeping them would."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    sheet.append(["Name", "E-mail", "Phone", "Company", "Notes"])
    # Few distinct strings: openpyxl keeps the shared strings table in memory.
    for n in range(20_000):
        sheet.append(["Ann Lee", "ann@example.com", 79160000000 + n, "ACME", n / 7])
    workbook.save(tmp_path / "big.xlsx")
    with zipfile.ZipFile(tmp_path / "big.xlsx") as archive:
        xml_size = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    monkeypatch.setattr(readers, "CALAMINE_MAX_SHEET_BYTES", xml_size - 1)
    monkeypatch.setattr(readers, "_open_calamine", None)  # must not be called
    gc.collect()
    tracemalloc.start()
    try:
        rows = limited_rows(open_table(tmp_path / "big.xlsx").rows)
        count = sum(1 for _row in itertools.islice(rows, 2_000))
        _current, early_peak = tracemalloc.get_traced_memory()
        count += sum(1 for _row in rows)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_001
    # A row read and kept would cost some 300 bytes (a list, five values); what
    # stays is openpyxl's emptied XML element of each row, about 80 bytes.
    per_row = (peak - early_peak) / 18_000
    assert per_row < 128, (early_peak, peak, xml_size)


def test_sheet_choice(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [["Name"], ["Ann"]],
        extra={"Companies": [["Company"], ["ACME"]]},
    )
    table = open_table(path, sheet="Companies")
    assert table.sheet_names == ["Contacts", "Companies"]
    assert values(table) == [["Company"], ["ACME"]]
    with pytest.raises(ImportFileError, match="Contacts, Companies"):
        open_table(path, sheet="Nope")


def test_long_blank_run_ends_the_sheet(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name"])
    sheet.append(["Ann"])
    sheet.cell(row=5000, column=1, value="stray")
    workbook.save(tmp_path / "a.xlsx")
    assert values(open_table(tmp_path / "a.xlsx")) == [["Name"], ["Ann"]]


def _ole(tmp_path, payload=b""):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + payload)
    return path


def test_old_xls_explains_how_to_save_as_xlsx(tmp_path):
    with pytest.raises(ImportFileError, match=r"97-2003.*\.xlsx"):
        open_table(_ole(tmp_path))


def test_encrypted_workbook_asks_to_remove_the_password(tmp_path):
    path = _ole(tmp_path, "EncryptedPackage".encode("utf-16-le"))
    with pytest.raises(ImportFileError, match="password"):
        open_table(path)
    # Named .xlsx, as a password-protected workbook is: the content decides.
    renamed = tmp_path / "locked.xlsx"
    renamed.write_bytes(path.read_bytes())
    with pytest.raises(ImportFileError, match="password"):
        open_table(renamed)


def test_html_table_named_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>Name</td></tr></table></body></html>")
    with pytest.raises(ImportFileError, match="HTML"):
        open_table(path)


def test_bitrix24_style_html_export_named_xls(tmp_path):
    """A <meta> and a long <style> before the table, as CRMs write "Excel" exports."""
    path = tmp_path / "contacts.xls"
    path.write_bytes(
        (
            '\ufeff<meta http-equiv="Content-type" content="text/html;charset=utf-8" />'
            + "<style>"
            + "td { mso-number-format: \\@; }\n" * 200
            + "</style>"
            + '<table border="1"><tr><th>Имя</th><th>Рабочий телефон</th></tr>'
            + "<tr><td>Анна</td><td>+7 916 123-45-67</td></tr></table>"
        ).encode("utf-8")
    )
    with pytest.raises(ImportFileError, match=r"HTML.*\.xlsx"):
        open_table(path)


def test_ods_and_other_zips_and_corrupt_files(tmp_path):
    ods = tmp_path / "a.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(ImportFileError, match="OpenDocument"):
        open_table(ods)
    other = tmp_path / "b.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hi")
    with pytest.raises(ImportFileError, match="zip archive"):
        open_table(other)
    corrupt = tmp_path / "c.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    with pytest.raises(ImportFileError, match="damaged"):
        open_table(corrupt)
    binary = tmp_path / "d.csv"
    binary.write_bytes(bytes(range(1, 32)) * 100)
    with pytest.raises(ImportFileError, match="not a spreadsheet"):
        open_table(binary)


def test_a_workbook_with_a_damaged_sheet_part(tmp_path):
    """The zip's directory is fine, the sheet's compressed bytes are not."""
    path = write_xlsx(tmp_path / "a.xlsx", [["Name", "Phone"]] + [["Ann", "1"]] * 300)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 20, start + info.compress_size - 20, 7):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFileError, match="damaged"):
        open_table(path)


def test_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="unreasonable size"):
        open_table(path)


def test_limits(tmp_path, settings):
    path = write_csv(tmp_path / "a.csv", [["Name"]] + [["x"]] * 20)
    settings.WAGTAILCRM_IMPORT_MAX_ROWS = 10
    with pytest.raises(ImportFileError, match="more than 10 rows"):
        values(open_table(path))
    with (
        override_settings(WAGTAILCRM_IMPORT_MAX_FILE_SIZE=10),
        pytest.raises(ImportFileError, match="largest file accepted"),
    ):
        open_table(path)
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match="empty"):
        open_table(empty)
