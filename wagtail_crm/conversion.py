"""Lead workflow: take in progress, qualify, mark lost, convert.

``convert_lead`` is the one way a lead becomes a client card. It matches the
person and the company against everything already in the CRM with the keys of
``wagtail_crm.dedup`` (regardless of who owns the existing card), links what it
finds and creates only what is missing, so converting never makes a second card
for someone the CRM already knows. The lead keeps links to what it became.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .dedup import (
    ContactIndex,
    OrganizationIndex,
    email_key,
    organization_name_key,
    person_name_key,
)
from .models import Contact, Deal, Lead, Organization, Phone, Pipeline
from .names import split_full_name

ACTION_TAKEN = "wagtail_crm.lead_taken"
ACTION_QUALIFIED = "wagtail_crm.lead_qualified"
ACTION_LOST = "wagtail_crm.lead_lost"
ACTION_CONVERTED = "wagtail_crm.lead_converted"

LOG_ACTIONS = {
    ACTION_TAKEN: (_("Take lead in progress"), _("Lead taken in progress")),
    ACTION_QUALIFIED: (_("Qualify lead"), _("Lead qualified")),
    ACTION_LOST: (_("Mark lead lost"), _("Lead marked lost")),
    ACTION_CONVERTED: (_("Convert lead"), _("Lead converted")),
}

OPEN_STATUSES = (Lead.Status.NEW, Lead.Status.IN_PROGRESS, Lead.Status.QUALIFIED)


class WorkflowError(Exception):
    """A step that does not apply to the lead in its current status."""


@dataclass
class Conversion:
    contact: Contact | None
    organization: Organization | None
    deal: Deal | None
    contact_created: bool = False
    organization_created: bool = False


def _require_open(lead):
    if lead.status not in OPEN_STATUSES:
        raise WorkflowError(
            _("The lead is already %(status)s.")
            % {"status": lead.get_status_display().lower()}
        )


def _set_status(lead, status, action, user, **fields):
    _require_open(lead)
    lead.status = status
    for name, value in fields.items():
        setattr(lead, name, value)
    if lead.owner_id is None and user is not None:
        lead.owner = user
    lead.save()
    log(instance=lead, action=action, user=user, data=fields and _jsonable(fields))
    return lead


def _jsonable(fields):
    return {key: str(value) for key, value in fields.items()}


def take_in_progress(lead, user):
    if lead.status != Lead.Status.NEW:
        raise WorkflowError(_("Only a new lead can be taken in progress."))
    return _set_status(lead, Lead.Status.IN_PROGRESS, ACTION_TAKEN, user)


def qualify(lead, user):
    return _set_status(lead, Lead.Status.QUALIFIED, ACTION_QUALIFIED, user)


def mark_lost(lead, user, reason):
    return _set_status(lead, Lead.Status.LOST, ACTION_LOST, user, lost_reason=reason)


def split_name(name):
    """("last", "first", "middle") from a typed full name, read as the
    importer and form capture read it ("Смирнова Анна", "Anna Smirnova",
    "Иванов Пётр Сергеевич"); a lone word is a first name."""
    return split_full_name(name, one_word="first")


def find_contact(lead):
    """The existing contact the lead's person is (same e-mail, or phone + last name)."""
    last_name = split_name(lead.name)[0]
    phones = [lead.phone_e164] if lead.phone_e164 else []
    condition = Q(pk__in=[])
    if email_key(lead.email):
        condition |= Q(email=email_key(lead.email))
    if phones and person_name_key(last_name):
        condition |= Q(
            last_name_key=person_name_key(last_name),
            pk__in=Phone.objects.filter(e164__in=phones).values("contact_id"),
        )
    index = ContactIndex.from_db(Contact.objects.filter(condition))
    match = index.match(email=lead.email, phones=phones, last_name=last_name)
    return Contact.objects.get(pk=match.pk) if match else None


def find_organization(lead):
    tax_id = str(lead.data.get("tax_id", "") if isinstance(lead.data, dict) else "")
    name_key = organization_name_key(lead.company)
    condition = Q(pk__in=[])
    if name_key:
        condition |= Q(name_key=name_key)
    if tax_id:
        condition |= Q(tax_id=tax_id.strip().upper())
    index = OrganizationIndex.from_db(Organization.objects.filter(condition))
    match = index.match(tax_id=tax_id, name=lead.company)
    return Organization.objects.get(pk=match.pk) if match else None


def _organization_for(lead, owner):
    if lead.organization_id:
        return lead.organization, False
    existing = find_organization(lead) if lead.company.strip() else None
    if existing is not None or not lead.company.strip():
        return existing, False
    return Organization.objects.create(name=lead.company, owner=owner), True


def _contact_for(lead, organization, owner):
    if lead.contact_id:
        return lead.contact, False
    existing = find_contact(lead)
    if existing is not None:
        if existing.organization_id is None and organization is not None:
            existing.organization = organization
            existing.save(update_fields=["organization"])
        return existing, False
    last, first, middle = split_name(lead.name)
    contact = Contact.objects.create(
        last_name=last,
        first_name=first,
        middle_name=middle,
        email=lead.email,
        organization=organization,
        owner=owner,
    )
    if lead.phone_e164:
        Phone.objects.create(contact=contact, e164=lead.phone_e164, kind="other")
    return contact, True


def deal_pipeline(lead, pipeline=None):
    """Where a deal made from ``lead`` starts: ``pipeline`` if given, else the
    lead's own (set by the form it came from), else the default pipeline."""
    return pipeline or lead.pipeline or Pipeline.get_default()


def _create_deal(
    lead, contact, organization, owner, title, amount, currency, pipeline=None
):
    pipeline = deal_pipeline(lead, pipeline)
    stage = pipeline.stages.order_by("sort_order").first() if pipeline else None
    if stage is None:
        raise WorkflowError(_("Create a pipeline with stages before adding deals."))
    return Deal.objects.create(
        title=title,
        amount=Decimal(amount) if amount is not None else None,
        currency=currency,
        stage=stage,
        organization=organization,
        contact=contact,
        owner=owner,
    )


@transaction.atomic
def convert_lead(
    lead,
    user,
    *,
    create_deal=False,
    deal_title="",
    amount=None,
    currency="",
    pipeline=None,
):
    """Link or create the lead's contact and organization (and a deal); log it.

    The deal starts in the first stage of ``pipeline``, else of the lead's
    pipeline, else of the default pipeline.
    """
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _require_open(lead)
    owner = lead.owner or user
    organization, organization_created = _organization_for(lead, owner)
    contact, contact_created = _contact_for(lead, organization, owner)
    deal = None
    if create_deal:
        deal = _create_deal(
            lead,
            contact,
            organization,
            owner,
            deal_title or str(lead),
            amount,
            currency,
            pipeline,
        )
    lead.contact, lead.organization, lead.deal = contact, organization, deal
    lead.status = Lead.Status.CONVERTED
    lead.owner = owner
    lead.save()
    result = Conversion(
        contact, organization, deal, contact_created, organization_created
    )
    log(instance=lead, action=ACTION_CONVERTED, user=user, data=_log_data(result))
    return result


def _log_data(result):
    return {
        "contact": result.contact.pk if result.contact else None,
        "contact_created": result.contact_created,
        "organization": result.organization.pk if result.organization else None,
        "organization_created": result.organization_created,
        "deal": result.deal.pk if result.deal else None,
        "converted_at": timezone.now().isoformat(),
    }
