from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="group")
class CRMSettings(BaseSiteSetting):
    notification_recipients = models.TextField(
        _("notification recipients"),
        blank=True,
        help_text=_("E-mail addresses told about every new lead, one per line."),
    )
    default_lead_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default lead owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    default_currency = models.CharField(
        _("default currency"), max_length=3, blank=True, default=""
    )

    class Meta:
        verbose_name = _("CRM settings")

    @property
    def recipient_list(self):
        lines = self.notification_recipients.replace(",", "\n").splitlines()
        return [line.strip() for line in lines if line.strip()]
