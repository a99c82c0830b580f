"""The pipeline board: stages as columns, deals as cards, drag and drop to move.

Every card also carries a small form (stage select + reason + button) so the
board works without JavaScript and from the keyboard; ``board.js`` adds drag
and drop and arrow keys on top of the same POST endpoint.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic import PermissionCheckedMixin
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy

from ..models import Deal, Pipeline, Stage
from ..permissions import can_see_all, visible_to
from ..pipeline import StageChangeError, move_deal
from .base import ScreenViewSet, format_totals

CARDS_PER_COLUMN = 25
deal_policy = ModelPermissionPolicy(Deal)


def column_summaries(deals, stage_ids):
    """``{stage_id: {"count": n, "totals": [(currency, amount)]}}``, one query."""
    summaries = {pk: {"count": 0, "totals": []} for pk in stage_ids}
    rows = (
        deals.filter(stage_id__in=stage_ids)
        .order_by()
        .values("stage_id", "currency")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("stage_id", "currency")
    )
    for row in rows:
        summary = summaries[row["stage_id"]]
        summary["count"] += row["count"]
        if row["amount"] is not None:
            summary["totals"].append((row["currency"], row["amount"]))
    for summary in summaries.values():
        summary["total_text"] = format_totals(summary["totals"])
    return summaries


def top_cards(deals, stage_ids, limit=CARDS_PER_COLUMN):
    """The ``limit`` most recently moved deals of each stage, in one query.

    One small sliced subquery per stage (served by the stage/stage_changed_at
    index) rather than a window function, which would rank every deal.
    """
    recent = deals.order_by("-stage_changed_at", "-pk").values("pk")
    wanted = Q(pk__in=[])
    for stage_id in stage_ids:
        wanted |= Q(pk__in=recent.filter(stage_id=stage_id)[:limit])
    return (
        Deal.objects.filter(wanted)
        .select_related("organization", "owner")
        .order_by("stage_id", "-stage_changed_at", "-pk")
    )


def display_name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def stage_options(stages):
    """``{stage_id: "<option>…"}``: each card's select, built once per stage."""
    return {
        current.pk: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((s.pk, " selected" if s == current else "", s.name) for s in stages),
        )
        for current in stages
    }


