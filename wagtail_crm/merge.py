"""Merge two contacts or two organizations into one card.

``merge_records(survivor, other, fields_from_other=None, user=None)`` keeps
``survivor``, copies the chosen field values from ``other``, moves EVERY row
that points at ``other`` (phones, activities, tasks, leads, deals, contact
persons, tags, and any relation another app adds later) to ``survivor``,
deletes ``other`` and records a "wagtail_crm.merge" entry in Wagtail's audit
log. It runs in one transaction: either all of it happens or nothing does.

``merge_contacts`` and ``merge_organizations`` are the same with a type check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from .models import Contact, NotDuplicate, Organization, Phone

MERGE_ACTION = "wagtail_crm.merge"

#: The fields a person picks from one card or the other, in screen order.
MERGE_FIELDS = {
    Contact: [
        "last_name",
        "first_name",
        "middle_name",
        "email",
        "job_title",
        "role",
        "organization",
        "owner",
        "notes",
    ],
    Organization: [
        "name",
        "tax_id",
        "website",
        "email",
        "address",
        "owner",
        "notes",
    ],
}
NOT_DUPLICATE_KIND = {Contact: "contact", Organization: "organization"}


class MergeError(ValidationError):
    pass


@dataclass
class MergeResult:
    survivor: models.Model
    removed_pk: int
    removed_label: str
    fields_from_other: list[str] = field(default_factory=list)
    moved: dict[str, int] = field(default_factory=dict)
    #: The removed card's own values (e-mail, notes, tax id…), kept in the
    #: merge's history entry: what was not chosen is not lost.
    removed_values: dict[str, object] = field(default_factory=dict)


def merge_fields(model):
    """The model fields a merge lets a person choose, in screen order."""
    return [model._meta.get_field(name) for name in MERGE_FIELDS[model]]


def default_choices(survivor, other):
    """Fields to take from ``other``: those empty on ``survivor`` only."""
    return [
        field.name
        for field in merge_fields(type(survivor))
        if _is_empty(field.value_from_object(survivor))
        and not _is_empty(field.value_from_object(other))
    ]


def differing_fields(survivor, other):
    """The mergeable fields whose values differ between the two records."""
    return [
        field
        for field in merge_fields(type(survivor))
        if field.value_from_object(survivor) != field.value_from_object(other)
    ]


def _plain(value):
    """``value`` as JSON keeps it."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _is_empty(value):
    return value is None or value == ""


def merge_contacts(survivor, other, fields_from_other=None, user=None):
    return _merge_typed(Contact, survivor, other, fields_from_other, user)


def merge_organizations(survivor, other, fields_from_other=None, user=None):
    return _merge_typed(Organization, survivor, other, fields_from_other, user)


def _merge_typed(model, survivor, other, fields_from_other, user):
    if not (isinstance(survivor, model) and isinstance(other, model)):
        raise MergeError(_("Only two records of the same kind can be merged."))
    return merge_records(survivor, other, fields_from_other, user)


@transaction.atomic
def merge_records(survivor, other, fields_from_other=None, user=None) -> MergeResult:
    """Fold ``other`` into ``survivor``; see the module docstring."""
    model = type(survivor)
    if model not in MERGE_FIELDS or type(other) is not model:
        raise MergeError(_("Only two contacts or two organizations can be merged."))
    if survivor.pk == other.pk:
        raise MergeError(_("A record cannot be merged with itself."))
    survivor = model.objects.select_for_update().get(pk=survivor.pk)
    other = model.objects.select_for_update().get(pk=other.pk)
    if fields_from_other is None:
        fields_from_other = default_choices(survivor, other)
    result = MergeResult(survivor, other.pk, str(other), list(fields_from_other))
    result.removed_values = {
        f.name: _plain(f.value_from_object(other)) for f in merge_fields(model)
    }
    copied = _copy_fields(survivor, other, fields_from_other)
    result.moved = _move_related(model, survivor, other)
    _move_history(model, survivor, other)
    NotDuplicate.objects.involving(NOT_DUPLICATE_KIND[model], other.pk).delete()
    other.delete()
    for name, value in copied.items():
        setattr(survivor, name, value)
    survivor.save()
    _log_merge(result, user)
    return result


