"""Filters of the CRM listings (``WagtailFilterSet``s used by ``viewsets.py``)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.models import Page

from .models import Activity, Contact, Deal, Lead, Organization, Stage, Task
from .permissions import admin_users, can_see_all, visible_to
from .widgets import SnippetChooser


class UserChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return get_user_display_name(obj)


class UserFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField


class TagFilter(django_filters.MultipleChoiceFilter):
    """Records carrying any of the chosen tags (one subquery, no duplicates)."""

    def __init__(self, *args, through=None, **kwargs):
        self.through = through
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        tagged = self.through.objects.filter(tag__name__in=value)
        return qs.filter(pk__in=tagged.values("content_object_id"))


def tag_choices(through):
    names = (
        Tag.objects.filter(pk__in=through.objects.values("tag_id"))
        .order_by("name")
        .values_list("name", flat=True)
    )
    return [(name, name) for name in names]


def staff_users(request=None):
    return admin_users().order_by("first_name", "last_name", "username")


def organization_filter(field_name="organization"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        label=_("Organization"),
        queryset=Organization.objects.all(),
        widget=SnippetChooser(Organization),
    )


def created_filter():
    return django_filters.DateFromToRangeFilter(
        field_name="created_at",
        label=_("Created"),
        widget=DateRangePickerWidget,
    )


class CRMFilterSet(WagtailFilterSet):
    """Hides the owner filter from users who see only their own records."""

    owner_filter_name = "owner"

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        if not can_see_all(user):
            self.filters.pop(self.owner_filter_name, None)
        organization = self.filters.get("organization")
        if organization is not None:
            visible = visible_to(Organization.objects.all(), user)
            organization.queryset = visible
            organization.extra["widget"] = SnippetChooser(
                Organization, queryset=visible
            )
        self._add_tag_filter()

    def _add_tag_filter(self):
        through = getattr(self._meta.model, "tags", None)
        if through is None:
            return
        through = self._meta.model.tags.through
        choices = tag_choices(through)
        if choices:
            self.filters["tag"] = TagFilter(
                label=_("Tag"), choices=choices, through=through
            )


class LeadFilterSet(CRMFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Lead.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    owner = UserFilter(label=_("Owner"), queryset=staff_users)
    source_page = django_filters.ModelChoiceFilter(
        label=_("Source page"),
        queryset=lambda request: Page.objects.filter(
            pk__in=Lead.objects.values("source_page_id")
        ).order_by("title"),
    )
    utm_source = django_filters.CharFilter(label=_("UTM source"), lookup_expr="iexact")
    organization = organization_filter()
    created_at = created_filter()

    class Meta:
        model = Lead
        fields = []


class ContactFilterSet(CRMFilterSet):
    organization = organization_filter()
    private = django_filters.BooleanFilter(
        label=_("Private client"),
        field_name="organization",
        lookup_expr="isnull",
        widget=BooleanRadioSelect,
    )
    role = django_filters.MultipleChoiceFilter(
        label=_("Role"),
        choices=Contact.Role.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    owner = UserFilter(label=_("Owner"), queryset=staff_users)
    created_at = created_filter()

    class Meta:
        model = Contact
        fields = []


class OrganizationFilterSet(CRMFilterSet):
    owner = UserFilter(label=_("Owner"), queryset=staff_users)
    created_at = created_filter()

    class Meta:
        model = Organization
        fields = []


class DealFilterSet(CRMFilterSet):
    stage = django_filters.ModelMultipleChoiceFilter(
        label=_("Stage"),
        queryset=Stage.objects.select_related("pipeline").order_by(
            "pipeline__name", "sort_order"
        ),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    stage__kind = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=Stage.Kind.choices,
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )
    owner = UserFilter(label=_("Owner"), queryset=staff_users)
    organization = organization_filter()
    created_at = created_filter()

    class Meta:
        model = Deal
        fields = []


class ActivityFilterSet(CRMFilterSet):
    owner_filter_name = "author"

    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"),
        choices=Activity.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    author = UserFilter(label=_("Author"), queryset=staff_users)
    organization = organization_filter()
    occurred_at = django_filters.DateFromToRangeFilter(
        label=_("When"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Activity
        fields = []


class TaskFilterSet(CRMFilterSet):
    owner_filter_name = "assignee"

    done = django_filters.BooleanFilter(label=_("Done"), widget=BooleanRadioSelect)
    assignee = UserFilter(label=_("Assignee"), queryset=staff_users)
    organization = organization_filter()
    due_at = django_filters.DateFromToRangeFilter(
        label=_("Due"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Task
        fields = []
