"""Audit log formatters for the CRM's own actions (registered in wagtail_hooks)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import LogFormatter


class MergeFormatter(LogFormatter):
    """ "Merged with Ivanov P. (#12): 3 activities, 1 phone moved"."""

    label = gettext_lazy("Merge duplicates")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        merged = data.get("merged", {})
        moved = data.get("moved", {})
        message = _("Merged “%(title)s” (#%(id)s) into this record.") % {
            "title": merged.get("title", ""),
            "id": merged.get("id", ""),
        }
        if moved:
            names = _relation_names(log_entry.content_type.model_class())
            rows = ", ".join(
                f"{names.get(name, name)}: {count}"
                for name, count in sorted(moved.items())
            )
            message += " " + _("Moved: %(rows)s.") % {"rows": rows}
        fields = data.get("fields") or []
        if fields:
            message += " " + _("Taken from the merged record: %(fields)s.") % {
                "fields": ", ".join(fields)
            }
        return message


def register_log_actions(actions):
    from .merge import MERGE_ACTION

    actions.register_action(MERGE_ACTION)(MergeFormatter)


def _relation_names(model):
    """Accessor name -> translated plural name of the related model."""
    if model is None:
        return {}
    return {
        rel.get_accessor_name(): str(rel.related_model._meta.verbose_name_plural)
        for rel in model._meta.related_objects
    }
