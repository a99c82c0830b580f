"""The sales funnel: lead → qualified → converted → deal won, with rates.

A lead counts as *qualified* when its status is qualified or converted (a
converted lead was qualified on its way), *converted* when it became a
client, and *won* when it is converted and its deal is in a won stage.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy

from ..models import Lead, Stage
from ..permissions import visible_to
from .base import PALETTE, CRMReportView, PeriodFilterSet, in_range, percent

QUALIFIED = [Lead.Status.QUALIFIED, Lead.Status.CONVERTED]

STEPS = [
    ("leads", _("Leads"), Q()),
    ("qualified", _("Qualified"), Q(status__in=QUALIFIED)),
    ("converted", _("Converted"), Q(status=Lead.Status.CONVERTED)),
    (
        "won",
        _("Deal won"),
        Q(status=Lead.Status.CONVERTED, deal__stage__kind=Stage.Kind.WON),
    ),
]


class FunnelFilterSet(PeriodFilterSet):
    class Meta:
        model = Lead
        fields = []


class FunnelReportView(CRMReportView):
    page_title = _("Sales funnel")
    header_icon = "filter"
    report_name = "funnel"
    filterset_class = FunnelFilterSet
    permission_policy = ModelPermissionPolicy(Lead)
    any_permission_required = ["view", "change"]
    description = _(
        "Leads created in the period and how far they got. Conversion is from "
        "the previous step and from the first one."
    )
    list_export = ["step", "count", "step_rate", "overall_rate"]
    export_headings = {
        "step": _("Step"),
        "count": _("Leads"),
        "step_rate": _("From previous step, %"),
        "overall_rate": _("From all leads, %"),
    }
    columns = [
        Column("step", label=_("Step")),
        Column("count", label=_("Leads")),
        Column("step_rate", label=_("From previous step, %")),
        Column("overall_rate", label=_("From all leads, %")),
    ]

    def get_queryset(self):
        return visible_to(Lead.objects.all(), self.request.user)

    def get_rows(self):
        leads = in_range(self.get_queryset(), "created_at", self.filters.date_range())
        counts = leads.aggregate(
            **{key: Count("pk", filter=condition) for key, _l, condition in STEPS}
        )
        rows, previous, first = [], None, counts["leads"]
        for key, label, _condition in STEPS:
            count = counts[key]
            rows.append(
                {
                    "key": key,
                    "step": str(label),
                    "count": count,
                    "step_rate": percent(
                        count, first if previous is None else previous
                    ),
                    "overall_rate": percent(count, first),
                }
            )
            previous = count
        return rows

    def get_chart(self, rows):
        if not rows[0]["count"]:
            return {"labels": []}
        return {
            "type": "bar",
            "title": str(self.page_title),
            "labels": [row["step"] for row in rows],
            "datasets": [
                {
                    "label": str(_("Leads")),
                    "data": [row["count"] for row in rows],
                    "backgroundColor": PALETTE[: len(rows)],
                }
            ],
            "options": {
                "indexAxis": "y",
                "plugins": {"legend": {"display": False}},
                "scales": {"x": {"beginAtZero": True}},
            },
        }
