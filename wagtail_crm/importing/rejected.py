"""Workbooks the wizard offers: the rejected rows with their reasons, and a template."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from ..exporting import _cell, _text_cell
from .headers import FIELDS
from .pipeline import prepare
from .tasks import options_for

TEMPLATE_EXAMPLE = {
    "full_name": "Иванов Иван Иванович",
    "email": "ivanov@example.com",
    "phone": "+7 495 123-45-67 доб. 12",
    "mobile_phone": "+7 916 123-45-67",
    "job_title": "Директор",
    "organization": "ООО «Ромашка»",
    "tax_id": "7701234567",
    "website": "https://example.com",
    "address": "Москва, ул. Ленина, 1",
    "notes": "",
}


def rejected_reasons(job):
    """{row number: "column: reason; …"} of every rejected row of ``job``."""
    entries = list(job.report or [])
    for batch in job.batches.all():
        entries.extend(batch.entries)
    reasons = {}
    for entry in entries:
        if entry["status"] == "error":
            reasons[entry["row"]] = "; ".join(
                f"{error['column']}: {error['message']}" for error in entry["errors"]
            )
    return reasons


def rejected_rows_workbook(job, path):
    """The header row and every rejected row as uploaded, plus a "Reason" column."""
    reasons = rejected_reasons(job)
    found = prepare(path, options_for(job), filename=job.original_name)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rejected rows")[:31])
    sheet.append([_text_cell(sheet, h) for h in [*found.headers, _("Reason")]])
    for row in found.rows:
        if row.number in reasons:
            values = list(row.values) + [""] * (len(found.headers) - len(row.values))
            cells = [_cell(sheet, value) for value in values]
            sheet.append([*cells, _text_cell(sheet, reasons[row.number])])
    return workbook


def template_workbook():
    """An import template: our headers and one example row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contacts")[:31])
    names = list(TEMPLATE_EXAMPLE)
    sheet.append([_text_cell(sheet, str(FIELDS[name])) for name in names])
    sheet.append([_text_cell(sheet, TEMPLATE_EXAMPLE[name]) for name in names])
    return workbook
