from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class NotDuplicateQuerySet(models.QuerySet):
    def pairs(self, kind):
        """The dismissed pairs of ``kind`` as a set of ``(low pk, high pk)``."""
        return set(self.filter(kind=kind).values_list("first_id", "second_id"))

    def involving(self, kind, pk):
        return self.filter(Q(first_id=pk) | Q(second_id=pk), kind=kind)


class NotDuplicate(models.Model):
    """Two records someone checked: they only look alike and are never proposed.

    The pair is stored in order (``first_id`` < ``second_id``); ``kind`` says
    whether the ids are contacts or organizations.
    """

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Contacts")
        ORGANIZATION = "organization", _("Organizations")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    first_id = models.PositiveBigIntegerField(_("first record"))
    second_id = models.PositiveBigIntegerField(_("second record"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("marked"), auto_now_add=True)

    objects = NotDuplicateQuerySet.as_manager()

    class Meta:
        verbose_name = _("not a duplicate")
        verbose_name_plural = _("not duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "first_id", "second_id"],
                name="wagtail_crm_notduplicate_unique_pair",
            ),
            models.CheckConstraint(
                condition=Q(first_id__lt=F("second_id")),
                name="wagtail_crm_notduplicate_ordered_pair",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.first_id} ≠ {self.second_id}"

    @classmethod
    def mark(cls, kind, pk_a, pk_b, user=None):
        first, second = sorted((int(pk_a), int(pk_b)))
        pair, _created = cls.objects.get_or_create(
            kind=kind,
            first_id=first,
            second_id=second,
            defaults={"created_by": user},
        )
        return pair
