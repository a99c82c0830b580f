"""Turn one spreadsheet row into clean values for a contact and an organization.

Nothing here touches the database: a row becomes a ``ParsedRow`` with the
normalized values, or with the cell errors that keep it from being written.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from ..conf import crm_settings
from ..dedup import clean_tax_id, email_key, has_legal_form, person_name_key
from ..phones import default_area_code, default_region, parse_phones
from .headers import PHONE_FIELDS, header_key, split_full_name
from .readers import column_letters

# Cells that only say "nothing here".
_EMPTY_RE = re.compile(r"^[\s\-–—_.,/?]*$|^(n/?a|none|null|нет|-нет-|s'ka)$", re.I)
# What a text _EMPTY_RE matches can start with: most cells start otherwise and
# skip the regular expression.
_EMPTY_FIRST = frozenset("-–—_.,/?nNнНsSſ") | {
    char for char in map(chr, range(0x3001)) if char.isspace()
}
_LENGTHS = {
    "first_name": 150,
    "middle_name": 150,
    "last_name": 150,
    "job_title": 255,
    "organization": 255,
    "tax_id": 32,
    "website": 200,
}
_url_validator = URLValidator()
# Between the values of one cell: "a.ru, b.ru", "a@b.ru; c@d.ru".
_SEPARATORS_RE = re.compile(r"[,;\s]+")
# 1C's "ИНН/КПП" column: "7705000001/770501001"; the INN is the tax id.
# The digits an INN typed into a number cell may have lost its leading zero
# from: Russian INNs have 10 or 12 digits, Kazakh BINs and IINs 12.
_INN_SHORT_LENGTHS = {"RU": (9, 11), "KZ": (11,)}


@lru_cache(maxsize=4096)
def _valid_domain(domain_part):
    return EmailValidator.validate_domain_part(_django_email_validator, domain_part)


class _EmailValidator(EmailValidator):
    """Django's e-mail validation, remembering which domains are valid: a file
    repeats its domains on many rows, and checking one is most of the work."""

    # Compiled here: Django's is a lazy object, looked up on every call.
    user_regex = re.compile(EmailValidator.user_regex.pattern, re.IGNORECASE)

    def validate_domain_part(self, domain_part):
        return _valid_domain(domain_part)


_django_email_validator = EmailValidator()
validate_email = _EmailValidator()


@dataclass
class CellError:
    column: str
    value: str
    message: str


@dataclass
class ParsedRow:
    number: int
    contact: dict = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)
    phones: list = field(default_factory=list)  # ParsedPhone, kind already chosen
    organization: dict = field(default_factory=dict)
    org_emails: list[str] = field(default_factory=list)
    org_phones: list = field(default_factory=list)
    # Lines for the organization's notes: what its single fields cannot hold.
    org_notes: list[str] = field(default_factory=list)
    crm_id: int | None = None
    errors: list[CellError] = field(default_factory=list)
    # person_name_key() of the last name, computed by the parser (None: not yet).
    name_key: str | None = None
    # Cells the reader flagged (a formula with no saved value): the row is kept.
    warnings: list[CellError] = field(default_factory=list)
    # The full name cell as written, before it is split ("Всего: 2").
    name_text: str = ""
    # A name cell that holds a company ("ИП Сидоров"), for the organization.
    name_organization: str = ""

    @property
    def phone_match_key(self):
        """The name a phone is matched with: the last name's key, or for a
        person with a first name only, ``first_name_match_key()`` of it."""
        if self.name_key is None:
            self.name_key = person_name_key(self.contact.get("last_name", ""))
        if self.name_key or self.contact.get("last_name"):
            return self.name_key
        return first_name_match_key(self.contact.get("first_name", ""))

    @property
    def has_person(self):
        return bool(
            self.contact.get("last_name")
            or self.contact.get("first_name")
            or self.contact.get("middle_name")
            or self.emails
        )

    @property
    def has_name(self):
        return any(
            self.contact.get(key)
            for key in ("last_name", "first_name", "middle_name", "job_title")
        )

    @property
    def has_organization(self):
        return bool(self.organization.get("name") or self.organization.get("tax_id"))

    @property
    def totals_word(self):
        """The "Итого" / "Total" of a totals line under a hand-made list (its
        only name is that word; no e-mail, phone or tax id), else ""."""
        if self.emails or self.phones or self.org_phones or self.org_emails:
            return ""
        if self.organization.get("tax_id"):
            return ""
        names = (
            [self.name_text]
            if self.name_text
            else [
                value
                for key, value in self.contact.items()
                if key in ("last_name", "first_name", "middle_name") and value
            ]
        )
        if self.organization.get("name"):
            names.append(self.organization["name"])
        if names and all(_TOTALS_RE.match(name) for name in names):
            return names[0]
        return ""


# The word of a totals line: "Итого:", "Всего", "Total", "Grand total"…, alone
# or with its count: "Итого: 2 контрагента", "Всего 15".
_TOTALS_RE = re.compile(
    r"^(итого|итог|всего|total|totals|grand total|sum|gjithsej|totali)"
    r"\s*(?::.*|\d[\d\s.,]*)?$",
    re.I,
)
_ANGLE_EMAIL_RE = re.compile(r"<\s*(?:mailto:)?([^<>\s]+@[^<>\s]+?)\s*>", re.I)
# Outlook exports a contact of an Exchange organization with its internal
# (X.500) address, "/o=ExchangeLabs/ou=…/cn=Recipients/cn=…", not an e-mail.
_EXCHANGE_ADDRESS_RE = re.compile(r"^\s*/o=[^/]*/", re.I)
# Marks a first-name key, so that it never equals a last name's key.
FIRST_NAME_MARK = "="


def first_name_match_key(first_name) -> str:
    """The key a phone of a person without a last name is matched with."""
    key = person_name_key(first_name or "")
    return FIRST_NAME_MARK + key if key else ""


def cell_text(value) -> str:
    if type(value) is str:  # the usual cell, first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class RowParser:
    """Parses rows for one import: the mapping, the header names and phone options."""

    def __init__(self, mapping, headers, *, region=None, area_code=None):
        self.columns = [
            (index, field_name, headers[index] if index < len(headers) else "")
            for index, field_name in enumerate(mapping)
            if field_name
        ]
        self.headers = {
            index: header or column_letters(index + 1)
            for index, _field, header in self.columns
        }
        # The column a missing organization name is reported under.
        self.organization_header = next(
            (
                self.headers[index]
                for index, field_name, _header in self.columns
                if field_name == "organization"
            ),
            "",
        )
        # Resolved once ("" for none), not from the settings for every cell.
        self.region = default_region(region) or ""
        self.area_code = default_area_code(area_code)
        self.max_length = crm_settings.IMPORT_MAX_CELL_LENGTH
        self.phone_labels = _phone_label_columns(self.columns, headers)
        # A sheet whose only name column is "Имя" / "First name" keeps whole
        # names in it ("Иванов Иван Иванович"): those are split like a full name.
        fields = {field_name for _index, field_name, _header in self.columns}
        self.first_is_whole_name = "first_name" in fields and not fields & {
            "full_name",
            "last_name",
            "middle_name",
        }

    def parse(self, row) -> ParsedRow:
        parsed = ParsedRow(row.number)
        notes = []
        for index, field_name, header in self.columns:
            raw = row.values[index] if index < len(row.values) else ""
            text = cell_text(raw)
            if not text or (text[0] in _EMPTY_FIRST and _EMPTY_RE.match(text)):
                continue
            if len(text) > self.max_length:
                parsed.errors.append(
                    CellError(
                        header,
                        text[:100] + "…",
                        _("The cell is longer than %(limit)s characters.")
                        % {"limit": self.max_length},
                    )
                )
                continue
            if field_name == "notes":
                notes.append(text)
                continue
            if index in self.phone_labels:
                kind = _label_kind(row.values, self.phone_labels[index])
                self._parse_phone(parsed, field_name, header, raw, kind)
                continue
            self._parse_cell(parsed, field_name, header, raw, text)
        if notes:
            parsed.contact["notes"] = "\n".join(notes)
        self._finish_names(parsed)
        parsed.name_key = person_name_key(parsed.contact.get("last_name", ""))
        if not parsed.has_name and parsed.has_organization:
            # A list of companies: its phone and e-mail columns are the company's.
            _move_to_organization(parsed)
        if parsed.org_emails:
            parsed.organization.setdefault("email", parsed.org_emails[0])
        for warning in getattr(row, "warnings", None) or ():
            header = self.headers.get(warning.index)
            if header is not None:  # only the mapped columns matter
                parsed.warnings.append(
                    CellError(header, warning.value, warning.message)
                )
        return parsed

    def _parse_cell(self, parsed, field_name, header, raw, text):
        if field_name in PHONE_FIELDS:
            self._parse_phone(parsed, field_name, header, raw)
        elif field_name in ("email", "org_email"):
            self._parse_email(parsed, field_name, header, text)
        elif field_name == "crm_id":
            if text.isdigit():
                parsed.crm_id = int(text)
        elif field_name == "full_name" and has_legal_form(text):
            # "ООО «Альфа»" in a name column ("Клиент", "Name"): a company's name.
            if self._fits(parsed, "organization", header, text):
                parsed.name_organization = parsed.name_organization or text
        elif field_name == "full_name" or (
            field_name == "first_name" and self.first_is_whole_name and " " in text
        ):
            last, first, middle = split_full_name(text)
            parsed.contact.setdefault("_split", (last, first, middle))
            parsed.name_text = parsed.name_text or text
        elif field_name == "website":
            self._parse_website(parsed, header, text)
        elif field_name in ("organization", "tax_id", "address"):
            key = "name" if field_name == "organization" else field_name
            value = _tax_id(text, raw, self.region) if field_name == "tax_id" else text
            if self._fits(parsed, field_name, header, value):
                parsed.organization.setdefault(key, value)
        elif self._fits(parsed, field_name, header, text):
            parsed.contact.setdefault(field_name, text)

    def _fits(self, parsed, field_name, header, text):
        limit = _LENGTHS.get(field_name)
        if limit and len(text) > limit:
            parsed.errors.append(
                CellError(
                    header,
                    text,
                    _("At most %(limit)s characters fit here.") % {"limit": limit},
                )
            )
            return False
        return True

    def _parse_phone(self, parsed, field_name, header, raw, kind=None):
        result = parse_phones(raw, region=self.region, area_code=self.area_code)
        for error in result.errors:
            parsed.errors.append(CellError(header, error.raw, str(error.message)))
        kind = kind or PHONE_FIELDS[field_name]
        target = parsed.org_phones if field_name == "org_phone" else parsed.phones
        for phone in result.phones:
            if kind and phone.kind != kind:
                phone = replace(phone, kind=kind)
            if not any(p.e164 == phone.e164 for p in target):
                target.append(phone)

    def _parse_email(self, parsed, field_name, header, text):
        target = parsed.org_emails if field_name == "org_email" else parsed.emails
        if _EXCHANGE_ADDRESS_RE.match(text):
            # Nothing to write, but nothing wrong with the row: it is kept
            # (its other e-mail columns often hold the address) and flagged.
            parsed.warnings.append(
                CellError(
                    header,
                    text,
                    _(
                        "An Exchange internal address, not an e-mail address: "
                        "the row is imported without it."
                    ),
                )
            )
            return
        if "<" in text:
            # As mail programs copy it: "Иван Петров <ivan@vector.ru>".
            text = " ".join(_ANGLE_EMAIL_RE.findall(text)) or text
        # A cell with no address at all ("не указан") is reported as it is.
        parts = _SEPARATORS_RE.split(text) if "@" in text else [text]
        for part in parts:
            if not part:
                continue
            value = email_key(part.strip("<>()"))
            if value.startswith("mailto:"):
                value = value[7:]
            try:
                validate_email(value)
            except ValidationError:
                parsed.errors.append(
                    CellError(
                        header,
                        part,
                        _("“%(value)s” is not an e-mail address.") % {"value": part},
                    )
                )
                continue
            if value not in target:
                target.append(value)

    def _parse_website(self, parsed, header, text):
        # Bitrix24 and amoCRM join a field's several values: "a.ru, b.ru".
        parts = [text]
        if not _is_url(text):
            parts = [part for part in _SEPARATORS_RE.split(text) if part]
            if not parts or not all(map(_is_url, parts)):
                parsed.errors.append(
                    CellError(
                        header,
                        text,
                        _("“%(value)s” is not a web address.") % {"value": text},
                    )
                )
                return
        url = _url(parts[0])
        if self._fits(parsed, "website", header, url):
            parsed.organization.setdefault("website", url)
        if parts[1:]:  # kept in the notes, as a contact's other e-mails are
            parsed.org_notes.append(f"{_('Website')}: {', '.join(parts[1:])}")

    def _finish_names(self, parsed):
        if parsed.name_organization:
            parsed.organization.setdefault("name", parsed.name_organization)
        split = parsed.contact.pop("_split", None)
        if split:
            for key, value in zip(
                ("last_name", "first_name", "middle_name"), split, strict=False
            ):
                if value and self._fits(parsed, key, key, value):
                    parsed.contact.setdefault(key, value)


def _url(text):
    return text if "://" in text else f"https://{text}"


def _is_url(text):
    try:
        _url_validator(_url(text))
    except ValidationError:
        return False
    return True


def _tax_id(text, raw, region):
    if isinstance(raw, int) and len(text) in _INN_SHORT_LENGTHS.get(region, ()):
        # 02… of Bashkortostan, 0… of Kazakh IINs of people born in the 2000s.
        return "0" + text
    return clean_tax_id(text)


_PHONE_VALUE_RE = re.compile(r"^phone(\d+)value$")
# The words of a phone's label ("Work Fax", "Мобильный") and the kind they give.
_LABEL_KINDS = (
    (re.compile(r"fax|факс|faks"), "fax"),
    (re.compile(r"mobile|cell|моб|сотов|celular"), "mobile"),
    (re.compile(r"home|дом|shtepi"), "home"),
    (re.compile(r"work|office|business|раб|служ|pune"), "work"),
)


def _phone_label_columns(columns, headers):
    """{column of "Phone 1 - Value": column of its "Phone 1 - Label"} (Google)."""
    keys = [header_key(header) for header in headers]
    labels = {}
    for index, field_name, header in columns:
        match = _PHONE_VALUE_RE.match(header_key(header))
        if field_name != "phone" or not match:
            continue
        for key in (f"phone{match.group(1)}label", f"phone{match.group(1)}type"):
            if key in keys:
                labels[index] = keys.index(key)
                break
    return labels


def _label_kind(values, index):
    """The kind a Google label names, or None (no label, several, or another)."""
    label = cell_text(values[index] if index < len(values) else "").casefold()
    if not label or ";" in label or ":::" in label:
        return None
    return next((kind for pattern, kind in _LABEL_KINDS if pattern.search(label)), None)


def _move_to_organization(parsed):
    for phone in parsed.phones:
        if not any(p.e164 == phone.e164 for p in parsed.org_phones):
            parsed.org_phones.append(phone)
    for email in parsed.emails:
        if email not in parsed.org_emails:
            parsed.org_emails.append(email)
    parsed.phones, parsed.emails = [], []
    notes = parsed.contact.pop("notes", "")
    if notes:
        parsed.organization["notes"] = notes
