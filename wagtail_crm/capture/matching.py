"""Find (or create) the contact and organization a submission belongs to.

Uses the match rules of :mod:`wagtail_crm.dedup` on the few candidates that
share a key with the submission: one query for the contact candidates (with
their phones and owners) and one for the organization, not an index of the
whole table. Callers hold the locks of :mod:`.locks`.
"""

from django.db.models import F, Q

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


def match_organization(company, owner, create=True):
    if not company:
        return None
    candidates = {
        org.pk: org
        for org in Organization.objects.filter(name_key=organization_name_key(company))
    }
    index = OrganizationIndex()
    for org in candidates.values():
        index.add(org.pk, tax_id=org.tax_id, name=org.name)
    found = index.match(name=company)
    if found:
        return candidates[found.pk]
    if not create:
        return None
    return Organization.objects.create(name=company[:255], owner=owner)


def _candidates(email, phones):
    """Contacts with this e-mail or one of these phones, with their owners and
    every phone they have: one query, a row per (contact, phone)."""
    condition = Q(pk__in=[])
    if email:
        condition |= Q(email=email)
    if phones:
        condition |= Q(
            pk__in=Phone.objects.filter(e164__in=phones).values("contact_id")
        )
    return (
        Contact.objects.filter(condition)
        .select_related("owner")
        .annotate(candidate_phone=F("phones__e164"))
        .order_by("pk")
    )


def find_contact(*, email, phones, first, last):
    """The matching contact, with ``known_phones`` (its E.164 numbers), or None."""
    index = ContactIndex()
    contacts = {}
    for row in _candidates(email, phones):
        contact = contacts.setdefault(row.pk, row)
        if not hasattr(contact, "known_phones"):
            contact.known_phones = set()
        if row.candidate_phone:
            contact.known_phones.add(row.candidate_phone)
    for contact in contacts.values():
        index.add(
            contact.pk,
            email=contact.email,
            phones=sorted(contact.known_phones),
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
    if contact is None and not submission.create_contact:
        return None
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
        known_phones = contact.known_phones
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
