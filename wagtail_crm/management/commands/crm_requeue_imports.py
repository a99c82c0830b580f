from django.core.management.base import BaseCommand
from django.db import connection

from ...importing.tasks import requeue_orphaned_imports


class Command(BaseCommand):
    help = (
        "Queue again the imports whose worker died mid-way (killed, out of "
        "memory, host lost); they resume after their last committed batch. "
        "Safe to run every few minutes from cron (PostgreSQL only)."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Orphaned imports are detected on PostgreSQL only.")
            return
        requeued = requeue_orphaned_imports()
        if requeued:
            ids = ", ".join(str(pk) for pk in requeued)
            self.stdout.write(f"Queued again: import {ids}.")
        else:
            self.stdout.write("No orphaned import.")
