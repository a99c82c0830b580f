import django_filters
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView

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
    "day": (TruncDay, _("Day"), "SHORT_DATE_FORMAT"),
    "week": (TruncWeek, _("Week"), "SHORT_DATE_FORMAT"),
    "month": (TruncMonth, _("Month"), "YEAR_MONTH_FORMAT"),
}


def noop(queryset, name, value):
    """For filters that choose how to aggregate rather than what to keep."""
    return queryset


def format_period(value, interval):
    return date_format(value, INTERVALS[interval][2]) if value else ""


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


class CRMReportView(ReportView):
    """A report whose ``object_list`` is aggregated rows (dicts) plus a chart."""

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
