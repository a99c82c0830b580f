from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskReminder(models.Model):
    """One daily task reminder sent to one user: the guard against sending twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    task_count = models.PositiveIntegerField(_("tasks"), default=0)

    class Meta:
        verbose_name = _("task reminder")
        verbose_name_plural = _("task reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"], name="wagtail_crm_taskreminder_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.day}"
