from functools import cache

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import (
    ClusterableModel,
    get_all_child_m2m_relations,
    get_all_child_relations,
)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def owner_foreign_key(*, db_index=True):
    """The ``owner`` of an owned record. A model whose ``Meta.indexes`` start
    with ``owner`` passes ``db_index=False``: that index serves the owner
    lookups, and a second one would only slow every INSERT down."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=db_index,
    )


class OwnedModel(TimestampedModel):
    """A record a manager works: visible to its owner without "see all"."""

    owner_field = "owner"

    owner = owner_foreign_key()

    class Meta:
        abstract = True


class CRMPermission(models.Model):
    """Holds the app-wide permissions that belong to no single model."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_all_records", _("Can see all CRM records")),
            ("import_records", _("Can import CRM records")),
            ("export_records", _("Can export CRM records")),
            ("manage_personal_data", _("Can export and erase personal data")),
        ]
        verbose_name = _("CRM permission")


@cache
def _child_relation_names(model):
    return frozenset(
        [rel.get_accessor_name() for rel in get_all_child_relations(model)]
        + [field.name for field in get_all_child_m2m_relations(model)]
    )


class LeanClusterableModel(ClusterableModel):
    """``ClusterableModel`` whose constructor looks up the model's child
    relations once, not on every instance: it walked every field and reverse
    relation of a contact (a dozen) each time one was built, by a form post, a
    listing page or an import alike. Child objects passed to the constructor
    (``Lead(tagged_items=[...])``) are handled as ``ClusterableModel`` does."""

    class Meta:
        abstract = True

    def __init__(self, *args, **kwargs):
        if kwargs and not _child_relation_names(type(self)).isdisjoint(kwargs):
            super().__init__(*args, **kwargs)
        else:
            models.Model.__init__(self, *args, **kwargs)
