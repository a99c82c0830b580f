"""Public (non-admin) endpoints of the CRM: include under a prefix of your choice."""

from django.urls import path

from .views.telephony import CallEventView, TwilioCallEventView

app_name = "wagtail_crm"

urlpatterns = [
    path("telephony/calls/", CallEventView.as_view(), name="telephony_calls"),
    path("telephony/twilio/", TwilioCallEventView.as_view(), name="telephony_twilio"),
]
