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

    stop_phrases = models.TextField(
        _("stop phrases"),
        blank=True,
        help_text=_(
            "Form submissions containing any of these phrases (one per line) "
            "go to the quarantine instead of the leads."
        ),
    )
    blocked_email_domains = models.TextField(
        _("blocked e-mail domains"),
        blank=True,
        help_text=_(
            "Submissions from these e-mail domains (one per line, such as "
            "mailinator.com) go to the quarantine."
        ),
    )

    class Meta:
        verbose_name = _("CRM settings")

    @property
    def recipient_list(self):
        lines = self.notification_recipients.replace(",", "\n").splitlines()
        return [line.strip() for line in lines if line.strip()]

    @property
    def stop_phrase_list(self):
        return _lines(self.stop_phrases)

    @property
    def blocked_domain_list(self):
        return [line.lstrip("@") for line in _lines(self.blocked_email_domains)]


def _lines(text):
    return [line.strip().lower() for line in (text or "").splitlines() if line.strip()]
