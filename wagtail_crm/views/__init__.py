"""Admin views that the viewsets in ``wagtail_crm.viewsets`` are built from."""
