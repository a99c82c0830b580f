"""The pipeline form: its stages are edited inline, and a stage holding deals stays."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
        busy = busy.annotate(deal_count=Count("deals")).filter(deal_count__gt=0)
        for stage in busy:
            formset.non_form_errors().append(
                ngettext(
                    "The stage “%(stage)s” holds %(count)d deal: move it to "
                    "another stage before deleting the stage.",
                    "The stage “%(stage)s” holds %(count)d deals: move them to "
                    "another stage before deleting the stage.",
                    stage.deal_count,
                )
                % {"stage": stage.name, "count": stage.deal_count}
            )
        if busy:
            self.add_error(None, _("Some stages cannot be deleted."))
            return False
        return True
