"""Snippet views that apply the "own records only" rule of ``wagtail_crm.permissions``.

Listings, exports and choosers narrow their querysets with ``visible_to``; every
view that loads one record answers 404 for a record the user may not see, so
typing another manager's edit URL reveals nothing, not even that it exists.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as wagtail_gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views import generic
from wagtail.snippets.views import chooser, snippets

from ..permissions import can_see_all, owner_field_of, visible_to
from ..phones import format_phone
from .activities import log_activity_buttons
from .safe_export import CRMExportMixin


def is_visible(instance, user):
    """Whether ``user`` may see ``instance`` (no query: compares the owner id)."""
    if can_see_all(user):
        return True
    field = owner_field_of(type(instance))
    if field is None:
        return bool(user and user.is_authenticated)
    owner_id = getattr(instance, f"{field}_id", None)
    return owner_id is not None and owner_id == getattr(user, "pk", None)


class VisibleObjectMixin:
    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        if not is_visible(instance, self.request.user):
            raise Http404
        return instance


class IndexView(CRMExportMixin, snippets.IndexView):
    """A listing of the visible records; searches names, e-mails, phones, tax ids."""

    search_function = None

    @property
    def is_searchable(self):
        return self.search_function is not None

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return self.search_function(queryset, self.search_query)

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for field in row:
            display = getattr(item, f"get_{field}_display", None)
            if display is not None:
                row[field] = display()
        if "phones" in row:
            row["phones"] = ", ".join(
                format_phone(phone.e164, phone.extension) for phone in item.phones.all()
            )
        return row


class EditView(VisibleObjectMixin, snippets.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        return buttons + log_activity_buttons(
            self.object, self.request.user, self.request.path
        )


class DeleteView(VisibleObjectMixin, snippets.DeleteView):
    pass


class InspectView(VisibleObjectMixin, snippets.InspectView):
    pass


class HistoryView(VisibleObjectMixin, snippets.HistoryView):
    pass


class UsageView(VisibleObjectMixin, snippets.UsageView):
    """Lists what refers to the record, but not another manager's records.

    Wagtail links every referring object the user has the model permission
    for; a record the user may not see is shown, like Wagtail's private
    objects, without its title or link ("(Private deal)"), so the usage count
    still matches what deleting would touch.
    """

    def get_table(self, object_list, **kwargs):
        # Wagtail's own strings below, translated by Wagtail's catalog.
        user = self.request.user
        url_finder = AdminURLFinder(user)
        results = []
        for instance, references in object_list:
            row = {"object": instance, "references": references}
            visible = is_visible(instance, user)
            row["edit_url"] = url_finder.get_edit_url(instance) if visible else None
            if row["edit_url"] is None:
                row["label"] = wagtail_gettext("(Private %(object)s)") % {
                    "object": instance._meta.verbose_name
                }
                row["edit_link_title"] = None
            else:
                row["label"] = str(instance)
                row["edit_link_title"] = wagtail_gettext("Edit this %(object)s") % {
                    "object": instance._meta.verbose_name
                }
            results.append(row)
        # Skip Wagtail's get_table(), which would build the rows again.
        return super(generic.UsageView, self).get_table(results, **kwargs)


class CopyView(VisibleObjectMixin, snippets.CopyView):
    pass


class ChooserPermissionMixin:
    """Choosers of CRM records are for users with some permission on the model."""

    def dispatch(self, request, *args, **kwargs):
        policy = self.model_class.snippet_viewset.permission_policy
        if not policy.user_has_any_permission(
            request.user, ["add", "change", "delete", "view"]
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CRMSearchFilterForm(BaseFilterForm):
    """The chooser's search box, answered like the listing's (see ``search.py``)."""

    search_function = None

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q")
        if query:
            objects = type(self).search_function(objects, query)
            self.is_searching = True
            self.search_query = query
        return objects


class VisibleChoicesMixin(ChooserPermissionMixin):
    def get_object_list(self):
        return visible_to(super().get_object_list(), self.request.user)

    def get_filter_form_class(self):
        search_function = self.model_class.snippet_viewset.search_function
        if search_function is None:
            return super().get_filter_form_class()
        return type(
            "CRMChooserFilterForm",
            (CRMSearchFilterForm,),
            {"search_function": staticmethod(search_function)},
        )


class ChooseView(VisibleChoicesMixin, chooser.ChooseView):
    pass


class ChooseResultsView(VisibleChoicesMixin, chooser.ChooseResultsView):
    pass


class ChosenView(ChooserPermissionMixin, chooser.SnippetChosenView):
    def get_object(self, pk):
        instance = super().get_object(pk)
        if not is_visible(instance, self.request.user):
            raise self.model_class.DoesNotExist
        return instance


class ChosenMultipleView(ChooserPermissionMixin, chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return visible_to(super().get_objects(pks), self.request.user)


class ChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView


class PermissionChooserViewSet(chooser.SnippetChooserViewSet):
    """Wagtail's snippet chooser (which checks no permission), for the users
    with some permission on the model only: for CRM models that are not one
    person's records (webhooks, the quarantine)."""

    choose_view_class = type(
        "ChooseView", (ChooserPermissionMixin, chooser.ChooseView), {}
    )
    choose_results_view_class = type(
        "ChooseResultsView", (ChooserPermissionMixin, chooser.ChooseResultsView), {}
    )
    chosen_view_class = type(
        "ChosenView", (ChooserPermissionMixin, chooser.SnippetChosenView), {}
    )
    chosen_multiple_view_class = type(
        "ChosenMultipleView",
        (ChooserPermissionMixin, chooser.SnippetChosenMultipleView),
        {},
    )


PREFILL_FIELDS = ("organization", "contact", "lead", "deal")


class CreateView(snippets.CreateView):
    """Prefills links from the query string (``?contact=12``), when visible."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        model_fields = {field.name for field in self.model._meta.get_fields()}
        for name in PREFILL_FIELDS:
            value = self.request.GET.get(name, "")
            if name in model_fields and value.isdigit():
                self._prefill(instance, name, int(value))
        self._prefill_defaults(instance)
        return instance

    def _prefill(self, instance, name, pk):
        related_model = self.model._meta.get_field(name).related_model
        related = related_model.objects.filter(pk=pk).first()
        if related is not None and is_visible(related, self.request.user):
            setattr(instance, name, related)
            if name == "contact" and hasattr(instance, "organization_id"):
                instance.organization_id = (
                    instance.organization_id or related.organization_id
                )

    def _prefill_defaults(self, instance):
        from ..forms.deals import default_currency

        if hasattr(instance, "currency") and not instance.currency:
            instance.currency = default_currency(self.request)
