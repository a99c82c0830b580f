from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail_crm.models import Task, TaskReminder
from wagtail_crm.reminders import send_task_reminders, send_task_reminders_task

from .sales_factories import TaskFactory, manager

pytestmark = pytest.mark.django_db

URL = "/admin/crm-my-tasks/"


@pytest.fixture
def olga():
    return manager("olga", "wagtail_crm.change_task", "wagtail_crm.view_task")


@pytest.fixture
def ivan():
    return manager("ivan", "wagtail_crm.change_task", "wagtail_crm.view_task")


def in_hours(hours):
    return timezone.now() + timedelta(hours=hours)


def test_my_tasks_are_grouped(client, olga, ivan):
    TaskFactory(title="Late", assignee=olga, due_at=in_hours(-30))
    TaskFactory(
        title="Soon", assignee=olga, due_at=timezone.now() + timedelta(minutes=1)
    )
    TaskFactory(title="Next week", assignee=olga, due_at=in_hours(24 * 7))
    TaskFactory(title="Whenever", assignee=olga)
    TaskFactory(title="Finished", assignee=olga, due_at=in_hours(-2), done=True)
    TaskFactory(title="Ivan's", assignee=ivan, due_at=in_hours(-2))
    client.force_login(olga)

    response = client.get(URL)

    sections = {
        key: [t.title for t in tasks] for key, _t, tasks in response.context["sections"]
    }
    assert sections["overdue"] == ["Late"]
    assert sections["upcoming"] == ["Next week"]
    assert sections["undated"] == ["Whenever"]
    # "Soon" is today unless the minute crosses midnight
    assert "Soon" in sections["today"] + sections["upcoming"]
    assert b"Ivan" not in response.content and b"Finished" not in response.content


def test_complete_in_place(client, olga):
    task = TaskFactory(assignee=olga, due_at=in_hours(-1))
    client.force_login(olga)

    response = client.post(
        reverse("crm-my-tasks:complete", args=[task.pk]), follow=True
    )

    task.refresh_from_db()
    assert task.done and task.done_at is not None
    assert "is done" in response.content.decode()
    assert task.title not in [
        t.title for _k, _t, tasks in response.context["sections"] for t in tasks
    ]


def test_cannot_complete_someone_elses_task(client, olga, ivan):
    task = TaskFactory(assignee=ivan)
    client.force_login(olga)

    response = client.post(reverse("crm-my-tasks:complete", args=[task.pk]))

    assert response.status_code == 404
    assert not Task.objects.get().done


def test_complete_needs_post(client, olga):
    task = TaskFactory(assignee=olga)
    client.force_login(olga)

    assert (
        client.get(reverse("crm-my-tasks:complete", args=[task.pk])).status_code == 405
    )


def test_reminder_lists_due_and_overdue_tasks_once_a_day(olga, ivan):
    start_of_today = timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time())
    )
    TaskFactory(
        title="Call Ivanov back",
        assignee=olga,
        due_at=start_of_today - timedelta(days=2),
    )
    TaskFactory(
        title="Send the invoice",
        assignee=olga,
        due_at=start_of_today + timedelta(hours=12),
    )
    TaskFactory(
        title="Next week", assignee=olga, due_at=start_of_today + timedelta(days=7)
    )
    TaskFactory(title="Done", assignee=olga, due_at=start_of_today, done=True)
    TaskFactory(
        title="Ivan's task", assignee=ivan, due_at=start_of_today + timedelta(hours=1)
    )

    first = send_task_reminders()
    second = send_task_reminders()

    assert (first, second) == (2, 0)
    assert len(mail.outbox) == 2
    olga_mail = next(m for m in mail.outbox if m.to == ["olga@example.com"])
    assert olga_mail.subject == "2 tasks to do today — 1 overdue"
    assert "Call Ivanov back" in olga_mail.body and "Send the invoice" in olga_mail.body
    assert "Next week" not in olga_mail.body and "Done" not in olga_mail.body
    assert "http://testserver/admin/crm-my-tasks/" in olga_mail.body
    assert TaskReminder.objects.filter(user=olga).get().task_count == 2


def test_command_and_task_share_the_once_a_day_guard(olga, capsys):
    TaskFactory(assignee=olga, due_at=in_hours(-1))

    call_command("crm_send_reminders")
    call_command("crm_send_reminders")
    result = send_task_reminders_task.enqueue()

    assert len(mail.outbox) == 1
    assert result.return_value == 0
    assert "Task reminders sent: 1" in capsys.readouterr().out


def test_command_reminds_for_another_day(olga):
    TaskFactory(assignee=olga, due_at=in_hours(24 * 3))
    day = timezone.localdate() + timedelta(days=3)

    call_command("crm_send_reminders", "--date", day.isoformat())

    assert len(mail.outbox) == 1
    assert TaskReminder.objects.get().day == day


def test_users_without_email_are_skipped(olga):
    olga.email = ""
    olga.save()
    TaskFactory(assignee=olga, due_at=in_hours(-1))

    assert send_task_reminders() == 0
    assert not TaskReminder.objects.exists()
