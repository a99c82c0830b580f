"""Find (or create) the contact and organization a submission belongs to.

Uses the match rules of :mod:`wagtail_crm.dedup` on the few candidates that
share a key with the submission, so it costs two small queries, not an index of
the whole table. Callers hold the locks of :mod:`.locks`.
"""

from django.db.models import Q

from ..dedup import ContactIndex, OrganizationIndex, email_key, organization_name_key
from ..models import Contact, Organization, Phone


def split_name(submission):
    """(first, last) from the mapped first/last name or from the full name."""
    first = submission.text("first_name")
    last = submission.text("last_name")
    if first or last:
        return first, last
    parts = submission.text("name").split()
    if len(parts) < 2:
        return " ".join(parts), ""
    return parts[0], " ".join(parts[1:])


def _name_key_source(first, last):
    # A one-word name is still a name: match "same phone + same name" on it.
    return last or first


def match_organization(company, owner):
    if not company:
        return None
    candidates = Organization.objects.filter(name_key=organization_name_key(company))
    index = OrganizationIndex()
    for org in candidates:
        index.add(org.pk, tax_id=org.tax_id, name=org.name)
    found = index.match(name=company)
    if found:
        return Organization.objects.get(pk=found.pk)
    return Organization.objects.create(name=company[:255], owner=owner)


def _candidates(email, phones):
    condition = Q(pk__in=[])
    if email:
        condition |= Q(email=email)
    if phones:
        condition |= Q(phones__e164__in=phones)
    return Contact.objects.filter(condition).distinct().prefetch_related("phones")


def find_contact(*, email, phones, first, last):
    index = ContactIndex()
    contacts = {}
    for contact in _candidates(email, phones).order_by("pk"):
        contacts[contact.pk] = contact
        index.add(
            contact.pk,
            email=contact.email,
            phones=[phone.e164 for phone in contact.phones.all()],
            last_name=_name_key_source(contact.first_name, contact.last_name),
        )
    found = index.match(
        email=email, phones=phones, last_name=_name_key_source(first, last)
    )
    return contacts[found.pk] if found else None


def match_contact(submission, parsed_phone, organization, owner):
    """The existing contact of this person, enriched, or a new one."""
    email = email_key(submission.text("email"))
    phones = [parsed_phone.e164] if parsed_phone else []
    first, last = split_name(submission)
    if not (email or phones):
        return None
    contact = find_contact(email=email, phones=phones, first=first, last=last)
    known_phones = set()
    if contact is None:
        contact = Contact.objects.create(
            first_name=first[:150],
            last_name=last[:150],
            email=email,
            job_title=submission.text("job_title")[:255],
            organization=organization,
            owner=owner,
        )
    else:
        _enrich(contact, email=email, organization=organization)
        known_phones = {phone.e164 for phone in contact.phones.all()}
    if parsed_phone and parsed_phone.e164 not in known_phones:
        Phone.objects.create(
            contact=contact,
            e164=parsed_phone.e164,
            extension=parsed_phone.extension,
            kind=parsed_phone.kind,
        )
    return contact


def _enrich(contact, *, email, organization):
    """Fill what the card lacks; never overwrite what a manager entered."""
    changed = []
    if email and not contact.email:
        contact.email = email
        changed.append("email")
    if organization and not contact.organization_id:
        contact.organization = organization
        changed.append("organization")
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
