from wagtail_crm.management.commands import crm_demo

from ...demo_pages import build_pages


class Command(crm_demo.Command):
    """The app's demo data plus the example site's pages."""

    def get_demo_pages(self):
        return build_pages()

    def handle(self, *args, **options):
        super().handle(*args, **options)
        self.stdout.write(
            "Site: http://127.0.0.1:8000/  Admin: http://127.0.0.1:8000/admin/"
        )
