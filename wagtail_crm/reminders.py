"""The daily e-mail of due and overdue tasks, one per user and day.

``send_task_reminders(day)`` is the one entry point, used by the background
task and by ``manage.py crm_send_reminders``. A ``TaskReminder`` row per
user and day is written in the same transaction as the e-mail is sent, so
running it twice (two cron lines, a retried task) sends nothing the second time.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django_tasks import task
from wagtail.admin.utils import get_admin_base_url
from wagtail.users.models import UserProfile

from .models import Task, TaskReminder


def day_bounds(day=None):
    """Aware start and end of ``day`` (default: today) in the current time zone."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def due_tasks_by_user(day):
    """``{user: [tasks]}`` of open tasks due before the end of ``day``."""
    _start, end = day_bounds(day)
    already = TaskReminder.objects.filter(day=day).values("user_id")
    tasks = (
        Task.objects.filter(
            done=False,
            due_at__lt=end,
            assignee__is_active=True,
        )
        .exclude(assignee__email="")
        .exclude(assignee_id__in=already)
        .select_related("assignee", "contact", "organization", "lead", "deal")
        .order_by("assignee_id", "due_at", "pk")
    )
    grouped = defaultdict(list)
    for item in tasks:
        grouped[item.assignee].append(item)
    return grouped


def send_task_reminders(day=None) -> int:
    """Send today's reminders that were not sent yet; return how many were sent."""
    day = day or timezone.localdate()
    grouped = due_tasks_by_user(day)
    languages = dict(
        UserProfile.objects.filter(user__in=list(grouped)).values_list(
            "user_id", "preferred_language"
        )
    )
    sent = 0
    for user, tasks in grouped.items():
        language = languages.get(user.pk) or settings.LANGUAGE_CODE
        with translation.override(language):
            sent += _send_once(user, tasks, day)
    return sent


@task()
def send_task_reminders_task(day: str | None = None) -> int:
    """The background task: ``day`` is an ISO date (default today)."""
    return send_task_reminders(date.fromisoformat(day) if day else None)


def _send_once(user, tasks, day):
    start, _end = day_bounds(day)
    try:
        with transaction.atomic():
            TaskReminder.objects.create(user=user, day=day, task_count=len(tasks))
            _send(user, tasks, start)
    except IntegrityError:
        return 0  # sent by a run that overlapped with this one
    return 1


def _send(user, tasks, start_of_day):
    overdue = [item for item in tasks if item.due_at < start_of_day]
    today = [item for item in tasks if item.due_at >= start_of_day]
    context = {
        "user": user,
        "overdue": overdue,
        "today": today,
        "my_tasks_url": get_admin_base_url() + reverse("crm-my-tasks:index"),
    }
    subject = ngettext(
        "%(count)s task to do today", "%(count)s tasks to do today", len(tasks)
    ) % {"count": len(tasks)}
    if overdue:
        subject += " — " + gettext("%(count)s overdue") % {"count": len(overdue)}
    send_mail(
        subject=subject,
        message=render_to_string("wagtail_crm/emails/task_reminder.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
