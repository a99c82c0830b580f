"""What one submission carries into ``capture_lead()``; hooks may change it."""

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_lazy as _

from ..dedup import email_key

#: The longest e-mail address a path may carry (RFC 5321), as Django stores it.
EMAIL_MAX_LENGTH = 254

#: CRM fields a form field can be mapped to.
CRM_FIELD_CHOICES = [
    ("name", _("Full name")),
    ("first_name", _("First name")),
    ("last_name", _("Last name")),
    ("email", _("E-mail")),
    ("phone", _("Phone")),
    ("company", _("Company")),
    ("job_title", _("Job title")),
    ("message", _("Message")),
    ("consent", _("Consent")),
]
CRM_FIELDS = tuple(key for key, _label in CRM_FIELD_CHOICES)


class LeadRejected(Exception):
    """Raised by a ``wagtailcrm_before_lead_create`` hook to refuse a submission.

    ``message`` is shown to the visitor.
    """

    def __init__(self, message=""):
        super().__init__(message)
        self.message = message or _(
            "Sorry, we could not accept your request. Please contact us directly."
        )


@dataclass
class LeadSubmission:
    """Everything a lead is built from. Plain JSON-able values only.

    ``fields`` maps CRM field names (``CRM_FIELDS``) to what was typed;
    ``data`` is the whole submission as the visitor sent it (label → value).
    """

    fields: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    source_page_id: int | None = None
    source_url: str = ""
    attribution: dict = field(default_factory=dict)
    owner_id: int | None = None
    owner_group_id: int | None = None
    pipeline_id: int | None = None
    tags: list = field(default_factory=list)
    consent_text: str = ""
    #: False: link the lead to an existing card only, never create one (a
    #: phone call brings a number but no name to make a card of).
    create_contact: bool = True

    def get(self, name, default=""):
        value = self.fields.get(name, default)
        return default if value is None else value

    def text(self, name):
        value = self.get(name)
        return value.strip() if isinstance(value, str) else str(value)

    def email(self):
        """The normalized e-mail, or "" when it cannot be one: longer than the
        254 characters an address may have (RFC 5321) and a column holds. What
        was typed stays in the lead's raw data."""
        value = email_key(self.text("email"))
        return value if len(value) <= EMAIL_MAX_LENGTH else ""

    def to_payload(self):
        return asdict(self)

    @classmethod
    def from_payload(cls, payload):
        known = cls.__dataclass_fields__
        return cls(**{key: value for key, value in payload.items() if key in known})
