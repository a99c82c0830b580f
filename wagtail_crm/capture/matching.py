"""Find (or create) the contact and organization a submission belongs to.

Uses the match rules of :mod:`wagtail_crm.dedup` on the few candidates that
share a key with the submission: one query for the contact candidates (with
their phones and owners) and one for the organization, not an index of the
whole table. Callers hold the locks of :mod:`.locks`.
"""

import functools

from django.db import connections, router

from .. import indexing
from ..dedup import (
    ContactIndex,
    OrganizationIndex,
    organization_name_key,
    person_name_key,
)
from ..lean_insert import insert_linked
from ..models import Contact, Organization, Phone
from ..names import split_full_name


def split_name(submission):
    """(first, last, middle) from the mapped first/last name or from the full
    name, read as the importer reads it ("Смирнова Анна", "Anna Smirnova");
    a lone word is a first name."""
    first = submission.text("first_name")
    last = submission.text("last_name")
    if first or last:
        return first, last, ""
    last, first, middle = split_full_name(submission.text("name"), one_word="first")
    return first, last, middle


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


def _candidate_sql(connection, email, phones):
    """Contacts with this e-mail, and contacts with one of these phones (a row
    per matching phone): one statement of two index lookups. Only the phones
    that match are joined, so an office number shared by hundreds of cards
    still costs a row per card, not a row per phone of each card."""
    sql = _candidate_statement(connection.alias, bool(email), len(phones))
    return sql, ([email] if email else []) + list(phones)


@functools.cache
def _candidate_statement(alias, email, phones):
    """The statement of :func:`_candidate_sql`, made once per shape."""
    quote = connections[alias].ops.quote_name
    columns = ", ".join(f"c.{quote(f.column)}" for f in Contact._meta.concrete_fields)
    contacts, phone_table = quote(Contact._meta.db_table), quote(Phone._meta.db_table)
    contact_id = quote(Phone._meta.get_field("contact").column)
    e164 = quote(Phone._meta.get_field("e164").column)
    pk = quote(Contact._meta.pk.column)
    parts = []
    if email:
        email_column = quote(Contact._meta.get_field("email").column)
        parts.append(
            f"SELECT {columns}, NULL FROM {contacts} c WHERE c.{email_column} = %s"
        )
    if phones:
        marks = ", ".join(["%s"] * phones)
        parts.append(
            f"SELECT {columns}, p.{e164} FROM {phone_table} p INNER JOIN "
            f"{contacts} c ON c.{pk} = p.{contact_id} WHERE p.{e164} IN ({marks})"
        )
    return " UNION ALL ".join(parts)


def _write_alias():
    # The database the capture writes to: it holds the capture's locks.
    return router.db_for_write(Contact)


def candidate_statement(email, phones):
    """``(sql, params)`` of the query for the contacts a submission with
    ``email`` and ``phones`` may be (for a caller that sends it together with
    other statements, see :mod:`wagtail_crm.round_trips`), or None."""
    if not (email or phones):
        return None
    return _candidate_sql(connections[_write_alias()], email, phones)


def _candidates(email, phones, rows=None):
    """The candidate contacts, oldest first, each with ``known_phones``: which
    of ``phones`` it already has. ``rows``: what :func:`candidate_statement`
    returned, when the caller ran it."""
    connection = connections[_write_alias()]
    if rows is None:
        with connection.cursor() as cursor:
            cursor.execute(*_candidate_sql(connection, email, phones))
            rows = cursor.fetchall()
    names = [f.attname for f in Contact._meta.concrete_fields]
    contacts = {}
    for *values, phone in rows:
        contact = contacts.get(values[0])
        if contact is None:
            contact = Contact.from_db(connection.alias, names, values)
            contact.known_phones = set()
            contacts[contact.pk] = contact
        if phone:
            contact.known_phones.add(phone)
    return [contacts[pk] for pk in sorted(contacts)]


def find_contact(*, email, phones, first, last, rows=None):
    """The matching contact, with ``known_phones`` (those of ``phones`` it
    has), or None. ``rows``: see :func:`_candidates`."""
    if not (email or phones):
        return None
    index = ContactIndex()
    contacts = {}
    for contact in _candidates(email, phones, rows):
        contacts[contact.pk] = contact
        index.add(
            contact.pk,
            email=contact.email,
            phones=sorted(contact.known_phones),
            last_name=_name_key_source(contact.first_name, contact.last_name),
        )
    found = index.match(
        email=email, phones=phones, last_name=_name_key_source(first, last)
    )
    if found:
        return contacts[found.pk]
    return _same_phone_and_name_words(contacts.values(), first, last, email)


