from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class WagtailCRMAppConfig(AppConfig):
    name = "wagtail_crm"
    label = "wagtail_crm"
    verbose_name = _("CRM")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, signal_handlers  # noqa: F401
        from .capture import site_settings  # noqa: F401  (its receivers)
        from .indexing import connect_receivers
        from .integrations import signals as integration_signals  # noqa: F401
        from .permissions import narrow_site_history

        connect_receivers()
        narrow_site_history()
        if apps.is_installed("django_tasks_db"):
            from .task_recovery import connect_signals

            connect_signals()
