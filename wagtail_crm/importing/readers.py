"""Read spreadsheets row by row: xlsx (python-calamine, openpyxl as fallback) and CSV.

The format is recognised by the file's content, not its name, so a CSV or an
HTML table saved as ``.xls`` gets an honest answer. Every problem with the file
as a whole raises ``ImportFileError`` with a message meant for the person who
uploaded it; problems with single cells are left to the pipeline.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..conf import crm_settings
from ..exporting import unneutralize

# A sheet whose metadata claims many rows but holds only blanks stops here.
BLANK_RUN_LIMIT = 1000
# Sheets larger than this (uncompressed XML) are streamed with openpyxl.
CALAMINE_MAX_SHEET_BYTES = 64 * 1024 * 1024
# A zip member expanding more than this many times is treated as a zip bomb.
MAX_COMPRESSION_RATIO = 200
MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024 * 1024

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS_XLSX = gettext_lazy(
    "Open it in Excel or LibreOffice and choose File → Save As → "
    "“Excel Workbook (.xlsx)”, or save it as CSV, then upload that file."
)


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``str()`` says why and what to do."""


@dataclass
class Row:
    number: int  # 1-based, as the spreadsheet program shows it
    values: list


@dataclass
class Table:
    """One sheet (or a CSV file): its rows and what the reader noticed."""

    sheet_names: list[str]
    sheet_name: str
    rows: Iterator[Row]
    warnings: list[dict] = field(default_factory=list)
    format: str = "xlsx"


def clean_text(value):
    """Cells as text without control characters and outer spaces."""
    return _CONTROL_RE.sub("", value).strip()


def clean_cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        # Phones and tax ids typed into number cells: 79161234567.0 -> "79161234567".
        return int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date()
    return value


def open_table(path, *, sheet=None, filename=None) -> Table:
    """The rows of the spreadsheet at ``path`` (a file system path)."""
    size = os.path.getsize(path)
    limit = crm_settings.IMPORT_MAX_FILE_SIZE
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s MB; the largest file accepted is %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return _open_zip(path, sheet)
    if head.startswith(_OLE_MAGIC):
        raise ImportFileError(_ole_message(path))
    return _open_text(path, filename or os.path.basename(path))


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _ole_message(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if "EncryptedPackage".encode("utf-16-le") in data:
        return _(
            "The workbook is protected with a password. Open it, remove the "
            "password (File → Info → Protect Workbook) and upload it again."
        )
    return " ".join(
        [_("This is an old Excel 97-2003 (.xls) workbook."), str(_SAVE_AS_XLSX)]
    )


def _open_zip(path, sheet):
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ImportFileError(
            _("The file is damaged and cannot be opened as a workbook.")
        ) from error
    with archive:
        names = set(archive.namelist())
        if "content.xml" in names and "xl/workbook.xml" not in names:
            raise ImportFileError(
                " ".join(
                    [
                        _("This is an OpenDocument (.ods) spreadsheet."),
                        str(_SAVE_AS_XLSX),
                    ]
                )
            )
        if "xl/workbook.xml" not in names:
            raise ImportFileError(
                _("The file is a zip archive, not an Excel workbook.")
            )
        largest_sheet = _check_zip_sizes(archive)
    if largest_sheet > CALAMINE_MAX_SHEET_BYTES:
        return _open_openpyxl(path, sheet)
    return _open_calamine(path, sheet)


def _check_zip_sizes(archive):
    total, largest_sheet = 0, 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED_BYTES or (
            info.file_size > 10 * 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO
        ):
            raise ImportFileError(
                _("The workbook expands to an unreasonable size and was refused.")
            )
        if info.filename.startswith("xl/worksheets/"):
            largest_sheet = max(largest_sheet, info.file_size)
    return largest_sheet


def _pick_sheet(names, sheet):
    if sheet in (None, ""):
        return names[0]
    if sheet in names:
        return sheet
    raise ImportFileError(
        _("The workbook has no sheet “%(sheet)s”; its sheets are: %(names)s.")
        % {"sheet": sheet, "names": ", ".join(names)}
    )


def _open_calamine(path, sheet):
    from python_calamine import CalamineError, SheetTypeEnum, load_workbook

    try:
        workbook = load_workbook(path)
        names = [
            meta.name
            for meta in workbook.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet
        ] or workbook.sheet_names
        name = _pick_sheet(names, sheet)
        data = workbook.get_sheet_by_name(name)
    except CalamineError as error:
        if "password" in str(error).lower() or "encrypt" in str(error).lower():
            raise ImportFileError(_ole_message(path)) from error
        raise ImportFileError(
            _("The workbook is damaged and cannot be read: %(error)s")
            % {"error": error}
        ) from error
    return Table(names, name, _calamine_rows(data), format="xlsx")


def _calamine_rows(data):
    start_row, start_col = data.start or (0, 0)
    merged = _merged_map(data.merged_cell_ranges or ())
    anchors = {}
    rows = data.iter_rows()
    for offset, values in enumerate(rows):
        number = start_row + offset + 1
        values = [""] * start_col + [clean_cell(value) for value in values]
        if merged:
            _fill_merged(number - 1, values, merged, anchors)
        yield Row(number, values)


def _merged_map(ranges):
    """{(row, col): (anchor_row, anchor_col)} for every covered cell (0-based)."""
    cells = {}
    for (row0, col0), (row1, col1) in ranges:
        if (row1 - row0 + 1) * (col1 - col0 + 1) > 100_000:
            continue
        for row in range(row0, row1 + 1):
            for col in range(col0, col1 + 1):
                cells[(row, col)] = (row0, col0)
    return cells


def _fill_merged(row, values, merged, anchors):
    for col in range(len(values)):
        anchor = merged.get((row, col))
        if anchor is None:
            continue
        if anchor == (row, col):
            anchors[anchor] = values[col]
        elif values[col] in ("", None):
            values[col] = anchors.get(anchor, "")
    widest = max((col for (r, col) in merged if r == row), default=-1)
    for col in range(len(values), widest + 1):
        anchor = merged.get((row, col))
        values.append(anchors.get(anchor, "") if anchor else "")


def _open_openpyxl(path, sheet):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            _("The workbook is damaged and cannot be read: %(error)s")
            % {"error": error}
        ) from error
    names = workbook.sheetnames
    name = _pick_sheet(names, sheet)
    return Table(names, name, _openpyxl_rows(workbook, workbook[name]))


