"""The edit forms of the CRM records, as Wagtail panel trees."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)

from .forms.deals import DealForm
from .forms.leads import LeadForm
from .forms.pipelines import PipelineForm
from .forms.records import ContactForm, CRMRecordForm, OrganizationForm, TaskForm
from .models import (
    Activity,
    Contact,
    Deal,
    Lead,
    Organization,
    Pipeline,
    Stage,
    Task,
)
from .panels import (
    AttributionPanel,
    ContactPersonsPanel,
    DealsPanel,
    LeadsPanel,
    OpenTasksPanel,
    PhonesPanel,
    TimelinePanel,
)
from .permissions import VIEW_ALL_PERMISSION


def owner_panel(field_name="owner"):
    """Only users who see all records may hand a record to someone else."""
    return FieldPanel(field_name, permission=VIEW_ALL_PERMISSION)


def organization_panels():
    return [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("tax_id"), FieldPanel("email")]),
        FieldRowPanel([FieldPanel("website"), owner_panel()]),
        FieldPanel("address"),
        FieldPanel("tags"),
        FieldPanel("notes"),
        FieldPanel("ignore_duplicates"),
        ContactPersonsPanel(
            "contacts",
            heading=_("Contact persons"),
            label=_("Contact person"),
            panels=[
                FieldRowPanel(
                    [
                        FieldPanel("last_name"),
                        FieldPanel("first_name"),
                        FieldPanel("middle_name"),
                    ]
                ),
                FieldRowPanel([FieldPanel("role"), FieldPanel("job_title")]),
                FieldRowPanel([FieldPanel("email"), FieldPanel("phone_numbers")]),
            ],
        ),
        PhonesPanel(),
        TimelinePanel(heading=_("Timeline")),
        DealsPanel(heading=_("Deals")),
        OpenTasksPanel(heading=_("Open tasks")),
    ]


def contact_panels():
    return [
        FieldRowPanel(
            [
                FieldPanel("last_name"),
                FieldPanel("first_name"),
                FieldPanel("middle_name"),
            ]
        ),
        FieldRowPanel([FieldPanel("organization"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("job_title"), FieldPanel("email")]),
        PhonesPanel(),
        owner_panel(),
        FieldPanel("tags"),
        FieldPanel("notes"),
        FieldPanel("ignore_duplicates"),
        TimelinePanel(heading=_("Timeline")),
        OpenTasksPanel(heading=_("Open tasks")),
        DealsPanel(heading=_("Deals")),
        LeadsPanel(heading=_("Leads")),
    ]


def lead_panels():
    return [
        FieldRowPanel([FieldPanel("status"), owner_panel()]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("company")]),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("message"),
        FieldPanel("lost_reason"),
        FieldPanel("tags"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("contact"), FieldPanel("organization")]),
                FieldRowPanel([FieldPanel("deal"), FieldPanel("pipeline")]),
            ],
            heading=_("Linked records"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("source_page"),
                FieldPanel("source_url"),
                FieldPanel("referrer"),
                FieldRowPanel(
                    [
                        FieldPanel("utm_source"),
                        FieldPanel("utm_medium"),
                        FieldPanel("utm_campaign"),
                    ]
                ),
                FieldRowPanel([FieldPanel("utm_term"), FieldPanel("utm_content")]),
                FieldRowPanel([FieldPanel("consent"), FieldPanel("consent_text")]),
            ],
            heading=_("Source"),
            classname="collapsed",
        ),
        AttributionPanel(heading=_("Attribution")),
        TimelinePanel(heading=_("Timeline")),
        OpenTasksPanel(heading=_("Open tasks")),
    ]


def deal_panels():
    return [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("stage"), FieldPanel("expected_close")]),
        FieldRowPanel([FieldPanel("amount"), FieldPanel("currency")]),
        FieldRowPanel([FieldPanel("organization"), FieldPanel("contact")]),
        owner_panel(),
        FieldPanel("lost_reason"),
        FieldPanel("description"),
        TimelinePanel(heading=_("Timeline")),
        OpenTasksPanel(heading=_("Open tasks")),
    ]


def activity_panels():
    return [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("direction")]),
        FieldPanel("subject"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("occurred_at"), FieldPanel("duration")]),
        FieldRowPanel([FieldPanel("contact"), FieldPanel("organization")]),
        FieldRowPanel([FieldPanel("lead"), FieldPanel("deal")]),
        owner_panel("author"),
    ]


def task_panels():
    return [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("due_at"), FieldPanel("done")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("contact"), FieldPanel("organization")]),
        FieldRowPanel([FieldPanel("lead"), FieldPanel("deal")]),
        owner_panel("assignee"),
    ]


def pipeline_panels():
    """A pipeline is edited with its stages: a new site needs them for any deal."""
    return [
        FieldRowPanel([FieldPanel("name"), FieldPanel("is_default")]),
        InlinePanel(
            "stages",
            # Wagtail's default heading is the relation's name, in English.
            heading=capfirst(Stage._meta.verbose_name_plural),
            min_num=1,
            panels=[
                FieldRowPanel(
                    [
                        FieldPanel("name"),
                        FieldPanel("kind"),
                        FieldPanel("probability"),
                    ]
                ),
            ],
        ),
    ]


EDIT_HANDLERS = {
    Organization: (organization_panels, OrganizationForm),
    Contact: (contact_panels, ContactForm),
    Lead: (lead_panels, LeadForm),
    Deal: (deal_panels, DealForm),
    Activity: (activity_panels, CRMRecordForm),
    Task: (task_panels, TaskForm),
    Pipeline: (pipeline_panels, PipelineForm),
}


def build_edit_handler(model):
    panels, form_class = EDIT_HANDLERS[model]
    return ObjectList(panels(), base_form_class=form_class)
