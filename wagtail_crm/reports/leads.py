"""Leads over time, by UTM campaign or by the page whose form they came from."""

from collections import defaultdict

import django_filters
from django.db.models import Count, F, Max, Min
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy

from ..models import Lead
from ..permissions import visible_to
from .base import (
    INTERVALS,
    PALETTE,
    CRMReportView,
    PeriodFilterSet,
    format_period,
    in_range,
    noop,
    period_case,
    period_starts,
)

GROUPINGS = {
    "campaign": ("utm_campaign", _("UTM campaign")),
    "page": ("source_page__title", _("Source page")),
}
MAX_SERIES = len(PALETTE) - 1  # the rest is summed up as "Other"


class LeadsFilterSet(PeriodFilterSet):
    by = django_filters.ChoiceFilter(
        label=_("Group by"),
        choices=[(key, label) for key, (_field, label) in GROUPINGS.items()],
        empty_label=None,
        null_label=None,
        method=noop,
    )
    interval = django_filters.ChoiceFilter(
        label=_("Interval"),
        choices=[(key, label) for key, (label, _format) in INTERVALS.items()],
        empty_label=None,
        method=noop,
    )

    class Meta:
        model = Lead
        fields = []

    def choice(self, name, default):
        value = self.form.cleaned_data.get(name) if self.is_valid() else None
        return value or default


class LeadsReportView(CRMReportView):
    page_title = _("Leads by source")
    header_icon = "mail"
    report_name = "leads"
    filterset_class = LeadsFilterSet
    permission_policy = ModelPermissionPolicy(Lead)
    any_permission_required = ["view", "change"]
    description = _(
        "New leads per period, by the UTM campaign of the visit or by the page "
        "whose form was sent."
    )
    list_export = ["period_label", "source", "leads"]

    @property
    def grouping(self):
        return self.filters.choice("by", "campaign")

    @property
    def interval(self):
        return self.filters.choice("interval", "month")

    @property
    def export_headings(self):
        return {
            "period_label": INTERVALS[self.interval][0],
            "source": GROUPINGS[self.grouping][1],
            "leads": gettext("Leads"),
        }

    @property
    def columns(self):
        return [
            Column("period_label", label=INTERVALS[self.interval][0]),
            Column("source", label=GROUPINGS[self.grouping][1]),
            Column("leads", label=_("Leads")),
        ]

    def get_queryset(self):
        return visible_to(Lead.objects.all(), self.request.user)

    def get_rows(self):
        field = GROUPINGS[self.grouping][0]
        leads = in_range(self.get_queryset(), "created_at", self.filters.date_range())
        bounds = leads.aggregate(first=Min("created_at"), last=Max("created_at"))
        if bounds["first"] is None:
            return []
        starts = period_starts(bounds["first"], bounds["last"], self.interval)
        rows = (
            leads.filter(created_at__gte=starts[0])
            .order_by()
            .values(period=period_case("created_at", starts), source=F(field))
            .annotate(leads=Count("pk"))
            .order_by("period", "source")
        )
        unnamed = gettext("(none)")
        return [
            row
            | {
                "period": starts[row["period"]],
                "source": row["source"] or unnamed,
                "period_label": format_period(starts[row["period"]], self.interval),
            }
            for row in rows
        ]

    def get_chart(self, rows):
        """Stacked bars: one bar per period, one colour per campaign/page."""
        labels = list(dict.fromkeys(row["period_label"] for row in rows))
        totals = defaultdict(int)
        for row in rows:
            totals[row["source"]] += row["leads"]
        top = sorted(totals, key=lambda source: -totals[source])[:MAX_SERIES]
        other = gettext("Other")
        series = defaultdict(lambda: dict.fromkeys(labels, 0))
        for row in rows:
            name = row["source"] if row["source"] in top else other
            series[name][row["period_label"]] += row["leads"]
        order = top + ([other] if other in series else [])
        return {
            "type": "bar",
            "title": str(self.page_title),
            "labels": labels,
            "datasets": [
                {
                    "label": name,
                    "data": list(series[name].values()),
                    "backgroundColor": PALETTE[index % len(PALETTE)],
                }
                for index, name in enumerate(order)
            ],
            "options": {
                "scales": {
                    "x": {"stacked": True},
                    "y": {"stacked": True, "beginAtZero": True},
                }
            },
        }
