"""Parse, normalize and format phone numbers. Nothing else in the CRM parses phones.

``parse_phones(value)`` turns one raw value (a form field, a spreadsheet cell)
into zero or more ``ParsedPhone`` objects plus, for every part that is not a
phone, a ``PhoneError`` with a translated reason. Everything is stored as E.164
with a separate extension.

Public API (used by forms, import, form capture, telephony and search; keep the
signatures stable):

- ``parse_phones(value, region=None, area_code=None) -> PhoneParseResult``
- ``parse_phone(...) -> ParsedPhone | None`` (the first phone)
- ``normalize_phone(...) -> str`` (E.164 of the first phone, ``""`` when none)
- ``format_phone(e164, extension="", national_region=None) -> str``
- ``search_variants(query) -> list[str]``

``value`` may be ``str``, ``int``, ``float``, ``Decimal``, ``None`` or a
date/datetime (reported as a date). ``region`` and ``area_code`` default to
``WAGTAILCRM_PHONE_REGION`` and ``WAGTAILCRM_PHONE_AREA_CODE``; pass ``""`` to
force "no default region" / "no area code".

What is handled on top of ``phonenumbers`` (see ``docs/phones.md``):

- several numbers in one cell, separated by ``,`` ``;`` ``/`` new lines or the
  words "or", "или", "ose", "або";
- extensions (``доб. 123``, ``ext. 12``, ``x12``, ``#12``, ``вн. 5``), also
  when they follow a comma;
- the trunk prefix ``8`` of Russia and Kazakhstan (``8 916…``, ``8-800…``) and
  the old ``8 10`` international prefix;
- ``00`` international prefixes from any country (``00355…``), and numbers
  whose ``+`` was lost on the way (``380441234567`` in a cell);
- local numbers of 5–7 digits completed with the area code;
- Excel numeric cells: ``79161234567``, ``79161234567.0``, ``7.9161234567E10``
  (also as text, also with a decimal comma) never keep a ``.0`` artefact;
- unicode noise: non-breaking spaces, unicode dashes, full-width digits, labels
  such as "тел.", "tel:", "mob.", "факс" (a fax label sets the kind to fax);
- dates, words and too short or too long digit runs are reported, never stored.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import phonenumbers
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from phonenumbers import phonenumberutil as _pnu

from .conf import crm_settings

# Keep every compiled metadata pattern instead of re-compiling (phonenumbers
# otherwise calls re.compile for each pattern on every number it classifies).
if hasattr(phonenumbers, "enable_pattern_cache"):  # phonenumbers >= 9
    phonenumbers.enable_pattern_cache()

KIND_MOBILE = "mobile"
KIND_WORK = "work"
KIND_HOME = "home"
KIND_FAX = "fax"
KIND_OTHER = "other"

#: Regions whose trunk prefix is "8" and whose country code is 7.
TRUNK_EIGHT_REGIONS = frozenset({"RU", "KZ"})
#: Regions whose trunk prefix is now "0" but whose old long-distance "8" is
#: still written before it ("8 044 123-45-67" in Ukraine).
OLD_TRUNK_EIGHT_REGIONS = frozenset({"UA"})
MIN_LOCAL_DIGITS = 5
MAX_LOCAL_DIGITS = 7
MAX_E164_DIGITS = 15
#: A bare run of at least this many digits may be an international number
#: whose "+" was lost (an Excel number cell); shorter runs are national.
MIN_INTERNATIONAL_DIGITS = 11


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


_SPLIT_RE = re.compile(
    r"[,;/\\\n\r\t|]|\s(?:or|или|либо|ose|або|немесе)\s", re.IGNORECASE
)
#: A remark in brackets after the number: words, no digits.
_COMMENT_RE = re.compile(r"\s*\([^\d()]*[^\W\d_][^\d()]*\)\s*$")
#: The same with digits ("(до 18:00)"), dropped only when the whole fails.
_REMARK_RE = re.compile(r"\s*\([^()]*[^\W\d_][^()]*\)\s*$")
#: A number and, after a slash, other last digits of a second one ("…45-67/68").
_SHORT_ALTERNATIVE_RE = re.compile(
    r"(\+?\d[\d\s()\-]{5,}\d)\s*/\s*(\d{1,4})(?!\d)(?=\s*(?:[,;\n]|$))"
)
_LABEL_SLASH_RE = re.compile(r"(?<=[^\W\d_])\.?/(?=[^\W\d_])")
_EXT_MARK = (
    r"(?:доб(?:авочный)?|доп|вн(?:утр(?:енний)?)?|ext(?:ension)?|zgj(?:atim)?"
    r"|durchwahl|dw|x|#)"
)
_EXT_RE = re.compile(
    r"[\s(]*(?<![^\W\d_])" + _EXT_MARK + r"\.?\s*[:=]?\s*(\d{1,7})\)?\s*$",
    re.IGNORECASE,
)
_EXT_ONLY_RE = re.compile(r"^\s*" + _EXT_MARK + r"\.?\s*[:=]?\s*\d{1,7}\)?\s*$", re.I)
_FAX_RE = re.compile(r"(?<![^\W\d_])(?:факс|fax|faks)(?![^\W\d_])", re.IGNORECASE)
_DIGITS_RE = re.compile(r"\d", re.ASCII)
_FIRST_RE = re.compile(r"[+\d]", re.ASCII)
_LETTERS_RE = re.compile(r"[^\W\d_]")
_MARK_HINT_RE = re.compile(r"[^\W\d_]|#")
_NON_DIGITS_RE = re.compile(r"[^0-9]+")
_EXCEL_FLOAT_RE = re.compile(r"^\s*(\+?\d{5,15})[.,]0+\s*$")
_EXCEL_EXP_RE = re.compile(r"^\s*\d(?:[.,](\d+))?[eE]\+?(\d{1,2})\s*$")
_DATE_RES = (
    re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}.*)?$"),
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}.*)?$"),
)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def default_region(region):
    """``region`` uppercased, or the ``WAGTAILCRM_PHONE_REGION`` when None."""
    region = crm_settings.PHONE_REGION if region is None else region
    return region.upper() if region else None


def default_area_code(area_code):
    """The digits of ``area_code``, or of ``WAGTAILCRM_PHONE_AREA_CODE`` when None."""
    area_code = crm_settings.PHONE_AREA_CODE if area_code is None else area_code
    return _area_digits(str(area_code or ""))


@lru_cache(maxsize=64)
def _area_digits(text):
    return _NON_DIGITS_RE.sub("", text)


def _cell_to_text(value):
    """The text of a cell; Excel numbers without a ".0" artefact."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, float | Decimal):
        return _number_to_text(value)
    text = str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    if "e" in text or "E" in text:
        match = _EXCEL_EXP_RE.match(text)
        # "7.9161234567E+10" holds every digit; "3,55691E+11" (a long number
        # Excel shortened when saving CSV) has lost some and stays as it is.
        if match and len(match.group(1) or "") >= int(match.group(2)):
            return _number_to_text(text.strip().replace(",", "."))
    elif "." in text or "," in text:
        match = _EXCEL_FLOAT_RE.match(text)
        return match.group(1) if match else text
    return text


