"""Token-authenticated endpoints for call events from a telephony provider.

``POST /crm/telephony/calls/`` takes the documented JSON payload;
``POST /crm/telephony/twilio/`` takes Twilio's status callback. Both need the
token of ``WAGTAILCRM_TELEPHONY_TOKEN``: as ``Authorization: Bearer <token>``,
or as the password of HTTP basic auth (for providers that only let you put
credentials into the callback URL).
"""

import base64
import binascii
import hmac
import json

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..capture import twilio
from ..capture.telephony import CallEventError, log_call, parse_call_event
from ..conf import crm_settings


def configured_tokens():
    value = crm_settings.TELEPHONY_TOKEN
    tokens = [value] if isinstance(value, str) else list(value or ())
    return [token for token in tokens if token]


def request_token(request):
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return ""


def token_is_valid(request):
    """Constant-time comparison against every configured token."""
    given = request_token(request).encode()
    valid = False
    for token in configured_tokens():
        valid |= hmac.compare_digest(given, token.encode())
    return bool(given) and valid


def error(message, status):
    return JsonResponse({"error": message}, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class CallEventView(View):
    """Log one call event; 201 when logged, 200 when the call id was seen before."""

    http_method_names = ["post"]

    def post(self, request):
        if not token_is_valid(request):
            return error(gettext("Missing or invalid telephony token."), 403)
        payload = self.get_payload(request)
        if isinstance(payload, JsonResponse):
            return payload
        try:
            event = parse_call_event(payload)
        except CallEventError as exc:
            return JsonResponse(
                {"error": exc.message, "fields": exc.errors}, status=400
            )
        result = log_call(event)
        return JsonResponse(
            self.describe(result), status=201 if result.created else 200
        )

    def get_payload(self, request):
        if request.content_type != "application/json":
            return error(gettext("Send the call event as application/json."), 400)
        try:
            return json.loads(request.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return error(gettext("Invalid JSON: %(error)s") % {"error": exc}, 400)

    @staticmethod
    def describe(result):
        activity = result.activity
        return {
            "activity": activity.pk,
            "created": result.created,
            "contact": activity.contact_id,
            "organization": activity.organization_id,
            "lead": activity.lead_id,
        }


class TwilioCallEventView(CallEventView):
    """Twilio's call status callback (form-encoded), adapted to our payload."""

    def get_payload(self, request):
        if not twilio.is_final(request.POST):
            return JsonResponse({"ignored": request.POST.get("CallStatus")})
        return twilio.call_event_payload(request.POST)
