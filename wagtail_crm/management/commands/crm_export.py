"""``crm_export --model contacts|organizations|leads [--format xlsx|csv] -o PATH``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wagtail_crm.exporting import write_csv, write_xlsx
from wagtail_crm.resources import RESOURCES


class Command(BaseCommand):
    help = "Export contacts, organizations or leads to xlsx or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--model", required=True, choices=sorted(RESOURCES))
        parser.add_argument("--format", choices=["xlsx", "csv"], default=None)
        parser.add_argument("-o", "--output", required=True, dest="path")

    def handle(self, model, path, **options):
        file_format = options["format"] or ("csv" if path.endswith(".csv") else "xlsx")
        dataset = RESOURCES[model]().export()
        try:
            if file_format == "csv":
                with open(path, "w", encoding="utf-8-sig", newline="") as handle:
                    write_csv(dataset, handle)
            else:
                with open(path, "wb") as handle:
                    write_xlsx(dataset, handle, title=model)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error}
            ) from error
        self.stdout.write(
            _("Exported %(count)s %(model)s to %(path)s")
            % {"count": len(dataset), "model": model, "path": path}
        )