def _number_to_text(number):
    try:
        decimal = Decimal(str(number))
    except InvalidOperation:
        return str(number)
    if not decimal.is_finite():
        return str(number)
    if decimal == decimal.to_integral_value():
        return str(int(decimal))
    return str(number)


def _looks_like_date(text):
    if len(text) > 40 or not ("." in text or "/" in text or "-" in text):
        return False
    for pattern in _DATE_RES:
        match = pattern.match(text.strip())
        if match:
            first, second, third = (int(part) for part in match.groups())
            year, month, day = (
                (first, second, third) if first > 31 else (third, second, first)
            )
            year = year + 2000 if year < 100 else year
            try:
                datetime.date(year, month, day)
            except ValueError:
                return False
            return True
    return False


def _split_extension(chunk):
    match = _EXT_RE.search(chunk) if _MARK_HINT_RE.search(chunk) else None
    if not match:
        return chunk, ""
    return chunk[: match.start()], match.group(1)


def _candidates(digits, plus, region, area_code):
    """The strings to try with ``phonenumbers.parse``, most likely first."""
    if plus:
        return [("+" + digits, region)]
    if digits.startswith("00"):
        return [("+" + digits[2:], region)]
    if region in TRUNK_EIGHT_REGIONS:
        if digits.startswith("810") and len(digits) > 11:
            return [("+" + digits[3:], region)]
        if len(digits) == 11 and digits[0] in "78":
            return [("+7" + digits[1:], region)]
    if region in OLD_TRUNK_EIGHT_REGIONS and len(digits) == 11 and digits[:2] == "80":
        return [(digits[1:], region)]
    if MIN_LOCAL_DIGITS <= len(digits) <= MAX_LOCAL_DIGITS:
        # A subscriber number never starts with the trunk prefix: "8 916 123"
        # is a cut mobile number, not a Moscow one.
        if not (area_code and region) or digits.startswith(_national_prefix(region)):
            return []
        return [(area_code + digits, region)]
    found = [(digits, region)] if region else []
    if len(digits) >= MIN_INTERNATIONAL_DIGITS:
        found.append(("+" + digits, region))
    return found


