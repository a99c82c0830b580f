"""The pipeline form: its stages are edited inline, and a stage holding deals stays."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm


class PipelineForm(WagtailAdminModelForm):
    def is_valid(self):
        """Refuse to delete a stage that holds deals.

        ``Deal.stage`` is ``PROTECT``: saving would fail with a server error, so
        the user is told to move the deals first (on the board or in bulk).
        """
        if not super().is_valid():
            return False
        formset = self.formsets.get("stages")
        if formset is None:
            return True
        deleted = [form.instance for form in formset.deleted_forms if form.instance.pk]
        if not deleted:
            return True
        from ..models import Stage

        busy = Stage.objects.filter(pk__in=[stage.pk for stage in deleted])
        busy = list(busy.filter(deals__isnull=False).distinct())
        for stage in busy:
            formset.non_form_errors().append(
                _(
                    "The stage “%(stage)s” holds deals: move them to another "
                    "stage before deleting it."
                )
                % {"stage": stage.name}
            )
        return not busy
