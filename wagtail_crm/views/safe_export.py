"""Wagtail's listing and report "Download CSV", made safe to open in Excel.

Wagtail writes xlsx cells as text already (a value that looks like a formula
stays a string), but its CSV carries values as they are: a contact named
``=HYPERLINK(...)`` would run in the spreadsheet of whoever opens the file.
Here every CSV cell goes through :func:`wagtail_crm.exporting.neutralize`, as
``crm_export`` does, and the file starts with a UTF-8 byte order mark so that
Excel reads Cyrillic and other non-Latin text correctly.
"""

from ..exporting import neutralize

BOM = "\ufeff".encode()


class SafeCSVExportMixin:
    """For views with Wagtail's ``SpreadsheetExportMixin``."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: neutralize(
                    self.preprocess_field_value(field, value, self.FORMAT_CSV)
                )
                for field, value in row_dict.items()
            }
        )

    def stream_csv(self, queryset):
        rows = super().stream_csv(queryset)
        yield BOM + next(rows, b"")  # Wagtail yields the rows encoded
        yield from rows
