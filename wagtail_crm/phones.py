"""Parse, normalize and format phone numbers. Nothing else in the CRM parses phones.

``parse_phones(value)`` turns one raw value (a form field, a spreadsheet cell)
into zero or more ``ParsedPhone`` objects plus the reasons why parts of it are
not phones. Everything is stored as E.164 with a separate extension.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from django.utils.translation import gettext_lazy as _

from .conf import crm_settings

KIND_MOBILE = "mobile"
KIND_WORK = "work"
KIND_HOME = "home"
KIND_FAX = "fax"
KIND_OTHER = "other"


@dataclass(frozen=True)
class ParsedPhone:
    e164: str
    extension: str = ""
    kind: str = KIND_OTHER
    raw: str = ""


@dataclass(frozen=True)
class PhoneError:
    raw: str
    message: str


@dataclass
class PhoneParseResult:
    phones: list[ParsedPhone] = field(default_factory=list)
    errors: list[PhoneError] = field(default_factory=list)

    def __bool__(self):
        return bool(self.phones)


_SPLIT_RE = re.compile(r"[,;/\n]|\s(?:or|или|ose)\s", re.IGNORECASE)
_EXT_RE = re.compile(
    r"\s*(?:доб\.?|добавочный|вн\.?|ext\.?|extension|x|#)\s*(\d{1,6})\s*$",
    re.IGNORECASE,
)
_NOISE_RE = re.compile(r"[^\d+]")


def _default_region(region):
    return (region if region is not None else crm_settings.PHONE_REGION) or None


def _kind_of(number):
    number_type = phonenumbers.number_type(number)
    if number_type == phonenumbers.PhoneNumberType.MOBILE:
        return KIND_MOBILE
    if number_type in (
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.TOLL_FREE,
    ):
        return KIND_WORK
    return KIND_OTHER


def _cell_to_text(value):
    """Excel numeric cells: 79161234567, 79161234567.0, 7.9161234567E10."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _parse_one(chunk, region, area_code):
    raw = chunk.strip()
    extension = ""
    match = _EXT_RE.search(raw)
    if match:
        extension = match.group(1)
        raw_number = raw[: match.start()]
    else:
        raw_number = raw
    digits = _NOISE_RE.sub("", raw_number.replace("\u00a0", " "))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        bare = digits.lstrip("+")
        if region == "RU" and len(bare) == 11 and bare[0] in "78":
            digits = "+7" + bare[1:]
        elif area_code and 5 <= len(bare) <= 7:
            digits = area_code + bare
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None, PhoneError(
            raw, _("“%(value)s” is not a phone number.") % {"value": raw}
        )
    if not phonenumbers.is_valid_number(number):
        return None, PhoneError(
            raw, _("“%(value)s” is not a valid phone number.") % {"value": raw}
        )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ParsedPhone(
        e164, extension or (number.extension or ""), _kind_of(number), raw
    ), None


def parse_phones(value, region=None, area_code=None) -> PhoneParseResult:
    """Every phone in ``value``, and a reason for each part that is not one."""
    region = _default_region(region)
    if area_code is None:
        area_code = crm_settings.PHONE_AREA_CODE or ""
    result = PhoneParseResult()
    text = _cell_to_text(value)
    seen = set()
    for chunk in _SPLIT_RE.split(text):
        if not chunk or not chunk.strip():
            continue
        phone, error = _parse_one(chunk, region, area_code)
        if error:
            result.errors.append(error)
        elif (phone.e164, phone.extension) not in seen:
            seen.add((phone.e164, phone.extension))
            result.phones.append(phone)
    return result


def parse_phone(value, region=None, area_code=None) -> ParsedPhone | None:
    """The first phone in ``value``, or ``None``."""
    phones = parse_phones(value, region=region, area_code=area_code).phones
    return phones[0] if phones else None


def normalize_phone(value, region=None, area_code=None) -> str:
    """E.164 of the first phone in ``value``; ``""`` when there is none."""
    phone = parse_phone(value, region=region, area_code=area_code)
    return phone.e164 if phone else ""


def format_phone(e164, extension="", national_region=None) -> str:
    """International format, or national when the number is from ``national_region``."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if national_region and region == national_region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    text = phonenumbers.format_number(number, style)
    if extension:
        text = f"{text} ext. {extension}"
    return text


def search_variants(query) -> list[str]:
    """E.164 values a search query may mean, for finding records by phone."""
    return [phone.e164 for phone in parse_phones(query).phones]
