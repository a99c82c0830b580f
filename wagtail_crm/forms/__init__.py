"""Admin forms of the CRM records (used by the panels in ``wagtail_crm.panels``)."""
