"""The names of wagtail-crm's own hooks, and the small helpers that run them.

Register a function with ``wagtail.hooks.register(NAME)``; see ``docs/hooks.md``.
"""

from wagtail import hooks

BEFORE_LEAD_CREATE = "wagtailcrm_before_lead_create"
AFTER_LEAD_CREATE = "wagtailcrm_after_lead_create"
AFTER_IMPORT = "wagtailcrm_after_import"
REGISTER_COLUMN_SYNONYMS = "wagtailcrm_register_column_synonyms"


def get_hooks(name):
    return hooks.get_hooks(name)