def _openpyxl_rows(workbook, worksheet):
    try:
        for number, values in enumerate(worksheet.iter_rows(values_only=True), 1):
            yield Row(number, [clean_cell(value) for value in values])
    finally:
        workbook.close()


# CSV ---------------------------------------------------------------------------

_SAMPLE_BYTES = 256 * 1024


def _open_text(path, filename):
    with open(path, "rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    encoding = detect_encoding(sample)
    text_sample = sample.decode(encoding, errors="replace")
    if _looks_like_html(text_sample):
        raise ImportFileError(
            " ".join(
                [
                    _(
                        "This file is a web page (HTML table) saved under a "
                        "spreadsheet name, as some CRMs export it."
                    ),
                    str(_SAVE_AS_XLSX),
                ]
            )
        )
    if "\x00" in text_sample or _is_binary(text_sample):
        raise ImportFileError(
            _(
                "This file is not a spreadsheet. Upload an Excel workbook "
                "(.xlsx) or a CSV file."
            )
        )
    delimiter = sniff_delimiter(text_sample)
    return Table(
        [filename],
        filename,
        _csv_rows(path, encoding, delimiter),
        format="csv",
    )


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 ("Unicode text"), else Windows-1251/1252."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample[1:200:2].count(0) > 50 and not sample[0:200:2].count(0):
        return "utf-16-le"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sample's end is still UTF-8.
        if error.start >= len(sample) - 3:
            return "utf-8"
    return "cp1251" if _cyrillic_like(sample) else "cp1252"


def _cyrillic_like(sample):
    """Russian text puts high bytes next to each other; Latin text keeps them apart."""
    high = paired = 0
    for index, byte in enumerate(sample):
        if byte >= 0xC0:
            high += 1
            if (index and sample[index - 1] >= 0xC0) or (
                index + 1 < len(sample) and sample[index + 1] >= 0xC0
            ):
                paired += 1
    return high and paired / high > 0.5


def _looks_like_html(text):
    start = text.lstrip("\ufeff \r\n\t")[:2000].lower()
    return start.startswith("<") and any(
        tag in start for tag in ("<html", "<table", "<!doctype", "<?xml")
    )


def _is_binary(text):
    sample = text[:4096]
    controls = len(_CONTROL_RE.findall(sample))
    return sample and controls / len(sample) > 0.1


def sniff_delimiter(text: str) -> str:
    """The one of ``,`` ``;`` tab that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line
    best, best_score = ",", (0, 0)
    for delimiter in (";", ",", "\t", "|"):
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        wide = [count for count in counts if count > 1]
        if not wide:
            continue
        modal = max(set(wide), key=wide.count)
        score = (wide.count(modal), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path, encoding, delimiter):
    csv.field_size_limit(max(crm_settings.IMPORT_MAX_CELL_LENGTH * 4, 131072))
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for values in reader:
                yield Row(
                    reader.line_num,
                    [clean_text(unneutralize(value)) for value in values],
                )
        except csv.Error as error:
            raise ImportFileError(
                _("The CSV file is malformed near line %(line)s: %(error)s")
                % {"line": reader.line_num, "error": error}
            ) from error


def limited_rows(rows, max_rows=None):
    """Rows until a long run of blanks, refusing more than ``max_rows`` rows."""
    max_rows = max_rows or crm_settings.IMPORT_MAX_ROWS
    blank_run = 0
    for count, row in enumerate(rows, 1):
        if not any(value not in ("", None) for value in row.values):
            blank_run += 1
            if blank_run >= BLANK_RUN_LIMIT:
                return
            continue
        blank_run = 0
        if count > max_rows:
            raise ImportFileError(
                _("The file has more than %(limit)s rows; split it into parts.")
                % {"limit": max_rows}
            )
        yield row
