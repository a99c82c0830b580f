"""Find groups of existing records that are probably the same person or company.

The same keys as ``wagtail_crm.dedup`` (stored on the rows as ``email``,
``last_name_key``, ``Phone.e164`` and ``name_key``), found with GROUP BY
queries: a fixed number of queries whatever the number of records. Pairs
marked "not a duplicate" (``NotDuplicate``) are never proposed again.

``find_groups(kind, user)`` returns ``DuplicateGroup``s of primary keys;
``load_records(groups)`` fetches the records of the groups on one page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _

from .models import Contact, NotDuplicate, Organization, Phone
from .permissions import visible_to

CONTACT = NotDuplicate.Kind.CONTACT
ORGANIZATION = NotDuplicate.Kind.ORGANIZATION
MODELS = {CONTACT: Contact, ORGANIZATION: Organization}
REASONS = {
    "email": _("same e-mail"),
    "phone_name": _("same phone and last name"),
    "tax_id": _("same tax id"),
    "name": _("same name"),
}
#: Key groups larger than this are linked as a star, not pair by pair.
MAX_PAIRWISE = 20


@dataclass
class DuplicateGroup:
    kind: str
    pks: list[int]
    reasons: list[str]
    records: list = field(default_factory=list)
    #: pk → the pk of a record of the group it matches directly (the first
    #: record where it can): what "Merge…" and "Not a duplicate" act on.
    partners: dict = field(default_factory=dict)

    @property
    def reason_labels(self):
        return [REASONS[reason] for reason in self.reasons]

    @property
    def model(self):
        return MODELS[self.kind]


def find_groups(kind, user) -> list[DuplicateGroup]:
    """Groups of ``kind`` records visible to ``user``, largest key first."""
    queryset = visible_to(MODELS[kind].objects.all(), user)
    key_groups = (
        _contact_key_groups(queryset)
        if kind == CONTACT
        else _organization_key_groups(queryset)
    )
    dismissed = NotDuplicate.objects.pairs(kind)
    return _connect(kind, key_groups, dismissed)


def _duplicated(queryset, key):
    """The values of ``key`` that more than one row of ``queryset`` shares."""
    return (
        queryset.exclude(**{key: ""})
        .values(key)
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values(key)
    )


def _contact_key_groups(queryset):
    groups = defaultdict(set)
    rows = queryset.filter(email__in=_duplicated(queryset, "email"))
    for pk, email in rows.values_list("pk", "email"):
        groups[("email", email)].add(pk)
    phones = Phone.objects.filter(contact__in=queryset.values("pk")).exclude(
        contact__last_name_key=""
    )
    shared = (
        phones.values("e164", "contact__last_name_key")
        .annotate(count=Count("contact_id", distinct=True))
        .filter(count__gt=1)
        .values("e164")
    )
    rows = phones.filter(e164__in=shared).values_list(
        "contact_id", "e164", "contact__last_name_key"
    )
    for pk, e164, name in rows:
        groups[("phone_name", e164, name)].add(pk)
    return [(key[0], pks) for key, pks in groups.items() if len(pks) > 1]


def _organization_key_groups(queryset):
    groups = defaultdict(dict)
    rows = queryset.filter(name_key__in=_duplicated(queryset, "name_key"))
    for pk, name_key, tax_id in rows.values_list("pk", "name_key", "tax_id"):
        groups[name_key][pk] = tax_id
    found = []
    for members in groups.values():
        # Two companies of one name with different tax ids are different companies.
        by_tax = defaultdict(set)
        for pk, tax_id in members.items():
            by_tax[tax_id].add(pk)
        untaxed = by_tax.pop("", set())
        if len(by_tax) > 1:
            # Which of them a card without a tax id is, nothing tells: pairing
            # it with each would join companies with different tax ids.
            found.extend(("name", pks) for pks in (*by_tax.values(), untaxed))
            continue
        for pks in by_tax.values() or [set()]:
            found.append(("name", pks | untaxed))
    return [(reason, pks) for reason, pks in found if len(pks) > 1]


def _pairs(pks):
    ordered = sorted(pks)
    if len(ordered) <= MAX_PAIRWISE:
        return combinations(ordered, 2)
    return ((ordered[0], pk) for pk in ordered[1:])


def _connect(kind, key_groups, dismissed):
    """Union the key groups into connected groups, skipping dismissed pairs."""
    parent = {}

    def root(pk):
        while parent.setdefault(pk, pk) != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    reasons = defaultdict(set)  # (pk, pk) → why the two match
    neighbours = defaultdict(set)  # pk → the pks it matches directly
    for reason, pks in key_groups:
        for a, b in _pairs(pks):
            if (a, b) in dismissed:
                continue
            parent[root(b)] = root(a)
            neighbours[a].add(b)
            neighbours[b].add(a)
            reasons[(a, b)].add(reason)
    members = defaultdict(set)
    found = defaultdict(set)
    for pk in parent:
        members[root(pk)].add(pk)
    for (a, _b), pair_reasons in reasons.items():
        found[root(a)] |= pair_reasons
    groups = []
    for group_root, pks in members.items():
        if len(pks) < 2:
            continue
        ordered = [reason for reason in REASONS if reason in found[group_root]]
        groups.append(
            DuplicateGroup(
                kind, sorted(pks), ordered, partners=_partners(pks, neighbours)
            )
        )
    return sorted(groups, key=lambda group: (-len(group.pks), group.pks[0]))


def _partners(pks, neighbours):
    """For every record but the group's first, one it matches directly (the
    first where it can)."""
    first, *others = sorted(pks)
    return {
        pk: first if first in neighbours[pk] else min(neighbours[pk]) for pk in others
    }


def load_records(groups):
    """Fill ``group.records`` for ``groups`` with a fixed number of queries."""
    by_kind = defaultdict(set)
    for group in groups:
        by_kind[group.kind].update(group.pks)
    loaded = {}
    for kind, pks in by_kind.items():
        for record in _records(kind, pks):
            loaded[(kind, record.pk)] = record
    for group in groups:
        group.records = [
            loaded[(group.kind, pk)] for pk in group.pks if (group.kind, pk) in loaded
        ]
        for record in group.records:
            partner = group.partners.get(record.pk)
            record.duplicate_partner = loaded.get((group.kind, partner))
    return groups


def _records(kind, pks):
    phones = Prefetch("phones", queryset=Phone.objects.order_by("pk"))
    queryset = MODELS[kind].objects.filter(pk__in=pks).select_related("owner")
    if kind == CONTACT:
        queryset = queryset.select_related("organization")
    return queryset.prefetch_related(phones).annotate(
        activity_count=Count("activities", distinct=True)
    )
