from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...reminders import send_task_reminders, send_task_reminders_task


class Command(BaseCommand):
    help = (
        "E-mail every user their due and overdue CRM tasks, once a day. "
        "Safe to run several times a day: a user is reminded at most once per day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", dest="day", help="Day to remind about (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task queue instead of sending now.",
        )

    def handle(self, *args, day=None, enqueue=False, **options):
        day = self.parse_day(day)
        if enqueue:
            iso = day.isoformat() if day else None
            transaction.on_commit(lambda: send_task_reminders_task.enqueue(iso))
            self.stdout.write("Task reminders enqueued.")
            return
        sent = send_task_reminders(day)
        self.stdout.write(f"Task reminders sent: {sent}")

    @staticmethod
    def parse_day(value):
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
