"""The demo's sales groups and users: one sees own records, one sees all."""

from django.contrib.auth.models import Group, Permission

from .builder_users import ensure_user

MANAGERS_GROUP = "Sales managers"
HEADS_GROUP = "Sales heads"
MANAGER_USERNAME = "manager"
HEAD_USERNAME = "head"

WORKED_MODELS = ("lead", "contact", "organization", "deal", "activity", "task")
ACTIONS = ("add", "change", "delete", "view")


def _record_permissions():
    codenames = [f"{action}_{model}" for model in WORKED_MODELS for action in ACTIONS]
    codenames += ["view_pipeline"]
    return Permission.objects.filter(
        content_type__app_label="wagtail_crm", codename__in=codenames
    )


def _group(name, extra_codenames=()):
    group, _ = Group.objects.get_or_create(name=name)
    permissions = list(_record_permissions())
    permissions += list(
        Permission.objects.filter(
            content_type__app_label="wagtail_crm", codename__in=extra_codenames
        )
    )
    permissions += list(
        Permission.objects.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    group.permissions.add(*permissions)
    return group


def ensure_sales_groups():
    """Create both groups and a demo user in each; return (manager, head)."""
    managers = _group(MANAGERS_GROUP)
    heads = _group(
        HEADS_GROUP,
        ("view_all_records", "export_records", "import_records", "change_pipeline"),
    )
    manager = ensure_user(MANAGER_USERNAME, first_name="Мария", last_name="Соколова")
    head = ensure_user(HEAD_USERNAME, first_name="Олег", last_name="Волков")
    manager.groups.add(managers)
    head.groups.add(heads)
    return manager, head
