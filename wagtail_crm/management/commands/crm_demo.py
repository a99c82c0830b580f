from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...demo import build_demo_data
from ...demo.access import HEAD_USERNAME, MANAGER_USERNAME
from ...demo.builder import DEMO_PASSWORD


class Command(BaseCommand):
    help = gettext_lazy(
        "Create demo users and believable CRM records. Safe to run again."
    )

    def get_demo_pages(self):
        """Pages demo leads come from; a site overrides this command to add its own."""
        return []

    def handle(self, *args, **options):
        pages = self.get_demo_pages()
        admin = build_demo_data(pages=pages, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data ready. Log in as “%(user)s” with password “%(password)s”.")
                % {"user": admin.get_username(), "password": DEMO_PASSWORD}
            )
        )
        self.write_sales_logins()

    def write_sales_logins(self):
        logins = (
            (MANAGER_USERNAME, _("sales manager, sees own records")),
            (HEAD_USERNAME, _("head of sales, sees all records")),
        )
        for username, role in logins:
            self.stdout.write(
                _("  %(user)s / %(password)s — %(role)s")
                % {"user": username, "password": DEMO_PASSWORD, "role": role}
            )
