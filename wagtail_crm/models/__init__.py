from .activities import Activity, Task
from .base import CRMPermission
from .contacts import Contact, Phone, TaggedContact
from .deals import Deal, Pipeline, Stage
from .imports import ImportBatch, ImportJob, MappingProfile
from .leads import Lead, TaggedLead
from .organizations import Organization, TaggedOrganization
from .settings import CRMSettings

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
    "Organization",
    "Phone",
    "Pipeline",
    "Stage",
    "TaggedContact",
    "TaggedLead",
    "TaggedOrganization",
    "Task",
]
