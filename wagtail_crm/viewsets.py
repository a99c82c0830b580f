"""The CRM's admin screens, as Wagtail viewsets that developers can subclass."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Activity, Contact, Deal, Lead, Organization, Pipeline, Task
from .views.imports import ImportViewSet


class LeadViewSet(SnippetViewSet):
    model = Lead
    icon = "mail"
    menu_label = _("Leads")
    list_display = ["__str__", "status", "email", "utm_campaign", "created_at"]
    search_fields = ["name", "email", "company", "message"]


class ContactViewSet(SnippetViewSet):
    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    list_display = ["__str__", "organization", "email", "job_title"]
    search_fields = ["first_name", "last_name", "middle_name", "email"]


class OrganizationViewSet(SnippetViewSet):
    model = Organization
    icon = "group"
    menu_label = _("Organizations")
    list_display = ["name", "tax_id", "email"]
    search_fields = ["name", "tax_id", "email"]


class DealViewSet(SnippetViewSet):
    model = Deal
    icon = "tag"
    menu_label = _("Deals")
    list_display = ["title", "stage", "amount", "organization"]
    search_fields = ["title"]


class ActivityViewSet(SnippetViewSet):
    model = Activity
    icon = "comment"
    menu_label = _("Activities")
    list_display = ["__str__", "kind", "occurred_at", "contact", "organization"]


class TaskViewSet(SnippetViewSet):
    model = Task
    icon = "date"
    menu_label = _("Tasks")
    list_display = ["title", "due_at", "assignee", "done"]


class PipelineViewSet(SnippetViewSet):
    model = Pipeline
    icon = "list-ol"
    menu_label = _("Pipelines")


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
        ActivityViewSet,
        TaskViewSet,
        PipelineViewSet,
        ImportViewSet,
    )
