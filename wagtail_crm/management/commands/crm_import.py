"""``crm_import PATH``: import contacts and organizations from a spreadsheet."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wagtail_crm.importing.cards import POLICIES, POLICY_FILL_EMPTY
from wagtail_crm.importing.pipeline import ImportOptions, run_import
from wagtail_crm.importing.readers import ImportFileError
from wagtail_crm.models import MappingProfile


class Command(BaseCommand):
    help = "Import contacts and organizations from an xlsx or CSV file."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true", dest="as_json")
        parser.add_argument("--region", help="ISO country for numbers without +")
        parser.add_argument("--area-code", help="prepended to short local numbers")
        parser.add_argument("--profile", help="name of a saved mapping profile")
        parser.add_argument("--owner", help="username that owns the new cards")
        parser.add_argument("--sheet", help="sheet name (default: the first)")
        parser.add_argument(
            "--policy", choices=sorted(POLICIES), default=POLICY_FILL_EMPTY
        )
        parser.add_argument("--header-row", type=int, help="1-based header row")

    def handle(self, path, **options):
        import_options = ImportOptions(
            policy=options["policy"],
            region=options["region"],
            area_code=options["area_code"],
            owner_id=self._owner_id(options["owner"]),
            sheet=options["sheet"],
            header_row=options["header_row"],
            dry_run=options["dry_run"],
            profile_mapping=self._profile(options["profile"]),
        )
        try:
            result = run_import(path, import_options)
        except FileNotFoundError as error:
            raise CommandError(_("No such file: %(path)s") % {"path": path}) from error
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        if options["as_json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self._print(result, options["dry_run"])

    def _owner_id(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user “%(name)s”.") % {"name": username})
        return user.pk

    def _profile(self, name):
        if not name:
            return {}
        profile = MappingProfile.objects.filter(name=name).first()
        if profile is None:
            raise CommandError(_("No mapping profile “%(name)s”.") % {"name": name})
        return profile.mapping

    def _print(self, result, dry_run):
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
        lines = [
            _("Rows: %(n)s") % {"n": result.rows},
            _("Created: %(c)s contacts, %(o)s organizations, %(p)s phones")
            % {
                "c": result.created["contacts"],
                "o": result.created["organizations"],
                "p": result.created["phones"],
            },
            _("Updated: %(c)s contacts, %(o)s organizations")
            % {"c": result.updated["contacts"], "o": result.updated["organizations"]},
            _("Duplicates: %(n)s, skipped: %(s)s, rows with errors: %(e)s")
            % {"n": result.duplicates, "s": result.skipped, "e": result.error_rows},
        ]
        for line in lines:
            self.stdout.write(line)
        for error in result.errors[:50]:
            self.stdout.write(
                _("Row %(row)s, %(column)s: %(message)s")
                % {k: error[k] for k in ("row", "column", "message")}
            )
        for warning in result.warnings[:50]:
            self.stdout.write(
                _("Row %(row)s, %(column)s, warning: %(value)s: %(message)s")
                % {k: warning[k] for k in ("row", "column", "value", "message")}
            )
