""" "Own records only": one rule for every listing, chooser, export and report.

A user who may see all CRM records (superusers, and the "Can see all CRM
records" permission) sees everything; everybody else sees the records whose
owner field (``Model.owner_field``: owner, author or assignee) is themselves.
"""

VIEW_ALL_PERMISSION = "wagtail_crm.view_all_records"


def can_see_all(user) -> bool:
    return bool(
        user
        and user.is_active
        and (user.is_superuser or user.has_perm(VIEW_ALL_PERMISSION))
    )


def owner_field_of(model) -> str | None:
    return getattr(model, "owner_field", None)


def visible_to(queryset, user):
    """``queryset`` narrowed to what ``user`` may see."""
    if can_see_all(user):
        return queryset
    field = owner_field_of(queryset.model)
    if field is None or not user or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(**{field: user})
