""" "Own records only": one rule for every listing, chooser, export and report.

A user who may see all CRM records (superusers, and the "Can see all CRM
records" permission) sees everything; everybody else sees the records whose
owner field (``Model.owner_field``: owner, author or assignee) is themselves.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

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


def admin_users():
    """Active users who may open the Wagtail admin: the people a record can be
    handed to or filtered by.

    Not ``is_staff``: users added in Wagtail's *Settings → Users* are not
    staff; what lets them in is being a superuser or having *Can access
    Wagtail admin* (``wagtailadmin.access_admin``), directly or by a group.
    """
    from django.contrib.auth.models import Permission

    users = get_user_model().objects
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    return users.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(pk__in=users.filter(user_permissions__in=access).values("pk"))
        | Q(pk__in=users.filter(groups__permissions__in=access).values("pk"))
    )


def written_by_the_crm_policy(model, forbidden):
    """The permission policy of a model whose rows the CRM writes itself (a
    delivery log, a quarantine): nobody — a superuser neither — does the
    ``forbidden`` actions ("add", "change"…) by hand in the admin; the other
    actions go by the model's Django permissions, as in Wagtail's own
    ``ModelPermissionPolicy``.

    Wagtail 8 looks policies up in its registry, where this one is
    registered; a viewset of Wagtail 7.4 takes it as its ``permission_policy``.
    Call it when the module defining the viewset is imported, before Wagtail
    registers the viewset.
    """
    from wagtail.permission_policies import ModelPermissionPolicy

    from .compat import WAGTAIL_8

    class WrittenByTheCRM(ModelPermissionPolicy):
        def user_has_permission(self, user, action):
            if action in forbidden:
                return False
            return super().user_has_permission(user, action)

        def users_with_any_permission(self, actions):
            allowed = [action for action in actions if action not in forbidden]
            if not allowed:
                return get_user_model().objects.none()
            return super().users_with_any_permission(allowed)

    policy = WrittenByTheCRM(model)
    if WAGTAIL_8:
        from wagtail.permissions import register_permission_policy

        register_permission_policy(model, policy, exact_class=True)
    return policy


def visible_log_entries(queryset, user):
    """``ModelLogEntry`` rows narrowed to what ``user`` may see: an entry of a
    CRM record the user may not see is left out, unless they made it."""
    if can_see_all(user):
        return queryset
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField
    from django.db.models.functions import Cast

    for model in apps.get_app_config("wagtail_crm").get_models():
        if owner_field_of(model) is None:
            continue
        content_type = ContentType.objects.get_for_model(model)
        visible_ids = (
            visible_to(model._default_manager.all(), user)
            .annotate(log_id=Cast("pk", CharField()))
            .values("log_id")
        )
        queryset = queryset.exclude(
            Q(content_type=content_type)
            & ~Q(object_id__in=visible_ids)
            & ~Q(user_id=getattr(user, "pk", None))
        )
    return queryset


def narrow_site_history():
    """Wagtail's *Reports → Site history* reads ``viewable_by_user()`` of the
    log entry models, which lets in every record of a model the user has any
    permission on: narrow it to the records the user may see (called once,
    from ``AppConfig.ready``)."""
    from wagtail.models import ModelLogEntry

    manager_class = type(ModelLogEntry.objects)
    if getattr(manager_class, "_crm_narrowed", False):
        return
    viewable_by_user = manager_class.viewable_by_user

    def narrowed(self, user):
        return visible_log_entries(viewable_by_user(self, user), user)

    manager_class.viewable_by_user = narrowed
    manager_class._crm_narrowed = True
