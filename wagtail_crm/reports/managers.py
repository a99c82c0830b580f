"""Manager performance: leads handled, activities, deals won and their amount."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy

from ..models import Activity, Deal, Lead, Stage
from ..permissions import visible_to
from ..views.base import format_totals
from .base import PALETTE, CRMReportView, PeriodFilterSet, in_range


class ManagersFilterSet(PeriodFilterSet):
    class Meta:
        model = Deal
        fields = []


def _counts(queryset, user_field):
    rows = (
        queryset.filter(**{f"{user_field}__isnull": False})
        .order_by()
        .values(user_field)
        .annotate(n=Count("pk"))
    )
    return {row[user_field]: row["n"] for row in rows}


class ManagersReportView(CRMReportView):
    page_title = _("Manager performance")
    header_icon = "user"
    report_name = "managers"
    filterset_class = ManagersFilterSet
    permission_policy = ModelPermissionPolicy(Deal)
    any_permission_required = ["view", "change"]
    description = _(
        "Per owner: leads received in the period, activities logged, and deals "
        "won (closed in the period) with their amount."
    )
    list_export = ["manager", "leads", "activities", "deals_won", "won_amount"]
    export_headings = {
        "manager": _("Manager"),
        "leads": _("Leads handled"),
        "activities": _("Activities"),
        "deals_won": _("Deals won"),
        "won_amount": _("Amount won"),
    }
    columns = [
        Column("manager", label=_("Manager")),
        Column("leads", label=_("Leads handled")),
        Column("activities", label=_("Activities")),
        Column("deals_won", label=_("Deals won")),
        Column("won_amount", label=_("Amount won")),
    ]

    def get_queryset(self):
        return visible_to(Deal.objects.all(), self.request.user)

    def get_rows(self):
        user = self.request.user
        dates = self.filters.date_range()
        leads = in_range(visible_to(Lead.objects.all(), user), "created_at", dates)
        activities = in_range(
            visible_to(Activity.objects.all(), user), "occurred_at", dates
        )
        won = in_range(
            self.get_queryset().filter(stage__kind=Stage.Kind.WON),
            "closed_at",
            dates,
        )
        lead_counts = _counts(leads, "owner_id")
        activity_counts = _counts(activities, "author_id")
        won_counts, won_totals = self.won_by_owner(won)
        ids = set(lead_counts) | set(activity_counts) | set(won_counts)
        users = get_user_model().objects.filter(pk__in=ids)
        rows = [
            {
                "user_id": person.pk,
                "manager": person.get_full_name() or person.get_username(),
                "leads": lead_counts.get(person.pk, 0),
                "activities": activity_counts.get(person.pk, 0),
                "deals_won": won_counts.get(person.pk, 0),
                "won_amount": format_totals(won_totals.get(person.pk, [])),
                "won_sort": sum(amount for _c, amount in won_totals.get(person.pk, [])),
            }
            for person in users
        ]
        return sorted(
            rows,
            key=lambda r: (-r["won_sort"], -r["deals_won"], -r["leads"], r["manager"]),
        )

    @staticmethod
    def won_by_owner(won):
        rows = (
            won.filter(owner__isnull=False)
            .order_by()
            .values("owner_id", "currency")
            .annotate(n=Count("pk"), amount=Sum("amount"))
            .order_by("owner_id", "currency")
        )
        counts, totals = defaultdict(int), defaultdict(list)
        for row in rows:
            counts[row["owner_id"]] += row["n"]
            if row["amount"] is not None:
                totals[row["owner_id"]].append((row["currency"], row["amount"]))
        return counts, totals

    def get_chart(self, rows):
        metrics = [
            ("leads", _("Leads handled")),
            ("activities", _("Activities")),
            ("deals_won", _("Deals won")),
        ]
        return {
            "type": "bar",
            "title": str(self.page_title),
            "labels": [row["manager"] for row in rows],
            "datasets": [
                {
                    "label": str(label),
                    "data": [row[key] for row in rows],
                    "backgroundColor": PALETTE[index],
                }
                for index, (key, label) in enumerate(metrics)
            ],
            "options": {"scales": {"y": {"beginAtZero": True}}},
        }
