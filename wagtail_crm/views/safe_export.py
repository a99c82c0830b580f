"""Wagtail's listing and report downloads: for those who may export, and
safe to open in Excel.

Downloading needs the "Can export CRM records" permission
(``wagtail_crm.export_records``): without it the buttons are hidden and the
download is refused.

Wagtail writes xlsx cells as text already (a value that looks like a formula
stays a string), but its CSV carries values as they are: a contact named
``=HYPERLINK(...)`` would run in the spreadsheet of whoever opens the file.
Here every CSV cell goes through :func:`wagtail_crm.exporting.neutralize`, as
``crm_export`` does, and the file starts with a UTF-8 byte order mark so that
Excel reads Cyrillic and other non-Latin text correctly.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.admin.utils import get_user_display_name

from ..exporting import neutralize

EXPORT_PERMISSION = "wagtail_crm.export_records"

BOM = "\ufeff".encode()


def can_export(user):
    return bool(user and user.is_active and user.has_perm(EXPORT_PERMISSION))


class CRMExportMixin:
    """For views with Wagtail's ``SpreadsheetExportMixin``."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.is_export and not can_export(request.user):
            raise PermissionDenied

    @property
    def show_export_buttons(self):
        return super().show_export_buttons and can_export(self.request.user)

    def to_row_dict(self, item):
        """People by their names, times in the site's time zone to the second
        (Wagtail writes a username and UTC with microseconds)."""
        row = super().to_row_dict(item)
        for field, value in row.items():
            if isinstance(value, AbstractBaseUser):
                row[field] = get_user_display_name(value)
            elif isinstance(value, datetime.datetime):
                if timezone.is_aware(value):
                    value = timezone.make_naive(value)
                row[field] = value.replace(microsecond=0)
        return row

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
