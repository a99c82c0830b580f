"""Remove old unconverted leads and old raw submissions (data retention)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...conf import crm_settings
from ...privacy.retention import purge


class Command(BaseCommand):
    help = (
        "Delete unconverted leads, quarantined submissions and Wagtail form "
        "submissions older than WAGTAILCRM_LEAD_RETENTION_DAYS (or --days)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = days if days is not None else crm_settings.LEAD_RETENTION_DAYS
        if days is None:
            raise CommandError(_("Set WAGTAILCRM_LEAD_RETENTION_DAYS or pass --days."))
        counts = purge(days, dry_run=dry_run)
        verb = _("Would remove") if dry_run else _("Removed")
        self.stdout.write(
            _(
                "%(verb)s %(leads)s leads, %(quarantined)s quarantined and "
                "%(submissions)s form submissions older than %(days)s days."
            )
            % {**counts, "verb": verb, "days": days}
        )
