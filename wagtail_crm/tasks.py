"""Background tasks of the sales area (django_tasks; they take ids, never instances)."""

from datetime import date

from django_tasks import task

from .reminders import send_task_reminders


@task()
def send_task_reminders_task(day: str | None = None) -> int:
    """Daily reminder e-mails for ``day`` (ISO date; default today). Safe to repeat."""
    return send_task_reminders(date.fromisoformat(day) if day else None)
