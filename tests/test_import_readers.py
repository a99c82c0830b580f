import datetime
import zipfile

import openpyxl
import pytest
from django.test import override_settings

from tests.import_files import write_csv, write_xlsx
from wagtail_crm.importing.readers import (
    ImportFileError,
    _open_openpyxl,
    detect_encoding,
    limited_rows,
    open_table,
    sniff_delimiter,
)


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


def test_title_rows_and_merged_cells_are_forward_filled(tmp_path):
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


def test_openpyxl_fallback_reads_the_same_rows(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [["Name", "Phone"], ["Ann", 79161234567]])
    assert values(_open_openpyxl(str(path), None)) == values(open_table(path))


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


def test_html_table_named_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>Name</td></tr></table></body></html>")
    with pytest.raises(ImportFileError, match="HTML"):
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
