"""Bulk actions of the CRM listings: assign owner, change status/stage, add tag, delete.

Every action works only on the records the user may see: ids of other
managers' records are dropped before anything is shown or changed.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.functional import classproperty
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.utils import get_user_display_name
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from ..forms.leads import LOST_REASON_REQUIRED
from ..models import (
    Activity,
    Contact,
    Deal,
    Lead,
    Organization,
    Pipeline,
    Stage,
    Task,
)
from ..permissions import admin_users, can_see_all, owner_field_of, visible_to
from ..pipeline import move_deal

OWNED_MODELS = (Lead, Contact, Organization, Deal, Activity, Task)


class VisibleObjectsMixin:
    """Acts on the visible records only; the others are not even listed."""

    required_permissions = ("change", "delete")

    def dispatch(self, request, *args, **kwargs):
        policy = self.model.snippet_viewset.permission_policy
        if not policy.user_has_any_permission(request.user, self.required_permissions):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_all_objects_in_listing_query(self, parent_id):
        queryset = visible_to(self.model._default_manager.all(), self.request.user)
        return queryset.values_list("pk", flat=True)

    def get_actionable_objects(self):
        object_ids = self.request.GET.getlist("id")
        if "all" in object_ids:
            object_ids = self.get_all_objects_in_listing_query(None)
        queryset = self.model._default_manager.filter(pk__in=object_ids)
        objects = list(visible_to(queryset, self.request.user))
        allowed = [obj for obj in objects if self.check_perm(obj)]
        denied = [obj for obj in objects if obj not in allowed]
        return allowed, {"items_with_no_access": denied}


class CRMBulkAction(VisibleObjectsMixin, SnippetBulkAction):
    template_name = "wagtail_crm/bulk_actions/confirm.html"
    action_priority = 50
    permission = "change"
    target_models = OWNED_MODELS

    @classproperty
    def models(cls):
        return list(cls.target_models)

    def check_perm(self, obj):
        return self.model.snippet_viewset.permission_policy.user_has_permission(
            self.request.user, self.permission
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_title=self.display_name, help_text=self.help_text, **kwargs
        )

    help_text = ""

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "data": self.cleaned_form.cleaned_data,
        }

    @classmethod
    def execute_action(cls, objects, data=None, **kwargs):
        pks = [obj.pk for obj in objects]
        model = type(objects[0]) if objects else None
        if model is None:
            return 0, 0
        return cls.update(model, pks, data), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d record updated.",
            "%(count)d records updated.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return get_user_display_name(obj)


class AssignOwnerForm(forms.Form):
    owner = UserChoiceField(
        label=_("New owner"),
        queryset=admin_users().order_by("first_name", "last_name", "username"),
    )


class AssignOwnerBulkAction(CRMBulkAction):
    display_name = _("Assign owner")
    action_type = "crm_assign_owner"
    aria_label = _("Assign an owner to the selected records")
    form_class = AssignOwnerForm
    help_text = _("The new owner sees and works these records from now on.")

    def check_perm(self, obj):
        return super().check_perm(obj) and can_see_all(self.request.user)

    @classmethod
    def update(cls, model, pks, data):
        field = owner_field_of(model)
        return model.objects.filter(pk__in=pks).update(**{field: data["owner"]})


class LeadStatusForm(forms.Form):
    """ "Lost" needs its reason, as in the "Mark lost" step of the workflow."""

    status = forms.ChoiceField(
        label=_("New status"),
        choices=[choice for choice in Lead.Status.choices if choice[0] != "converted"],
    )
    lost_reason = forms.CharField(
        label=_("Reason lost"),
        max_length=255,
        required=False,
        help_text=_("Why the lead was lost: no budget, chose a competitor, spam…"),
    )

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("status") == Lead.Status.LOST
            and not cleaned_data.get("lost_reason", "").strip()
        ):
            self.add_error("lost_reason", LOST_REASON_REQUIRED)
        return cleaned_data


class ChangeLeadStatusBulkAction(CRMBulkAction):
    display_name = _("Change status")
    action_type = "crm_change_status"
    aria_label = _("Change the status of the selected leads")
    form_class = LeadStatusForm
    target_models = (Lead,)
    help_text = _("To convert leads, open each one: conversion links its cards.")

    @classmethod
    def update(cls, model, pks, data):
        fields = {"status": data["status"]}
        if data["status"] == Lead.Status.LOST:
            fields["lost_reason"] = data["lost_reason"].strip()
        return (
            model.objects.filter(pk__in=pks)
            .exclude(status=Lead.Status.CONVERTED)
            .update(**fields)
        )


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.pipeline} — {obj.name}"


class DealStageForm(forms.Form):
    stage = StageChoiceField(
        label=_("New stage"),
        queryset=Stage.objects.select_related("pipeline").order_by(
            "pipeline__name", "sort_order"
        ),
    )
    reason = forms.CharField(
        label=_("Reason, when lost"), max_length=255, required=False
    )

    def clean(self):
        cleaned_data = super().clean()
        stage = cleaned_data.get("stage")
        reason = cleaned_data.get("reason", "").strip()
        if stage is not None and stage.kind == Stage.Kind.LOST and not reason:
            self.add_error("reason", gettext("Say why the deal was lost."))
        return cleaned_data


class ChangeDealStageBulkAction(CRMBulkAction):
    """Moves each deal with ``move_deal()``, as the board does.

    So a closed deal gets ``closed_at``, a lost one its reason, and every move
    is in the deal's history. A deal of another pipeline than the stage's is
    skipped with a warning: it would vanish from its board.
    """

    display_name = _("Change stage")
    action_type = "crm_change_stage"
    aria_label = _("Move the selected deals to another stage")
    form_class = DealStageForm
    target_models = (Deal,)

    def get_execution_context(self):
        return {**super().get_execution_context(), "request": self.request}

    @classmethod
    def execute_action(cls, objects, data=None, request=None, **kwargs):
        stage = data["stage"]
        user = request.user if request is not None else None
        moved, skipped = 0, []
        for deal in objects:
            if deal.stage.pipeline_id != stage.pipeline_id:
                skipped.append(str(deal))
                continue
            moved += move_deal(deal, stage, user, reason=data.get("reason", ""))
        if skipped and request is not None:
            messages.warning(
                request,
                "{} {}".format(
                    gettext("The stage belongs to another pipeline."),
                    ", ".join(skipped),
                ),
            )
        return moved, 0


class AddTagForm(forms.Form):
    tag = forms.CharField(label=_("Tag"), max_length=100)


class AddTagBulkAction(CRMBulkAction):
    display_name = _("Add tag")
    action_type = "crm_add_tag"
    aria_label = _("Add a tag to the selected records")
    form_class = AddTagForm
    target_models = (Lead, Contact, Organization)

    @classmethod
    def update(cls, model, pks, data):
        from taggit.models import Tag

        tag, _created = Tag.objects.get_or_create(name=data["tag"].strip())
        through = model.tags.through
        tagged = set(
            through.objects.filter(tag=tag, content_object_id__in=pks).values_list(
                "content_object_id", flat=True
            )
        )
        through.objects.bulk_create(
            through(tag=tag, content_object_id=pk) for pk in pks if pk not in tagged
        )
        return len(pks)


class CRMDeleteBulkAction(VisibleObjectsMixin, DeleteBulkAction):
    """Wagtail's snippet delete, narrowed to the visible CRM records."""

    action_type = "delete"

    @classproperty
    def models(cls):
        return list(OWNED_MODELS)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        if not objects:
            return 0, 0
        return super().execute_action(objects, user=user, **kwargs)


class PipelineDeleteBulkAction(DeleteBulkAction):
    """Wagtail's snippet delete for pipelines, leaving out those whose stages
    hold deals (``Deal.stage`` is ``PROTECT``: deleting them would fail). They
    are listed as ones that cannot be deleted."""

    action_type = "delete"
    models = [Pipeline]

    def check_perm(self, obj):
        if Deal.objects.filter(stage__pipeline=obj).exists():
            return False
        return super().check_perm(obj)


BULK_ACTIONS = (
    AssignOwnerBulkAction,
    ChangeLeadStatusBulkAction,
    ChangeDealStageBulkAction,
    AddTagBulkAction,
    CRMDeleteBulkAction,
    PipelineDeleteBulkAction,
)
