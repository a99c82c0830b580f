"""Admin search over CRM records: names, e-mails, tax ids and phones in any format.

The listings search with the ORM rather than Wagtail's search index: records
written in bulk (imports, benchmarks, merges) never pass through the index, and
a CRM must find a record the moment it exists. Each word of the query must
match one of the fields; a query that is a phone number (typed in any format)
also finds the records with that number, and a tax id finds its organization.
"""

from django.db.models import Q

from .dedup import organization_name_key, person_name_key, tax_id_key
from .phones import parse_phones, search_variants


def _words(query):
    return [word for word in (query or "").split() if word]


def _all_words(query, fields, key_field=None, key_func=None):
    condition = Q()
    for word in _words(query):
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        key = key_func(word) if key_func else ""
        if key_field and key:
            any_field |= Q(**{f"{key_field}__contains": key})
        condition &= any_field
    return condition


def _phone_variants(query):
    """E.164 values when the query is a phone number, else ``[]``.

    A phone query is answered through the indexed ``e164`` columns only: its
    digit groups ("8", "916") would otherwise match half the names and e-mails.
    A query with letters is a phone only when it parses as one with nothing
    left over, as "+7 916 1234567 доб. 12" does; the extension is ignored, so
    it finds the card with the number.
    """
    if any(char.isalpha() for char in query or ""):
        result = parse_phones(query)
        if result.errors:
            return []
        return list(dict.fromkeys(phone.e164 for phone in result.phones))
    return search_variants(query)


def _phone_owner_ids(variants, owner):
    from .models import Phone

    return Phone.objects.filter(e164__in=variants).values(f"{owner}_id")


def search_contacts(queryset, query):
    variants = _phone_variants(query)
    if variants:
        return queryset.filter(pk__in=_phone_owner_ids(variants, "contact"))
    condition = _all_words(
        query,
        (
            "first_name",
            "last_name",
            "middle_name",
            "email",
            "job_title",
            "organization__name",  # "Petrov Romashka" finds Petrov of Romashka
        ),
        "last_name_key",
        person_name_key,
    )
    return queryset.filter(condition)


def search_organizations(queryset, query):
    tax_id = tax_id_key(query)
    variants = _phone_variants(query)
    if variants:
        by_phone = Q(pk__in=_phone_owner_ids(variants, "organization"))
        return queryset.filter(by_phone | Q(tax_id=tax_id))
    condition = _all_words(
        query, ("name", "email", "website"), "name_key", organization_name_key
    )
    if tax_id:
        condition |= Q(tax_id=tax_id)
    return queryset.filter(condition)


def search_leads(queryset, query):
    variants = _phone_variants(query)
    if variants:
        return queryset.filter(phone_e164__in=variants)
    return queryset.filter(
        _all_words(query, ("name", "email", "company", "utm_campaign"))
    )


def search_deals(queryset, query):
    return queryset.filter(
        _all_words(query, ("title", "organization__name", "contact__last_name"))
    )


def search_activities(queryset, query):
    return queryset.filter(_all_words(query, ("subject", "body")))


def search_tasks(queryset, query):
    return queryset.filter(_all_words(query, ("title", "description")))
