"""The CRM's admin screens, as Wagtail viewsets that developers can subclass.

Every viewset of a record a manager works derives from ``CRMRecordViewSet``,
which applies the "own records only" rule (``wagtail_crm.permissions``) to the
listing, the export, the chooser and every view of one record.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.snippets.views import snippets
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import search
from .capture import admin_views as capture_admin_views
from .edit_handlers import build_edit_handler
from .filters import (
    ActivityFilterSet,
    ContactFilterSet,
    DealFilterSet,
    LeadFilterSet,
    OrganizationFilterSet,
    TaskFilterSet,
)
from .integrations.viewsets import WebhookDeliveryViewSet, WebhookViewSet
from .models import Activity, Contact, Deal, Lead, Organization, Phone, Pipeline, Task
from .permissions import visible_to
from .reports.viewsets import ReportsViewSet
from .views import lead_workflow, own_records
from .views.board import BoardViewSet
from .views.columns import LeadPhoneColumn, OwnerColumn, PhonesColumn, StatusColumn
from .views.duplicates import DuplicatesViewSet
from .views.imports import ImportViewSet
from .views.tasks import MyTasksViewSet


def _phones():
    return Prefetch("phones", queryset=Phone.objects.order_by("pk"))


class CRMRecordViewSet(SnippetViewSet):
    """A viewset whose every view shows only the records the user may see."""

    index_view_class = own_records.IndexView
    add_view_class = own_records.CreateView
    edit_view_class = own_records.EditView
    delete_view_class = own_records.DeleteView
    inspect_view_class = own_records.InspectView
    history_view_class = own_records.HistoryView
    usage_view_class = own_records.UsageView
    copy_view_class = own_records.CopyView
    chooser_viewset_class = own_records.ChooserViewSet
    list_per_page = 25
    copy_view_enabled = False
    inspect_view_enabled = True
    search_function = None
    select_related = ()
    prefetch_related = ()

    def get_queryset(self, request):
        queryset = self.model._default_manager.all()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return visible_to(queryset, request.user)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            search_function=self.search_function, **kwargs
        )

    def get_edit_handler(self):
        return build_edit_handler(self.model).bind_to_model(self.model)


class LeadViewSet(lead_workflow.LeadWorkflowViewSetMixin, CRMRecordViewSet):
    model = Lead
    icon = "mail"
    menu_label = _("Leads")
    list_display = [
        "__str__",
        StatusColumn("status", label=_("Status"), open_values=("new",)),
        LeadPhoneColumn(),
        "email",
        "company",
        "utm_source",
        "utm_campaign",
        OwnerColumn(),
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
    ]
    filterset_class = LeadFilterSet
    search_function = staticmethod(search.search_leads)
    select_related = ("owner",)
    list_export = [
        "name",
        "status",
        "email",
        "phone",
        "phone_e164",
        "company",
        "message",
        "source_url",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "owner",
        "created_at",
    ]
    export_filename = "leads"


class ContactViewSet(CRMRecordViewSet):
    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    list_display = [
        "__str__",
        Column("organization", label=_("Organization"), sort_key="organization__name"),
        "job_title",
        PhonesColumn(),
        "email",
        OwnerColumn(),
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
    ]
    filterset_class = ContactFilterSet
    search_function = staticmethod(search.search_contacts)
    select_related = ("organization", "owner")
    prefetch_related = (_phones(),)
    list_export = [
        "last_name",
        "first_name",
        "middle_name",
        "organization",
        "role",
        "job_title",
        "email",
        "phones",
        "owner",
        "created_at",
    ]
    export_headings = {"phones": _("Phones")}
    export_filename = "contacts"
    inspect_view_fields_exclude = ["last_name_key"]  # a match key, not for people


class OrganizationViewSet(CRMRecordViewSet):
    model = Organization
    icon = "group"
    menu_label = _("Organizations")
    list_display = [
        "name",
        "tax_id",
        PhonesColumn(),
        "email",
        OwnerColumn(),
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
    ]
    filterset_class = OrganizationFilterSet
    search_function = staticmethod(search.search_organizations)
    select_related = ("owner",)
    prefetch_related = (_phones(),)
    list_export = [
        "name",
        "tax_id",
        "website",
        "email",
        "phones",
        "address",
        "owner",
        "created_at",
    ]
    export_headings = {"phones": _("Phones")}
    export_filename = "organizations"
    inspect_view_fields_exclude = ["name_key"]  # a match key, not for people


class DealViewSet(CRMRecordViewSet):
    model = Deal
    icon = "tag"
    menu_label = _("Deals")
    list_display = [
        "title",
        Column("stage", label=_("Stage"), sort_key="stage__sort_order"),
        Column("amount", label=_("Amount"), sort_key="amount"),
        "currency",
        Column("organization", label=_("Organization"), sort_key="organization__name"),
        OwnerColumn(),
        DateColumn(
            "expected_close", label=_("Expected close"), sort_key="expected_close"
        ),
    ]
    filterset_class = DealFilterSet
    search_function = staticmethod(search.search_deals)
    select_related = ("stage", "organization", "owner")
    list_export = [
        "title",
        "stage",
        "amount",
        "currency",
        "organization",
        "contact",
        "owner",
        "expected_close",
        "created_at",
    ]
    export_filename = "deals"


class ActivityViewSet(CRMRecordViewSet):
    model = Activity
    icon = "comment"
    menu_label = _("Activities")
    list_display = [
        "__str__",
        "kind",
        DateColumn("occurred_at", label=_("When"), sort_key="occurred_at"),
        Column("contact", label=_("Contact")),
        Column("organization", label=_("Organization")),
        OwnerColumn("author", label=_("Author")),
    ]
    filterset_class = ActivityFilterSet
    search_function = staticmethod(search.search_activities)
    select_related = ("contact", "organization", "author")
    list_export = [
        "kind",
        "subject",
        "body",
        "occurred_at",
        "duration",
        "direction",
        "contact",
        "organization",
        "author",
    ]
    export_filename = "activities"


class TaskViewSet(CRMRecordViewSet):
    model = Task
    icon = "date"
    menu_label = _("Tasks")
    list_display = [
        "title",
        DateColumn("due_at", label=_("Due"), sort_key="due_at"),
        BooleanColumn("done", label=_("Done"), sort_key="done"),
        Column("contact", label=_("Contact")),
        Column("organization", label=_("Organization")),
        OwnerColumn("assignee", label=_("Assignee")),
    ]
    filterset_class = TaskFilterSet
    search_function = staticmethod(search.search_tasks)
    select_related = ("contact", "organization", "assignee")
    list_export = ["title", "due_at", "done", "contact", "organization", "assignee"]
    export_filename = "tasks"


class PipelineDeleteView(snippets.DeleteView):
    """A pipeline whose stages hold deals is protected from deletion.

    ``Deal.stage`` is ``PROTECT``, which Wagtail's usage check does not see
    through the stages: deleting would fail with a server error. Wagtail's
    own "references prevent it from being deleted" page is shown instead.
    """

    @cached_property
    def holds_deals(self):
        return Deal.objects.filter(stage__pipeline=self.object).exists()

    def form_valid(self, form):
        if self.holds_deals:
            raise PermissionDenied
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.holds_deals:
            context["is_protected"] = True
        return context


class PipelineViewSet(SnippetViewSet):
    model = Pipeline
    delete_view_class = PipelineDeleteView
    icon = "list-ol"
    menu_label = _("Pipelines")
    list_display = [
        "name",
        BooleanColumn(
            "is_default",
            label=capfirst(Pipeline._meta.get_field("is_default").verbose_name),
            sort_key="is_default",
        ),
    ]

    def get_edit_handler(self):
        return build_edit_handler(self.model).bind_to_model(self.model)


class QuarantineViewSet(capture_admin_views.QuarantineViewSet):
    """The quarantine, whose chooser (submitters' names and e-mails) is only
    for users with a permission on it."""

    chooser_viewset_class = own_records.PermissionChooserViewSet


class CRMViewSetGroup(SnippetViewSetGroup):
    """The one "CRM" menu. Other areas append their viewsets to ``items``."""

    menu_label = _("CRM")
    menu_icon = "group"
    menu_order = 150
    items = (
        LeadViewSet,
        ContactViewSet,
        OrganizationViewSet,
        DealViewSet,
        BoardViewSet,
        ActivityViewSet,
        TaskViewSet,
        MyTasksViewSet,
        ReportsViewSet,
        ImportViewSet,
        DuplicatesViewSet,
        PipelineViewSet,
        QuarantineViewSet,
        WebhookViewSet,
        WebhookDeliveryViewSet,
    )
