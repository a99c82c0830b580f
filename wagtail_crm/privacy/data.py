"""What the CRM holds about one person (found by e-mail and/or phone).

``PersonalData.find(email=..., phone=...)`` gathers the contacts, leads,
activities, tasks, deals, quarantined submissions and Wagtail form submissions
that belong to the person; ``export_json()`` / ``export_xlsx()`` hand them out,
``erase()`` anonymizes them while keeping the rows that reports count.
"""

import io
import json
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from openpyxl import Workbook
from wagtail.contrib.forms.models import AbstractFormSubmission, FormSubmission
from wagtail.models import ModelLogEntry, Page

from .. import indexing
from ..dedup import email_key
from ..models import (
    Activity,
    Contact,
    Deal,
    Lead,
    Phone,
    QuarantinedSubmission,
    Task,
)
from ..phones import normalize_phone


@dataclass
class PersonalData:
    email: str = ""
    phone: str = ""
    #: The digits of the phone as typed, to find phones kept as typed.
    phone_digits: str = ""
    contacts: list = field(default_factory=list)
    leads: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    deals: list = field(default_factory=list)
    quarantined: list = field(default_factory=list)
    form_submissions: list = field(default_factory=list)

    SECTIONS = (
        "contacts",
        "leads",
        "activities",
        "tasks",
        "deals",
        "quarantined",
        "form_submissions",
    )

    @classmethod
    def find(cls, *, email="", phone=""):
        found = cls(
            email=email_key(email),
            phone=normalize_phone(phone),
            phone_digits=_digits(phone),
        )
        if not (found.email or found.phone or found.phone_digits):
            return found
        contacts = Contact.objects.filter(found._match("email", "phones__e164"))
        found.contacts = list(contacts.distinct().prefetch_related("phones"))
        contact_ids = [contact.pk for contact in found.contacts]
        leads = Lead.objects.filter(
            found._match("email", "phone_e164")
            | found._typed_phone_match()
            | Q(contact_id__in=contact_ids)
        )
        found.leads = list(leads.distinct())
        lead_ids = [lead.pk for lead in found.leads]
        related = Q(contact_id__in=contact_ids) | Q(lead_id__in=lead_ids)
        found.activities = list(Activity.objects.filter(related))
        found.tasks = list(Task.objects.filter(related))
        found.deals = list(Deal.objects.filter(contact_id__in=contact_ids))
        found.quarantined = found._quarantined()
        raw = [(lead.source_page_id, lead.data) for lead in found.leads]
        raw += [
            (
                (item.payload or {}).get("source_page_id"),
                (item.payload or {}).get("data"),
            )
            for item in found.quarantined
        ]
        found.form_submissions = _form_submissions(raw)
        return found

    def _match(self, email_field, phone_field):
        condition = Q(pk__in=[])
        if self.email:
            condition |= Q(**{email_field: self.email})
        if self.phone:
            condition |= Q(**{phone_field: self.phone})
        return condition

    def _digit_variants(self):
        """The digits a phone kept as typed may have: the search's own, or
        those of its E.164 form."""
        return {self.phone_digits, self.phone.lstrip("+")} - {""}

    def _typed_phone_match(self):
        """Leads whose phone could not be normalized (kept only as typed) and
        has the searched digits, whatever the spaces, dashes and brackets."""
        variants = self._digit_variants()
        if not variants:
            return Q(pk__in=[])
        either = "|".join(_digits_pattern(digits) for digits in sorted(variants))
        return Q(phone_e164="") & ~Q(phone="") & Q(phone__regex=f"^({either})$")

    def _quarantined(self):
        """Quarantined submissions by e-mail or phone. Their phone is kept only
        as typed, so it is compared here, reading only the phones: the
        quarantine is small (spam, which the retention purge deletes)."""
        items = QuarantinedSubmission.objects.all()
        ids = []
        if self.phone or self.phone_digits:
            typed = items.values_list("pk", "payload__fields__phone")
            ids = [pk for pk, value in typed if self._is_phone(value)]
        condition = Q(pk__in=ids)
        if self.email:
            condition |= Q(email=self.email)
        return list(items.filter(condition)) if self.email or ids else []

    def _is_phone(self, value):
        if not value or not isinstance(value, str):
            return False
        if self.phone and normalize_phone(value) == self.phone:
            return True
        return _digits(value) in self._digit_variants()

    @property
    def is_empty(self):
        return not any(getattr(self, name) for name in self.SECTIONS)

    def counts(self):
        return {name: len(getattr(self, name)) for name in self.SECTIONS}

    def as_dict(self):
        result = {"query": {"email": self.email, "phone": self.phone}}
        for name in self.SECTIONS:
            result[name] = [_row(obj) for obj in getattr(self, name)]
        return json.loads(json.dumps(result, cls=DjangoJSONEncoder))

    def export_json(self):
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2).encode()

    def export_xlsx(self):
        workbook = Workbook(write_only=True)
        for name, rows in self.as_dict().items():
            if name == "query":
                continue
            sheet = workbook.create_sheet(title=name[:31])
            columns = sorted({key for row in rows for key in row})
            sheet.append(columns)
            for row in rows:
                sheet.append([_cell(row.get(column)) for column in columns])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    @transaction.atomic
    def erase(self):
        """Anonymize the person's records; keep rows so totals stay right."""
        _erase_contacts([contact.pk for contact in self.contacts])
        _erase_leads([lead.pk for lead in self.leads])
        Activity.objects.filter(pk__in=[item.pk for item in self.activities]).update(
            body=""
        )
        QuarantinedSubmission.objects.filter(
            pk__in=[item.pk for item in self.quarantined]
        ).delete()
        for item in self.form_submissions:
            type(item).objects.filter(pk=item.pk).delete()
        self._forget_erased()
        return self.counts()

    def _forget_erased(self):
        """Take the erased names out of the audit log's labels and the search
        index too, and refresh the records (the caller logs the erasure)."""
        for model, section in ((Contact, "contacts"), (Lead, "leads")):
            ids = [record.pk for record in getattr(self, section)]
            ModelLogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=[str(pk) for pk in ids],
            ).update(label=_("Erased"))
            # The records as they are now, read again in one query.
            setattr(self, section, list(model.objects.filter(pk__in=ids)))
        records = [*self.contacts, *self.leads]
        indexing.update_records([[r._meta.label_lower, r.pk] for r in records])


