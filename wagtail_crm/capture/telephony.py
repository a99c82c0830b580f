"""Inbound call events: normalize, match by E.164, log a call.

``parse_call_event(payload)`` validates the documented JSON payload (see
``docs/telephony.md``) and returns a ``CallEvent``; ``log_call(event)`` logs
it as a call ``Activity`` on the contact or organization whose phone matches
the other party's number, or on a ``Lead`` created for an unknown number.
Logging is idempotent by the provider's call id (``Activity.external_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from ..models import Activity, Contact, Lead, Organization, Phone
from ..phones import format_phone, normalize_phone

INBOUND = Activity.Direction.INBOUND
OUTBOUND = Activity.Direction.OUTBOUND


class CallEventError(ValueError):
    """The payload is not a valid call event; ``errors`` maps field to messages."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(self.message)

    @property
    def message(self):
        parts = [
            f"{field}: {' '.join(messages)}" for field, messages in self.errors.items()
        ]
        return "; ".join(parts)


class CallEventForm(forms.Form):
    call_id = forms.CharField(max_length=255)
    caller = forms.CharField(max_length=100)
    callee = forms.CharField(max_length=100)
    direction = forms.ChoiceField(choices=Activity.Direction.choices)
    started_at = forms.DateTimeField()
    duration = forms.IntegerField(min_value=0, required=False)
    recording_url = forms.URLField(
        max_length=2000, required=False, assume_scheme="https"
    )


@dataclass(frozen=True)
class CallEvent:
    call_id: str
    caller: str
    callee: str
    direction: str
    started_at: object
    duration: timedelta | None = None
    recording_url: str = ""

    @property
    def other_party(self):
        """The client's number: who called us, or whom we called."""
        return self.caller if self.direction == INBOUND else self.callee


@dataclass
class CallLogResult:
    activity: Activity
    created: bool
    lead: Lead | None = None


def parse_call_event(payload) -> CallEvent:
    """Validate a decoded JSON payload; raise ``CallEventError`` when invalid."""
    if not isinstance(payload, dict):
        raise CallEventError({"payload": [gettext("Expected a JSON object.")]})
    nested = {
        key: [gettext("Expected a string or a number.")]
        for key, value in payload.items()
        if key in CallEventForm.base_fields and isinstance(value, (dict, list, bool))
    }
    if nested:
        raise CallEventError(nested)
    form = CallEventForm(data=payload)
    if not form.is_valid():
        raise CallEventError(
            {
                field: [str(m) for m in messages]
                for field, messages in form.errors.items()
            }
        )
    data = form.cleaned_data
    seconds = data["duration"]
    return CallEvent(
        call_id=data["call_id"].strip(),
        caller=data["caller"].strip(),
        callee=data["callee"].strip(),
        direction=data["direction"],
        started_at=data["started_at"],
        duration=timedelta(seconds=seconds) if seconds is not None else None,
        recording_url=data["recording_url"],
    )


def log_call(event: CallEvent) -> CallLogResult:
    """Log ``event`` once; a repeated call id returns the activity logged before."""
    existing = _existing(event)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _log_new_call(event)
    except IntegrityError:
        # Another request logged the same call id between our check and insert.
        existing = _existing(event)
        if existing is None:
            raise
        return existing


def _existing(event):
    activity = Activity.objects.filter(external_id=event.call_id).first()
    if activity is None:
        return None
    _complete(activity, event)
    return CallLogResult(activity=activity, created=False, lead=activity.lead)


def _complete(activity, event):
    """A later event of the same call may bring the duration or the recording."""
    changed = []
    if event.duration and not activity.duration:
        activity.duration = event.duration
        changed.append("duration")
    if event.recording_url and not activity.recording_url:
        activity.recording_url = event.recording_url
        changed.append("recording_url")
    if changed:
        activity.save(update_fields=[*changed, "updated_at"])


def _log_new_call(event):
    e164 = normalize_phone(event.other_party)
    contact, organization = match_phone(e164)
    lead = None
    if contact is None and organization is None:
        lead = _lead_for_unknown(event, e164)
    owner_record = contact or organization or lead
    activity = Activity.objects.create(
        kind=Activity.Kind.CALL,
        subject=_subject(event, e164),
        occurred_at=event.started_at,
        duration=event.duration,
        direction=event.direction,
        external_id=event.call_id,
        recording_url=event.recording_url,
        contact=contact,
        organization=organization or (contact.organization if contact else None),
        lead=lead,
        author=owner_record.owner if owner_record is not None else None,
    )
    return CallLogResult(activity=activity, created=True, lead=lead)


def match_phone(e164) -> tuple[Contact | None, Organization | None]:
    """The contact (preferred) or organization that has the number ``e164``."""
    if not e164:
        return None, None
    phones = Phone.objects.filter(e164=e164).select_related(
        "contact__organization", "organization"
    )
    # A person's own number wins over a company switchboard; oldest first.
    phone = min(phones, key=lambda p: (p.contact_id is None, p.pk), default=None)
    if phone is None:
        return None, None
    return phone.contact, phone.organization


def _lead_for_unknown(event, e164):
    """An open lead with the same number gets the call; otherwise a new lead.

    The new lead is made by ``capture_lead()``, like every other lead: hooks,
    assignment (the default lead owner of the site settings, or what a hook
    sets), notification and webhooks. A call brings no name, so no contact
    card is created for it. A before-hook that rejects it leaves the call
    logged without a lead.
    """
    open_statuses = [Lead.Status.NEW, Lead.Status.IN_PROGRESS, Lead.Status.QUALIFIED]
    if e164:
        lead = (
            Lead.objects.filter(phone_e164=e164, status__in=open_statuses)
            .order_by("-created_at")
            .first()
        )
        if lead is not None:
            return lead
    from .service import capture_lead
    from .submission import LeadRejected

    try:
        return capture_lead(
            {
                "name": gettext("Caller %(number)s")
                % {"number": _display(event, e164)},
                "phone": event.other_party,
                "message": _subject(event, e164),
            },
            data={"telephony": _event_data(event)},
            create_contact=False,
        )
    except LeadRejected:
        return None


def _event_data(event):
    return {
        "call_id": event.call_id,
        "caller": event.caller,
        "callee": event.callee,
        "direction": event.direction,
        "started_at": event.started_at.isoformat(),
        "duration": int(event.duration.total_seconds()) if event.duration else None,
        "recording_url": event.recording_url,
    }


def _display(event, e164):
    return format_phone(e164) if e164 else event.other_party


def _subject(event, e164):
    number = _display(event, e164)
    if event.direction == INBOUND:
        return gettext("Inbound call from %(number)s") % {"number": number}
    return gettext("Outbound call to %(number)s") % {"number": number}
