from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView

from ..views.safe_export import CRMExportMixin

#: Colours of the chart series, readable on light and dark admin themes.
PALETTE = [
    "#2e6fd8",
    "#1b8666",
    "#e09e2d",
    "#cd4444",
    "#7a4fbf",
    "#00a0b0",
    "#8c6d3f",
    "#d45ca3",
    "#5c5c5c",
]

INTERVALS = {
    "day": (_("Day"), "SHORT_DATE_FORMAT"),
    "week": (_("Week"), "SHORT_DATE_FORMAT"),
    "month": (_("Month"), "YEAR_MONTH_FORMAT"),
}
#: Most periods one report shows; older data is left out (narrow the dates).
MAX_PERIODS = 400


def _period_start(day, interval):
    if interval == "month":
        return day.replace(day=1)
    if interval == "week":
        return day - timedelta(days=day.weekday())
    return day


def _next_period(day, interval):
    if interval == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=7 if interval == "week" else 1)


def period_starts(first, last, interval):
    """Aware local midnights starting each period from ``first`` to ``last``.

    Computed here rather than with ``Trunc()`` so the database only compares
    timestamps (SQLite truncates in Python, row by row), and periods follow
    the site's time zone on every database.
    """
    day = _period_start(timezone.localtime(first).date(), interval)
    end = timezone.localtime(last).date()
    starts = []
    while day <= end:
        starts.append(day)
        day = _next_period(day, interval)
    starts = starts[-MAX_PERIODS:]
    return [timezone.make_aware(datetime.combine(d, time.min)) for d in starts]


def period_case(field, starts):
    """SQL ``CASE``: the index of the period a row's ``field`` falls into."""
    whens = [
        When(**{f"{field}__gte": start}, then=Value(index))
        for index, start in reversed(list(enumerate(starts)))
    ]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def noop(queryset, name, value):
    """For filters that choose how to aggregate rather than what to keep."""
    return queryset


def format_period(value, interval):
    return date_format(timezone.localtime(value), INTERVALS[interval][1])


def percent(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


class PeriodFilterSet(WagtailFilterSet):
    """A date range; subclasses name the date field of their model."""

    period = django_filters.DateFromToRangeFilter(
        label=_("Period"), widget=DateRangePickerWidget, method=noop
    )

    def date_range(self):
        value = self.form.cleaned_data.get("period") if self.is_valid() else None
        if not value:
            return None, None
        return value.start, value.stop


def in_range(queryset, field, date_range):
    """Filter on ``field`` between the aware datetimes of a date range filter."""
    start, stop = date_range
    if start:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if stop:
        queryset = queryset.filter(**{f"{field}__lte": stop})
    return queryset


class CRMReportView(CRMExportMixin, ReportView):
    """A report whose ``object_list`` is aggregated rows (dicts) plus a chart.

    Downloading it takes *Can export CRM records*, as the listings do: a
    report sums up the whole team's work.
    """

    template_name = "wagtail_crm/reports/report.html"
    results_template_name = "wagtail_crm/reports/report_results.html"
    paginate_by = 100
    chart_type = "bar"
    url_namespace = None
    report_name = None
    description = ""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(f"{self.url_namespace}:index"), "label": _("Reports")},
            {"url": "", "label": self.get_page_title()},
        ]

    @property
    def index_url_name(self):
        return f"{self.url_namespace}:{self.report_name}"

    @property
    def index_results_url_name(self):
        return f"{self.url_namespace}:{self.report_name}_results"

    def get_filename(self):
        return f"crm-{self.report_name}-report"

    def get_filtered_queryset(self):
        return self.get_rows()

    def get_rows(self):
        raise NotImplementedError

    def get_chart(self, rows):
        raise NotImplementedError

    @cached_property
    def rows(self):
        return self.get_rows()

    def get(self, request, *args, **kwargs):
        self.object_list = self.rows
        context = self.get_context_data()
        if self.is_export:
            return self.as_spreadsheet(
                context["object_list"], self.request.GET.get("export")
            )
        context["chart"] = self.get_chart(self.rows)
        context["chart_id"] = f"crm-chart-{self.report_name}"
        context["chart_data_id"] = f"crm-chart-{self.report_name}-data"
        context["description"] = self.description
        return self.render_to_response(context)
