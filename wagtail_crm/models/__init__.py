from .activities import Activity, Task
from .base import CRMPermission
from .capture import QuarantinedSubmission
from .contacts import Contact, Phone, TaggedContact
from .deals import Deal, Pipeline, Stage
from .duplicates import NotDuplicate
from .imports import ImportBatch, ImportJob, MappingProfile
from .leads import Lead, TaggedLead
from .organizations import Organization, TaggedOrganization
from .reminders import TaskReminder
from .settings import CRMSettings
from .webhooks import Webhook, WebhookDelivery

__all__ = [
    "Activity",
    "CRMPermission",
    "CRMSettings",
    "Contact",
    "Deal",
    "ImportBatch",
    "ImportJob",
    "MappingProfile",
    "Lead",
    "NotDuplicate",
    "Organization",
    "Phone",
    "Pipeline",
    "QuarantinedSubmission",
    "Stage",
    "TaggedContact",
    "TaggedLead",
    "TaggedOrganization",
    "Task",
    "TaskReminder",
    "Webhook",
    "WebhookDelivery",
]