def _copy_fields(survivor, other, names):
    allowed = set(MERGE_FIELDS[type(survivor)])
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise MergeError(
            _("These fields cannot be merged: %(fields)s")
            % {"fields": ", ".join(unknown)}
        )
    copied = {}
    for name in names:
        field = survivor._meta.get_field(name)
        copied[field.attname] = field.value_from_object(other)
    # Unique values (a tax id) must leave ``other`` before ``survivor`` takes them.
    if "tax_id" in copied and copied["tax_id"]:
        type(other).objects.filter(pk=other.pk).update(tax_id="")
    return copied


def _reverse_relations(model):
    return [
        rel
        for rel in model._meta.related_objects
        if rel.one_to_many or rel.one_to_one or rel.many_to_many
    ]


def _move_related(model, survivor, other):
    """Point every row that refers to ``other`` at ``survivor``; count them."""
    moved = {}
    for rel in _reverse_relations(model):
        if rel.many_to_many:
            count = _move_many_to_many(rel, survivor, other)
        elif rel.one_to_one:
            count = _move_one_to_one(rel, survivor, other)
        else:
            count = _move_one_to_many(rel, survivor, other)
        if count:
            name = rel.get_accessor_name() or rel.related_model._meta.model_name
            moved[name] = moved.get(name, 0) + count
    return moved


def _move_one_to_many(rel, survivor, other):
    related = rel.related_model._base_manager
    field_name = rel.field.name
    rows = related.filter(**{field_name: other})
    if rel.related_model is Phone:
        _drop_same_phones(rows, field_name, survivor)
    elif _is_tag_through(rel.related_model):
        _drop_same_tags(rows, field_name, survivor)
    return rows.update(**{field_name: survivor})


def _move_one_to_one(rel, survivor, other):
    related = rel.related_model._base_manager
    field_name = rel.field.name
    if related.filter(**{field_name: survivor}).exists():
        return 0
    return related.filter(**{field_name: other}).update(**{field_name: survivor})


def _move_many_to_many(rel, survivor, other):
    through = rel.through
    source = next(
        f
        for f in through._meta.get_fields()
        if f.many_to_one and f.related_model is type(survivor)
    )
    target = next(
        f for f in through._meta.get_fields() if f.many_to_one and f.name != source.name
    )
    manager = through._base_manager
    taken = manager.filter(**{source.name: survivor}).values(target.attname)
    manager.filter(**{source.name: other, f"{target.attname}__in": taken}).delete()
    return manager.filter(**{source.name: other}).update(**{source.name: survivor})


def _drop_same_phones(rows, field_name, survivor):
    """A phone both cards have stays once: on the survivor."""
    kept = Phone.objects.filter(**{field_name: survivor})
    same = Q()
    for e164, extension in kept.values_list("e164", "extension"):
        same |= Q(e164=e164, extension=extension)
    if same:
        rows.filter(same).delete()


def _is_tag_through(model):
    return {"tag", "content_object"} <= {f.name for f in model._meta.get_fields()}


def _drop_same_tags(rows, field_name, survivor):
    kept = rows.model._base_manager.filter(**{field_name: survivor})
    rows.filter(tag_id__in=kept.values("tag_id")).delete()


def _move_history(model, survivor, other):
    """The removed card's audit history continues on the survivor's."""
    content_type = ContentType.objects.get_for_model(model)
    ModelLogEntry.objects.filter(
        content_type=content_type, object_id=str(other.pk)
    ).update(object_id=str(survivor.pk))


def _log_merge(result, user):
    log(
        instance=result.survivor,
        action=MERGE_ACTION,
        user=user,
        data={
            "merged": {"id": result.removed_pk, "title": result.removed_label},
            "fields": result.fields_from_other,
            "moved": result.moved,
            "values": result.removed_values,
        },
    )