@lru_cache(maxsize=64)
def _national_prefix(region):
    """The trunk prefix of ``region`` ("8" in Russia, "0" in Germany), or a
    string no number starts with."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return (metadata and metadata.national_prefix) or "-"


def _kind_of(number_type, is_fax):
    if is_fax:
        return KIND_FAX
    if number_type == PhoneNumberType.MOBILE:
        return KIND_MOBILE
    if number_type in (PhoneNumberType.FIXED_LINE, PhoneNumberType.TOLL_FREE):
        return KIND_WORK
    return KIND_OTHER


def _error(raw, message):
    return None, PhoneError(raw, message % {"value": raw})


def _reject_reason(raw, digits, plus, region, area_code):
    """Why ``digits`` from ``raw`` gave no valid number."""
    if not digits:
        if _LETTERS_RE.search(raw):
            return _("“%(value)s” is not a phone number: it has no digits.")
        return _("“%(value)s” is not a phone number.")
    if len(digits) < MIN_LOCAL_DIGITS:
        return _("“%(value)s” is too short to be a phone number.")
    if len(digits) > MAX_E164_DIGITS + 2:
        return _("“%(value)s” is too long to be a phone number.")
    is_local = MIN_LOCAL_DIGITS <= len(digits) <= MAX_LOCAL_DIGITS
    if is_local and not plus and not digits.startswith("00"):
        if not region:
            return _(
                "“%(value)s” has no country code: write it with + or set "
                "a default phone region."
            )
        if not area_code:
            return _(
                "“%(value)s” looks like a local number, but no area code is set "
                "to complete it."
            )
    if not plus and not region and not digits.startswith("00"):
        return _(
            "“%(value)s” is not a valid phone number; without a default phone "
            "region, write it with + and the country code."
        )
    return _("“%(value)s” is not a valid phone number.")


def _parse_one(chunk, region, area_code):
    raw = chunk.strip()
    if _looks_like_date(raw):
        return _error(raw, _("“%(value)s” is a date, not a phone number."))
    body, extension = _split_extension(raw)
    digits = _NON_DIGITS_RE.sub("", body)
    first = _FIRST_RE.search(body)
    plus = bool(first) and first.group() == "+"
    for text, parse_region in _candidates(digits, plus, region, area_code):
        phone = _to_phone(text, parse_region, extension, raw)
        if phone:
            return phone, None
    if raw.endswith(")"):
        # "8 916 123-45-67 (до 18:00)": a remark with digits in it.
        bare = _REMARK_RE.sub("", raw)
        if bare != raw and _DIGITS_RE.search(bare):
            phone, _none = _parse_one(bare, region, area_code)
            if phone:
                return ParsedPhone(phone.e164, phone.extension, phone.kind, raw), None
    return _error(raw, _reject_reason(raw, digits, plus, region, area_code))


def _to_phone(text, region, extension, raw):
    found = _lookup(text, region)
    if found is None:
        return None
    e164, number_extension, number_type = found
    is_fax = _MARK_HINT_RE.search(raw) is not None and _FAX_RE.search(raw) is not None
    kind = _kind_of(number_type, is_fax)
    return ParsedPhone(e164, extension or number_extension, kind, raw)


@lru_cache(maxsize=4096)
def _lookup(text, region):
    """``(e164, extension, number type)`` of a candidate, or ``None``.

    Cached: an import meets the same office numbers on many rows.
    """
    number = _SLOW
    if text[:1] == "+" and text[1:].isdigit() and text.isascii():
        number = _parse_international(text[1:])
    if number is _SLOW:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return None
    if number is None:
        return None
    number_type = phonenumbers.number_type(number)
    if number_type == PhoneNumberType.UNKNOWN:
        return None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return e164, number.extension or "", number_type


_SLOW = object()


def _parse_international(digits):
    """``phonenumbers.parse("+" + digits)`` for plain ASCII digits, done directly.

    The full ``parse()`` first looks for extensions, RFC 3966 parameters and
    punctuation with many regular expressions; none of them can match a plus
    sign followed by digits only, so this runs only the steps that can change
    the result, in the same order and with the library's own helpers. Returns
    ``None`` where ``parse()`` raises, and ``_SLOW`` for anything unusual
    (which then goes through ``parse()`` itself). Tests compare both.
    """
    if not 3 <= len(digits) <= 200:
        return _SLOW
    country_code, national = _pnu._extract_country_code(digits)
    if not country_code:
        return _SLOW
    number_region = _pnu.region_code_for_country_code(country_code)
    metadata = _pnu.PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, number_region
    )
    if metadata is None or len(national) < _pnu._MIN_LENGTH_FOR_NSN:
        return _SLOW
    _carrier, potential, _stripped = _pnu._maybe_strip_national_prefix_carrier_code(
        national, metadata
    )
    if _pnu._test_number_length(potential, metadata) not in (
        _pnu.ValidationResult.TOO_SHORT,
        _pnu.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
        _pnu.ValidationResult.INVALID_LENGTH,
    ):
        national = potential
    if not _pnu._MIN_LENGTH_FOR_NSN <= len(national) <= _pnu._MAX_LENGTH_FOR_NSN:
        return None
    number = phonenumbers.PhoneNumber(country_code=country_code)
    _pnu._set_italian_leading_zeros_for_phone_number(national, number)
    number.national_number = int(national)
    return number


def _spell_out_alternative(match):
    """ "+7 495 123-45-67/68" is two numbers: the second ends in 68."""
    number, tail = match.group(1), match.group(2)
    digits = _NON_DIGITS_RE.sub("", number)
    plus = "+" if number.lstrip().startswith("+") else ""
    return f"{number}, {plus}{digits[: -len(tail)]}{tail}"


def _more_extension(previous, chunk):
    """``chunk`` is a bare short number after a number with an extension."""
    text = chunk.strip()
    return len(text) <= 4 and text.isdigit() and bool(_split_extension(previous)[1])


def _chunks(text):
    """Split a cell into numbers; a lone "доб. 12" belongs to the number before.

    A slash between two words is a label ("тел/факс: 8 495…"), not two numbers.
    """
    chunks = []
    if "/" in text:
        text = _LABEL_SLASH_RE.sub(" ", text)
        text = _SHORT_ALTERNATIVE_RE.sub(_spell_out_alternative, text)
    for chunk in _SPLIT_RE.split(text):
        if chunk and "(" in chunk:
            bare = _COMMENT_RE.sub("", chunk)  # "доб. 123 (секретарь)"
            chunk = bare if _DIGITS_RE.search(bare) else chunk
        if not chunk or not chunk.strip():
            continue
        if chunks and (_EXT_ONLY_RE.match(chunk) or _more_extension(chunks[-1], chunk)):
            number, extension = _split_extension(chunks[-1])
            if extension:
                # "ext 5; ext 6" or "доб. 101, 102": the same number, another
                # extension.
                mark = (
                    chunk.strip()
                    if not chunk.strip().isdigit()
                    else f"x{chunk.strip()}"
                )
                chunks.append(f"{number} {mark}")
            else:
                chunks[-1] = f"{chunks[-1]} {chunk.strip()}"
        else:
            chunks.append(chunk)
    return chunks


def parse_phones(value, region=None, area_code=None) -> PhoneParseResult:
    """Every phone in ``value``, and a reason for each part that is not one."""
    result = PhoneParseResult()
    if isinstance(value, datetime.date | datetime.time):
        raw = value.isoformat()
        result.errors.append(
            PhoneError(
                raw, _("“%(value)s” is a date, not a phone number.") % {"value": raw}
            )
        )
        return result
    region = default_region(region)
    area_code = default_area_code(area_code)
    text = _cell_to_text(value)
    if ("e" in text or "E" in text) and _EXCEL_EXP_RE.match(text):
        # A number whose last digits were lost: never stored as a phone.
        raw = text.strip()
        result.errors.append(
            PhoneError(
                raw, _("“%(value)s” is not a valid phone number.") % {"value": raw}
            )
        )
        return result
    if _looks_like_date(text):
        return _parse_into(result, [text], region, area_code)
    return _parse_into(result, _chunks(text), region, area_code)


def _parse_into(result, chunks, region, area_code):
    seen = set()
    for chunk in chunks:
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
    """International format, or national when the number is from ``national_region``.

    Pass the viewer's region (usually ``WAGTAILCRM_PHONE_REGION``) as
    ``national_region``: "8 (916) 123-45-67" for a Moscow office, and
    "+7 916 123-45-67" for everybody else.
    """
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    style = (
        PhoneNumberFormat.NATIONAL
        if national_region and region == national_region.upper()
        else PhoneNumberFormat.INTERNATIONAL
    )
    text = phonenumbers.format_number(number, style)
    if extension:
        text = _("%(number)s ext. %(extension)s") % {
            "number": text,
            "extension": extension,
        }
    return text


def search_variants(query) -> list[str]:
    """E.164 values a search query may mean, for finding records by phone.

    The query is read with the default region and area code, and — when it is
    a bare run of digits — also as an international number that lost its "+".
    Text with fewer than five digits means no phone.
    """
    text = str(query or "")
    if len(_DIGITS_RE.findall(text)) < MIN_LOCAL_DIGITS:
        return []
    variants = [phone.e164 for phone in parse_phones(text).phones]
    international = normalize_phone(text, region="", area_code="")
    if international and international not in variants:
        variants.append(international)
    return variants
