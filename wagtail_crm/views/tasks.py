"""My tasks: what the signed-in manager has to do, overdue / today / upcoming."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from ..models import Task
from ..permissions import visible_to
from ..reminders import day_bounds
from .base import ScreenViewSet

task_policy = ModelPermissionPolicy(Task)
LIMIT = 100


class MyTasksView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_crm/tasks/my_tasks.html"
    page_title = _("My tasks")
    header_icon = "date"
    complete_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not task_policy.user_has_any_permission(request.user, ["view", "change"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_sections(self):
        """Overdue (all of them), today, and the next upcoming / undated tasks."""
        tasks = (
            Task.objects.filter(assignee=self.request.user, done=False)
            .select_related("contact", "organization", "lead", "deal")
            .order_by("due_at", "pk")
        )
        now = timezone.now()
        _start, end = day_bounds(timezone.localdate(now))
        due_today = list(tasks.filter(due_at__lt=end))
        return [
            ("overdue", _("Overdue"), [t for t in due_today if t.due_at < now]),
            ("today", _("Today"), [t for t in due_today if t.due_at >= now]),
            ("upcoming", _("Upcoming"), tasks.filter(due_at__gte=end)[:LIMIT]),
            ("undated", _("No due date"), tasks.filter(due_at=None)[:LIMIT]),
        ]

    def get_context_data(self, **kwargs):
        sections = [(k, title, list(items)) for k, title, items in self.get_sections()]
        return super().get_context_data(
            sections=sections,
            complete_url_name=self.complete_url_name,
            can_complete=task_policy.user_has_permission(self.request.user, "change"),
            add_url=reverse("wagtailsnippets_wagtail_crm_task:add"),
            **kwargs,
        )


class CompleteTaskView(View):
    """POST: mark one of your tasks done (or ``done=0``: open it again)."""

    http_method_names = ["post"]
    index_url_name = None

    def post(self, request, pk):
        if not task_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        task = get_object_or_404(visible_to(Task.objects.all(), request.user), pk=pk)
        done = request.POST.get("done", "1") != "0"
        if task.done != done:
            task.done = done
            task.done_at = timezone.now() if done else None
            task.save(update_fields=["done", "done_at", "updated_at"])
            log(instance=task, action="wagtail.edit", user=request.user)
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"task": task.pk, "done": task.done})
        if done:
            message = gettext("“%(task)s” is done.")
        else:
            message = gettext("“%(task)s” is open again.")
        messages.success(request, message % {"task": task.title})
        return redirect(self.index_url_name)


class MyTasksViewSet(ScreenViewSet):
    name = "crm-my-tasks"
    icon = "date"
    menu_label = _("My tasks")

    def user_can_use(self, user):
        return task_policy.user_has_any_permission(user, ["view", "change"])

    def get_urlpatterns(self):
        return [
            path(
                "",
                MyTasksView.as_view(complete_url_name=self.get_url_name("complete")),
                name="index",
            ),
            path(
                "<int:pk>/complete/",
                CompleteTaskView.as_view(index_url_name=self.get_url_name("index")),
                name="complete",
            ),
        ]
