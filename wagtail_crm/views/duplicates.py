"""The "Possible duplicates" screen and the merge screen, as one Wagtail ViewSet.

Seeing the list needs the change permission on contacts or organizations;
merging needs change and delete on that model. Users who may not see all CRM
records only see, and merge, their own (``permissions.visible_to``).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from .. import duplicate_groups as finder
from ..merge import differing_fields, merge_records
from ..models import NotDuplicate
from ..permissions import visible_to

GROUPS_PER_PAGE = 25


def _perm(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def can_review(user, kind):
    return user.has_perm(_perm(finder.MODELS[kind], "change"))


def can_merge(user, kind):
    model = finder.MODELS[kind]
    return user.has_perm(_perm(model, "change")) and user.has_perm(
        _perm(model, "delete")
    )


def reviewable_kinds(user):
    return [kind for kind in finder.MODELS if can_review(user, kind)]


class DuplicatesMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(reviewable_kinds(request.user))


class DuplicatesIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_crm/duplicates/index.html"
    page_title = gettext_lazy("Possible duplicates")
    header_icon = "copy"
    viewset = None

    def dispatch(self, request, *args, **kwargs):
        if not reviewable_kinds(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = [
            group
            for kind in reviewable_kinds(self.request.user)
            for group in finder.find_groups(kind, self.request.user)
        ]
        paginator = Paginator(groups, GROUPS_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        finder.load_records(page.object_list)
        context.update(
            groups=page.object_list,
            items=page,
            elided_page_range=paginator.get_elided_page_range(page.number),
            group_count=paginator.count,
            viewset=self.viewset,
            can_merge={k: can_merge(self.request.user, k) for k in finder.MODELS},
        )
        return context


class MergeForm(forms.Form):
    """Pick the surviving card and, field by field, the value to keep."""

    def __init__(self, *args, first, second, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {str(first.pk): first, str(second.pk): second}
        self.fields["survivor"] = forms.ChoiceField(
            label=_("Keep this card"),
            choices=[
                (pk, _("%(record)s (#%(pk)s)") % {"record": rec, "pk": pk})
                for pk, rec in self.records.items()
            ],
            initial=str(first.pk),
            widget=forms.RadioSelect,
        )
        self.choice_fields = differing_fields(first, second)
        for model_field in self.choice_fields:
            self.fields[f"field_{model_field.name}"] = forms.ChoiceField(
                label=model_field.verbose_name,
                choices=[
                    (pk, _display(rec, model_field)) for pk, rec in self.records.items()
                ],
                initial=_default_source(first, second, model_field),
                widget=forms.RadioSelect,
            )

    def rows(self):
        """(label, bound field) per differing field, for the template."""
        return [
            (model_field.verbose_name, self[f"field_{model_field.name}"])
            for model_field in self.choice_fields
        ]

    def survivor_and_other(self):
        pk = self.cleaned_data["survivor"]
        other_pk = next(key for key in self.records if key != pk)
        return self.records[pk], self.records[other_pk]

    def fields_from_other(self):
        _survivor, other = self.survivor_and_other()
        return [
            model_field.name
            for model_field in self.choice_fields
            if self.cleaned_data[f"field_{model_field.name}"] == str(other.pk)
        ]


def _display(record, model_field):
    value = getattr(record, model_field.name)
    if model_field.choices:
        value = getattr(record, f"get_{model_field.name}_display")()
    return str(value) if value not in (None, "") else "—"


def _default_source(first, second, model_field):
    """Keep the first card's value unless it is empty and the second's is not."""
    if model_field.value_from_object(first) in (None, ""):
        return str(second.pk)
    return str(first.pk)


class MergeView(WagtailAdminTemplateMixin, FormView):
    template_name = "wagtail_crm/duplicates/merge.html"
    header_icon = "copy"
    form_class = MergeForm
    viewset = None

    def dispatch(self, request, *args, **kwargs):
        self.kind = kwargs["kind"]
        if self.kind not in finder.MODELS:
            raise Http404
        if not can_merge(request.user, self.kind):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def records(self):
        model = finder.MODELS[self.kind]
        pks = (self.kwargs["pk_a"], self.kwargs["pk_b"])
        if pks[0] == pks[1]:
            raise Http404
        queryset = visible_to(model.objects.all(), self.request.user)
        return [get_object_or_404(queryset, pk=pk) for pk in pks]

    def get_page_title(self):
        return _("Merge %(a)s and %(b)s") % {
            "a": self.records[0],
            "b": self.records[1],
        }

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse(self.viewset.get_url_name("index")),
                "label": _("Possible duplicates"),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        first, second = self.records
        return super().get_form_kwargs() | {"first": first, "second": second}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = _related_counts(self.records)
        context.update(
            kind=self.kind,
            related=[(record, counts[record.pk]) for record in self.records],
        )
        return context

    def form_valid(self, form):
        survivor, other = form.survivor_and_other()
        result = merge_records(
            survivor, other, form.fields_from_other(), user=self.request.user
        )
        messages.success(
            self.request,
            _("“%(other)s” was merged into “%(survivor)s”.")
            % {"other": result.removed_label, "survivor": result.survivor},
        )
        url = AdminURLFinder(self.request.user).get_edit_url(result.survivor)
        return redirect(url or reverse(self.viewset.get_url_name("index")))


COUNTED_RELATIONS = ["phones", "activities", "tasks", "leads", "deals", "contacts"]


def _related_counts(records):
    """{pk: [(plural name, count)]}: one GROUP BY query per relation, no joins."""
    model = type(records[0])
    pks = [record.pk for record in records]
    counts = {pk: [] for pk in pks}
    for name in COUNTED_RELATIONS:
        try:
            relation = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        related = relation.related_model
        fk = relation.field.name
        found = dict(
            related._base_manager.filter(**{f"{fk}__in": pks})
            .values_list(fk)
            .annotate(count=Count("pk"))
            .order_by()
        )
        for pk in pks:
            counts[pk].append((related._meta.verbose_name_plural, found.get(pk, 0)))
    return counts


@require_POST
def dismiss_view(request, kind, pk_a, pk_b, viewset):
    """Mark a pair as "not a duplicate" so it is never proposed again."""
    if kind not in finder.MODELS:
        raise Http404
    if not can_review(request.user, kind):
        raise PermissionDenied
    queryset = visible_to(finder.MODELS[kind].objects.all(), request.user)
    first = get_object_or_404(queryset, pk=pk_a)
    second = get_object_or_404(queryset, pk=pk_b)
    NotDuplicate.mark(kind, first.pk, second.pk, user=request.user)
    messages.success(
        request,
        _("“%(a)s” and “%(b)s” will not be proposed as duplicates again.")
        % {"a": first, "b": second},
    )
    return redirect(viewset.get_url_name("index"))


class DuplicatesViewSet(ViewSet):
    """ "Possible duplicates" in the CRM menu: review, merge, or dismiss pairs."""

    name = "crm-duplicates"
    icon = "copy"
    menu_label = gettext_lazy("Possible duplicates")
    index_view_class = DuplicatesIndexView
    merge_view_class = MergeView

    @cached_property
    def menu_item_class(self):
        return DuplicatesMenuItem

    def get_urlpatterns(self):
        return [
            path(
                "",
                self.index_view_class.as_view(viewset=self),
                name="index",
            ),
            path(
                "merge/<str:kind>/<int:pk_a>/<int:pk_b>/",
                self.merge_view_class.as_view(viewset=self),
                name="merge",
            ),
            path(
                "dismiss/<str:kind>/<int:pk_a>/<int:pk_b>/",
                dismiss_view,
                {"viewset": self},
                name="dismiss",
            ),
        ]
