"""Write exported datasets so that no cell can run as a formula.

xlsx: every text cell is written as text (an inline string), never as a
formula, so "=HYPERLINK(...)" stays inert while "+74951234567" stays exactly
as it is. CSV: a cell a spreadsheet would evaluate (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) is prefixed with ``'`` as OWASP
recommends, except plain numbers and E.164 phones, which no spreadsheet runs.
"""

import csv
import datetime
import re

from django.utils.timezone import localtime
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Numbers and lists of phones: nothing a spreadsheet could call or link to.
_PHONE = r"[+-]?\d[\d ()-]*(?: ext\. \d+)?"
_HARMLESS_RE = re.compile(rf"^(?:[+-]?\d+(?:[.,]\d+)?|{_PHONE}(?:, {_PHONE})*)$")


def neutralize(value) -> str:
    """``value`` as CSV text a spreadsheet shows but never evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(_TRIGGERS) and not _HARMLESS_RE.match(text):
        return "'" + text
    return text


def unneutralize(text: str) -> str:
    """The inverse of ``neutralize`` for text read back from CSV."""
    if text.startswith("'") and text[1:].startswith(_TRIGGERS):
        return text[1:]
    return text


def write_csv(dataset, handle):
    writer = csv.writer(handle)
    writer.writerow([neutralize(header) for header in dataset.headers])
    for row in dataset:
        writer.writerow([neutralize(_plain(value)) for value in row])


def write_xlsx(dataset, handle, title="Export"):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([_text_cell(sheet, header) for header in dataset.headers])
    for row in dataset:
        sheet.append([_cell(sheet, value) for value in row])
    workbook.save(handle)


def _plain(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return localtime(value).isoformat(sep=" ", timespec="seconds")
    return value


def _cell(sheet, value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, datetime.date, bool)):
        return WriteOnlyCell(sheet, value=value)
    return _text_cell(sheet, value)


def _text_cell(sheet, value):
    text = str(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text, even when it starts with "="
    return cell
