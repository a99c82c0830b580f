"""Adapter from Twilio's call status callback to our call event payload.

Twilio posts ``application/x-www-form-urlencoded`` parameters (``CallSid``,
``From``, ``To``, ``Direction``, ``CallStatus``, ``CallDuration``,
``Timestamp``, ``RecordingUrl``) to the status callback URL of a number.
Only final statuses describe a whole call; earlier ones are ignored.
"""

from datetime import timedelta
from email.utils import parsedate_to_datetime

from django.utils import timezone

FINAL_STATUSES = {"completed", "busy", "no-answer", "failed", "canceled"}


def is_final(params) -> bool:
    return params.get("CallStatus", "completed") in FINAL_STATUSES


def call_event_payload(params) -> dict:
    """The documented JSON payload for one Twilio status callback."""
    duration = _int(params.get("CallDuration"))
    payload = {
        "call_id": params.get("CallSid", ""),
        "caller": params.get("From", ""),
        "callee": params.get("To", ""),
        "direction": _direction(params.get("Direction", "")),
        "started_at": _started_at(params.get("Timestamp"), duration).isoformat(),
        "duration": duration,
    }
    if params.get("RecordingUrl"):
        payload["recording_url"] = params["RecordingUrl"]
    return payload


def _direction(value):
    # "inbound", "outbound-api", "outbound-dial"
    return "outbound" if value.startswith("outbound") else value


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _started_at(timestamp, duration):
    """``Timestamp`` (RFC 2822) is when the call ended; subtract its length."""
    try:
        ended = parsedate_to_datetime(timestamp) if timestamp else timezone.now()
    except (TypeError, ValueError):
        ended = timezone.now()
    return ended - timedelta(seconds=duration or 0)
