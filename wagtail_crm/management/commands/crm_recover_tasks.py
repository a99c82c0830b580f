from datetime import timedelta

from django.core.management.base import BaseCommand

from ...integrations.webhooks import fail_interrupted_deliveries
from ...task_recovery import GRACE, recover_tasks


class Command(BaseCommand):
    help = (
        "Queue again the wagtail-crm tasks (e-mails, webhook deliveries, reminders, "
        "imports, search indexing) that a dead db_worker left RUNNING in "
        "django-tasks-db, and mark failed the webhook deliveries a dead worker "
        "left half-sent. Safe to run every few minutes from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=int,
            default=3600,
            help="Without PostgreSQL: seconds after which a RUNNING task counts as "
            "lost (default 3600). On PostgreSQL a dead worker is detected at once.",
        )
        parser.add_argument(
            "--grace",
            type=float,
            default=GRACE.total_seconds(),
            help="PostgreSQL: leave tasks that started less than this many seconds "
            "ago alone (default 60).",
        )
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=3,
            help="Mark a task FAILED instead once this many workers died on it "
            "(default 3).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List, change nothing."
        )

    def handle(self, *args, timeout, grace, max_attempts, dry_run, **options):
        outcome = recover_tasks(
            timeout=timeout,
            grace=timedelta(seconds=grace),
            max_attempts=max_attempts,
            dry_run=dry_run,
        )
        verb = "Would queue again" if dry_run else "Queued again"
        for result in outcome.requeued:
            self.stdout.write(f"{verb}: {result.task_path} {result.pk}")
        for result in outcome.failed:
            self.stdout.write(f"Failed (worker lost): {result.task_path} {result.pk}")
        if not outcome.requeued and not outcome.failed:
            self.stdout.write("No task lost its worker.")
        if not dry_run:
            interrupted = fail_interrupted_deliveries()
            if interrupted:
                self.stdout.write(
                    f"Webhook deliveries interrupted mid-request, marked failed: "
                    f"{interrupted}"
                )
