"""Public (non-admin) endpoints of the CRM: include under a prefix of your choice."""

app_name = "wagtail_crm"

urlpatterns = []