def _same_phone_and_name_words(candidates, first, last, email=""):
    """The oldest candidate sharing a phone whose surname is one of the words
    of the name sent ("Smirnova Anna", surname first as Russian forms often
    get it), or, for a one-word name ("Anna"), whose first or last name it
    is. Different people who share an office phone keep different surnames.

    Without a name (a "call me back" form) the number is all there is: the
    oldest card with it, as for a phone call; a card with the number and no
    name (made by such a form) is the named person's who sends it next. A
    card with another e-mail than the one sent is someone else's (a
    colleague on the office line).
    """
    by_phone = [contact for contact in candidates if contact.known_phones]
    if not by_phone:
        return None
    words = {person_name_key(word) for word in f"{first} {last}".split()}
    words.discard("")
    if not words:
        # No name sent (a "call me back" form): the number is all there is,
        # as for a phone call — the oldest card with it, unless that card has
        # another e-mail than the one sent (a colleague on the office line).
        return next((c for c in by_phone if _same_or_no_email(c, email)), None)
    for contact in by_phone:  # oldest first
        surname = person_name_key(contact.last_name)
        given = person_name_key(contact.first_name)
        if not surname and not given and _same_or_no_email(contact, email):
            return contact  # a card made from the number alone: this person's
        if surname and surname in words:
            return contact
        if len(words) == 1 and given in words:
            return contact
        if not surname and given and given in words:
            return contact
    return None


def _same_or_no_email(contact, email):
    return not email or not contact.email or contact.email == email


class ContactMatch:
    """The contact of a submission — an existing card, or a new one not
    written yet — and the phone it lacks (``phones``, not written yet)."""

    def __init__(self, contact, *, new, phones):
        self.contact = contact
        self.new = new
        self.phones = phones

    def save_with(self, lead, *, also=None):
        """Write the new contact and phone, if any, with the new ``lead`` (its
        save signals sent): one statement on PostgreSQL. The contact is
        written as the import writes its cards: the same columns and keys,
        its index update recorded (deferred in a capture), no ``post_save``
        of ``Contact`` or ``Phone``. ``also``: see
        :func:`~wagtail_crm.lean_insert.insert_linked`, whose result it returns."""
        if self.new:
            self.contact.set_keys()
            children = [(phone, "contact_id") for phone in self.phones]
            children.append((lead, "contact_id"))
            result = insert_linked(self.contact, children, signals=[lead], also=also)
            indexing.record_saved(self.contact)
            return result
        children = [(phone, None) for phone in self.phones]
        return insert_linked(None, [*children, (lead, None)], signals=[lead], also=also)


def match_contact(submission, parsed_phone, organization, owner, rows=None):
    """The :class:`ContactMatch` of this person (an existing contact is
    enriched at once), or None. ``rows``: the result of the caller's
    :func:`candidate_statement`, if it ran it."""
    email = submission.email()
    phones = [parsed_phone.e164] if parsed_phone else []
    first, last, middle = split_name(submission)
    if not (email or phones):
        return None
    contact = find_contact(
        email=email, phones=phones, first=first, last=last, rows=rows
    )
    if contact is None and not submission.create_contact:
        return None
    if contact is None:
        contact = Contact(
            first_name=first[:150],
            last_name=last[:150],
            middle_name=middle[:150],
            email=email,
            job_title=submission.text("job_title")[:255],
            organization=organization,
            owner=owner,
        )
        known_phones = set()
    else:
        _enrich(
            contact,
            email=email,
            organization=organization,
            first=first,
            last=last,
            middle=middle,
        )
        known_phones = contact.known_phones
    new_phones = []
    if parsed_phone and parsed_phone.e164 not in known_phones:
        new_phones.append(
            Phone(
                contact=contact,
                e164=parsed_phone.e164,
                extension=parsed_phone.extension,
                kind=parsed_phone.kind,
            )
        )
    return ContactMatch(contact, new=contact.pk is None, phones=new_phones)


def _enrich(contact, *, email, organization, first="", last="", middle=""):
    """Fill what the card lacks; never overwrite what a manager entered."""
    changed = []
    if (first or last) and not (contact.first_name or contact.last_name):
        contact.first_name, contact.last_name = first[:150], last[:150]
        changed += ["first_name", "last_name", "last_name_key"]
        if middle and not contact.middle_name:
            contact.middle_name = middle[:150]
            changed.append("middle_name")
    if email and not contact.email:
        contact.email = email
        changed.append("email")
    if organization and not contact.organization_id:
        contact.organization = organization
        changed.append("organization")
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