def _digits(text):
    return re.sub(r"[^0-9]", "", str(text or ""))


def submission_classes(page_ids):
    """{page id: the form submission model of that page} — Wagtail's
    ``FormSubmission`` unless the page has a class of its own
    (``get_submission_class()``); pages that no longer exist are left out."""
    return {
        page.pk: getattr(page, "get_submission_class", lambda: FormSubmission)()
        for page in Page.objects.filter(pk__in=[pk for pk in page_ids if pk]).specific()
    }


def _form_submissions(raw):
    """The form submissions that (source page id, raw data) pairs name, each
    read from its page's own submission class."""
    wanted = {}
    for page_id, data in raw:
        if isinstance(data, dict) and data.get("form_submission_id"):
            wanted.setdefault(page_id, set()).add(data["form_submission_id"])
    classes = submission_classes(wanted)
    found = {}
    for page_id, ids in wanted.items():
        model = classes.get(page_id, FormSubmission)
        rows = model.objects.filter(pk__in=ids)
        if page_id in classes:
            rows = rows.filter(page_id=page_id)
        for row in rows:
            found[(model, row.pk)] = row
    return list(found.values())


def _digits_pattern(digits):
    """A regular expression for text with exactly these digits, in order."""
    return "[^0-9]*" + "[^0-9]*".join(digits) + "[^0-9]*"


def _row(obj):
    row = model_to_dict(obj)
    row["id"] = obj.pk
    row.pop("tags", None)
    if isinstance(obj, Contact):
        row["phones"] = [phone.e164 for phone in obj.phones.all()]
    if isinstance(obj, AbstractFormSubmission):
        row["submit_time"] = obj.submit_time
    return row


def _cell(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    return value


def _erase_contacts(ids):
    Phone.objects.filter(contact_id__in=ids).delete()
    Contact.objects.filter(pk__in=ids).update(
        first_name="",
        middle_name="",
        last_name=_("Erased"),
        last_name_key="",
        email="",
        job_title="",
        notes="",
    )


def _erase_leads(ids):
    Lead.objects.filter(pk__in=ids).update(
        name=_("Erased"),
        email="",
        phone="",
        phone_e164="",
        company="",
        message="",
        data={},
        referrer="",
        attribution={},
        consent_text="",
    )