class BoardView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_crm/board/index.html"
    permission_policy = deal_policy
    any_permission_required = ["view", "change"]
    page_title = _("Pipeline board")
    header_icon = "table"
    move_url_name = None

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    @cached_property
    def pipelines(self):
        return list(Pipeline.objects.order_by("-is_default", "name"))

    @cached_property
    def pipeline(self):
        wanted = self.request.GET.get("pipeline")
        chosen = next((p for p in self.pipelines if str(p.pk) == wanted), None)
        return chosen or next(iter(self.pipelines), None)

    @cached_property
    def owner_id(self):
        """The owner filter; people who see only their own deals get no choice."""
        if not can_see_all(self.request.user):
            return None
        value = self.request.GET.get("owner", "")
        return int(value) if value.isdigit() else None

    def get_deals(self):
        deals = visible_to(Deal.objects.all(), self.request.user)
        deals = deals.filter(stage__pipeline=self.pipeline)
        if self.owner_id:
            deals = deals.filter(owner_id=self.owner_id)
        return deals

    def get_owners(self):
        if not can_see_all(self.request.user):
            return []
        owner_ids = Deal.objects.filter(owner__isnull=False).values("owner_id")
        return (
            get_user_model()
            .objects.filter(pk__in=owner_ids)
            .order_by("first_name", "last_name", get_user_model().USERNAME_FIELD)
        )

    def get_columns(self):
        if self.pipeline is None:
            return []
        stages = list(self.pipeline.stages.order_by("sort_order", "pk"))
        deals = self.get_deals()
        summaries = column_summaries(deals, [stage.pk for stage in stages])
        cards = {stage.pk: [] for stage in stages}
        now = timezone.now()
        # reverse() once, not per card: the board renders up to hundreds of cards
        move_url = reverse(self.move_url_name, args=[0]).replace("/0/", "/%d/")
        edit_url = reverse("wagtailsnippets_wagtail_crm_deal:edit", args=[0])
        edit_url = edit_url.replace("/0/", "/%d/")
        options = stage_options(stages)
        for deal in top_cards(deals, [stage.pk for stage in stages]):
            deal.stage_options = options[deal.stage_id]
            deal.days_in_stage = (now - deal.stage_changed_at).days
            deal.amount_text = format_totals([(deal.currency, deal.amount)])
            deal.owner_name = display_name(deal.owner)
            deal.move_url = move_url % deal.pk
            deal.edit_url = edit_url % deal.pk
            cards[deal.stage_id].append(deal)
        return [
            {
                "stage": stage,
                "deals": cards[stage.pk],
                "hidden": summaries[stage.pk]["count"] - len(cards[stage.pk]),
                **summaries[stage.pk],
            }
            for stage in stages
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        columns = self.get_columns()
        context.update(
            pipelines=self.pipelines,
            pipeline=self.pipeline,
            owners=self.get_owners(),
            owner_id=self.owner_id,
            columns=columns,
            stages=[column["stage"] for column in columns],
            can_move=deal_policy.user_has_permission(self.request.user, "change"),
            next_query=self.request.GET.urlencode(),
            deals_index_url=reverse("wagtailsnippets_wagtail_crm_deal:list"),
        )
        return context


class MoveDealView(View):
    """POST ``stage`` (and ``reason`` for a lost stage) to move one deal."""

    http_method_names = ["post"]
    index_url_name = None

    def post(self, request, pk):
        if not deal_policy.user_has_permission(request.user, "change"):
            if self.wants_json():
                message = gettext("You may not change deals.")
                return JsonResponse({"error": message}, status=403)
            raise PermissionDenied
        visible = visible_to(Deal.objects.select_related("stage"), request.user)
        deal = get_object_or_404(visible, pk=pk)
        stage_id = request.POST.get("stage", "")
        stage = (
            Stage.objects.filter(pk=stage_id).first() if stage_id.isdigit() else None
        )
        if stage is None:
            return self.failure(gettext("Choose a stage."))
        try:
            move_deal(deal, stage, request.user, reason=request.POST.get("reason", ""))
        except StageChangeError as exc:
            return self.failure(str(exc))
        return self.success(deal)

    def wants_json(self):
        return "application/json" in self.request.headers.get("Accept", "")

    def failure(self, message):
        if self.wants_json():
            return JsonResponse({"error": message}, status=400)
        messages.error(self.request, message)
        return self.back()

    def success(self, deal):
        if self.wants_json():
            return JsonResponse(self.describe(deal))
        messages.success(
            self.request,
            gettext("“%(deal)s” moved to %(stage)s.")
            % {"deal": deal.title, "stage": deal.stage.name},
        )
        return self.back()

    def describe(self, deal):
        """The moved deal and fresh count/total of every column of its pipeline."""
        pipeline_id = deal.stage.pipeline_id
        deals = visible_to(Deal.objects.all(), self.request.user)
        stage_ids = Stage.objects.filter(pipeline_id=pipeline_id).values_list(
            "pk", flat=True
        )
        summaries = column_summaries(
            deals.filter(stage__pipeline_id=pipeline_id), list(stage_ids)
        )
        columns = {
            str(pk): {"count": summary["count"], "total": summary["total_text"]}
            for pk, summary in summaries.items()
        }
        return {"deal": deal.pk, "stage": deal.stage_id, "columns": columns}

    def back(self):
        url = reverse(self.index_url_name)
        query = self.request.POST.get("next_query", "")
        return redirect(f"{url}?{query}" if query else url)


class BoardViewSet(ScreenViewSet):
    name = "crm-board"
    icon = "table"
    menu_label = _("Board")

    def user_can_use(self, user):
        return deal_policy.user_has_any_permission(user, ["view", "change"])

    def get_urlpatterns(self):
        return [
            path(
                "",
                BoardView.as_view(move_url_name=self.get_url_name("move")),
                name="index",
            ),
            path(
                "move/<int:pk>/",
                MoveDealView.as_view(index_url_name=self.get_url_name("index")),
                name="move",
            ),
        ]
