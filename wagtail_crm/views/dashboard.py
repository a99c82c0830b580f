"""The CRM panel on the Wagtail dashboard: the user's own tasks and new leads."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from wagtail.admin.ui.components import Component

from ..models import Deal, Lead, Stage, Task

LIST_LIMIT = 10


def _today_bounds():
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    return start, start + timedelta(days=1)


class CRMDashboardPanel(Component):
    name = "wagtail_crm"
    order = 90
    template_name = "wagtail_crm/dashboard/panel.html"

    def __init__(self, request):
        self.request = request
        self.user = request.user

    @classmethod
    def is_shown_to(cls, user):
        return any(
            user.has_perm(f"wagtail_crm.{perm}")
            for perm in ("view_task", "change_task", "view_lead", "change_lead")
        )

    def get_context_data(self, parent_context=None):
        start, end = _today_bounds()
        now = timezone.now()
        open_tasks = Task.objects.filter(assignee=self.user, done=False)
        overdue = open_tasks.filter(due_at__lt=now).select_related(
            "contact", "organization"
        )
        today = open_tasks.filter(due_at__gte=now, due_at__lt=end).select_related(
            "contact", "organization"
        )
        new_leads = Lead.objects.filter(owner=self.user, status=Lead.Status.NEW)
        open_deals = Deal.objects.filter(owner=self.user, stage__kind=Stage.Kind.OPEN)
        return {
            "overdue_tasks": overdue.order_by("due_at")[:LIST_LIMIT],
            "today_tasks": today.order_by("due_at")[:LIST_LIMIT],
            "new_leads": new_leads.order_by("-created_at")[:LIST_LIMIT],
            "counts": {
                "overdue": overdue.count(),
                "today": today.count(),
                "new_leads": new_leads.count(),
                "open_deals": open_deals.count(),
            },
            "task_list_url": Task.snippet_viewset.get_url_name("list"),
            "lead_list_url": Lead.snippet_viewset.get_url_name("list"),
        }
