"""Public (non-admin) endpoints of the CRM: include under a prefix of your choice."""

from django.urls import path

from .capture import views as capture_views
from .views.telephony import CallEventView, TwilioCallEventView

app_name = "wagtail_crm"

urlpatterns = [
    path("lead-form/", capture_views.lead_form, name="lead_form"),
    path("telephony/calls/", CallEventView.as_view(), name="telephony_calls"),
    path("telephony/twilio/", TwilioCallEventView.as_view(), name="telephony_twilio"),
]
