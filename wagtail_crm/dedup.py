"""Match keys and the in-memory index that answers "which existing record is this?".

Import, form capture and merge all use these keys, so a person or an
organization is recognised the same way everywhere.

Public API (keep the signatures stable): ``email_key``, ``person_name_key``,
``organization_name_key``, ``tax_id_key``, ``Match(pk, reason)``,
``ContactIndex`` / ``OrganizationIndex`` with ``.add()``, ``.match()`` and
``.from_db(queryset=None)``, ``matching_contacts()`` / ``matching_organizations()``
(the same rules as indexed queries, for one record such as an admin form, with
``queryset=`` and ``exclude_pk=``), and ``LEGAL_FORMS`` (the legal forms removed from
organization names). The keys are stored on the rows (``Contact.last_name_key``,
``Organization.name_key``), so changing a key function means re-saving the rows.

The database side of the same rules — groups of existing records that match —
is ``wagtail_crm.duplicate_groups``; merging them is ``wagtail_crm.merge``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from anyascii import anyascii

from .conf import crm_settings

#: Legal forms that stand before or after a name ("ООО «Ромашка»", "Ромашка, ООО").
_LEADING_OR_TRAILING_FORMS = (
    "общество с ограниченной ответственностью",
    "публичное акционерное общество",
    "закрытое акционерное общество",
    "открытое акционерное общество",
    "непубличное акционерное общество",
    "акционерное общество",
    "индивидуальный предприниматель",
    "товарищество с ограниченной ответственностью",
    "ооо",
    "оао",
    "зао",
    "пао",
    "нао",
    "ао",
    "ип",
    "тоо",
    "тов",
    "sh.p.k.",
    "sh.p.k",
    "shpk",
    "sh.a.",
    "sh.a",
)
#: Legal forms that only ever follow the name ("Acme Ltd", never "Ltd Acme"):
#: "Limited Edition" keeps its first word.
_TRAILING_ONLY_FORMS = (
    "limited liability company",
    "incorporated",
    "corporation",
    "limited",
    "l.l.c.",
    "llc",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "corp.",
    "corp",
    "gmbh",
)
#: Legal forms removed from organization names, full forms before short ones.
LEGAL_FORMS = tuple(
    sorted(_LEADING_OR_TRAILING_FORMS + _TRAILING_ONLY_FORMS, key=len, reverse=True)
)
_QUOTES_RE = re.compile(r"[«»\"„“”‟'`‘’‚]")


def _forms_pattern(forms):
    """An alternation of ``forms``, the longest first ("ltd." before "ltd")."""
    forms = sorted(forms, key=len, reverse=True)
    return "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in forms)


# A legal form before the name ("ООО «Ромашка»", "Sh.p.k. Alfa") or after it
# ("Ромашка, ООО", "Acme Ltd."), never one inside it.
_LEADING_LEGAL_RE = re.compile(
    r"^[\W_]*(?:" + _forms_pattern(_LEADING_OR_TRAILING_FORMS) + r")(?![\w])",
    re.IGNORECASE,
)
_TRAILING_LEGAL_RE = re.compile(
    r"(?<![\w.])(?:" + _forms_pattern(LEGAL_FORMS) + r")[\W_]*$", re.IGNORECASE
)
_NOT_WORD_RE = re.compile(r"[\W_]+")
_NON_ALPHA_RE = re.compile(r"[^a-z0-9]+")
#: Spellings that transliterations of one Cyrillic name disagree on.
_TRANSLIT = {
    "shch": "sh",
    "sch": "sh",
    "kh": "h",
    "ck": "k",
    "ts": "c",
    "tz": "c",
    "yo": "e",
    "jo": "e",
    "ye": "e",
    "je": "e",
    "ya": "a",
    "ja": "a",
    "ia": "a",
    "yu": "u",
    "ju": "u",
    "iu": "u",
    "x": "ks",
    # "-ьев" is "-ev" ("Григорьев" → "grigorev"), often spelt "-iev" (the
    # "-yev"/"-jev" spellings fold through "ye"/"je" above).
    "iev": "ev",
}
_TRANSLIT_RE = re.compile(
    "|".join(
        r"(?<=[bcdfghklmnpqrstvwxz])iev" if key == "iev" else key
        for key in sorted(_TRANSLIT, key=len, reverse=True)
    )
    + r"|(?:iy|yi|ii|ij|yj|y)$"
)
_DOUBLE_RE = re.compile(r"(.)\1+")
#: The longest keys, as ``Contact.last_name_key`` and ``Organization.name_key``
#: hold them.
PERSON_KEY_LENGTH = 150
ORGANIZATION_KEY_LENGTH = 255
_Y_TO_I = str.maketrans("yj", "ii")


def email_key(email) -> str:
    """An e-mail address trimmed and lowercased."""
    return (email or "").strip().lower()


@lru_cache(maxsize=8192)
def person_name_key(name) -> str:
    """Case, ё/е, script and transliteration insensitive last-name key.

    "Фёдоров", "ФЕДОРОВ", "Fedorov", "Fyodorov" and "Fjodorov" agree, as do
    "Соловьёв"/"Solovyov"/"Solovev", "Дмитриевский"/"Dmitrievsky",
    "Григорьев"/"Grigoriev"/"Grigoryev" and "Максимов"/"Maximov". The key
    is only ever used together with a phone number, so a rare collision of two
    different names costs nothing.
    """
    text = (name or "").casefold().replace("ё", "е")
    text = _NON_ALPHA_RE.sub("", anyascii(text).lower())
    text = _TRANSLIT_RE.sub(lambda match: _TRANSLIT.get(match.group(), "i"), text)
    # Transliteration can lengthen a name ("Щ" → "shch" → "sh"): cut to what
    # Contact.last_name_key holds.
    return _DOUBLE_RE.sub(r"\1", text.translate(_Y_TO_I))[:PERSON_KEY_LENGTH]


@lru_cache(maxsize=8192)
def organization_name_key(name) -> str:
    """Name without legal form, quotes, punctuation, spaces and case.

    «ООО "Северная звезда"», "Северная Звезда, ООО" and "северная-звезда"
    agree; so do "Acme Ltd." and "ACME LLC". Legal forms are removed at the
    start and the end of the name only (several, as in "ООО «Ромашка» Ltd"),
    so "Limited Edition Ltd" keeps "Limited"; the English ones only at the end.
    """
    text = _QUOTES_RE.sub(" ", (name or "").casefold().replace("ё", "е"))
    while True:
        stripped = _LEADING_LEGAL_RE.sub(" ", text, count=1)
        stripped = _TRAILING_LEGAL_RE.sub(" ", stripped, count=1)
        if stripped == text:
            break
        text = stripped
    return _NOT_WORD_RE.sub("", text)[:ORGANIZATION_KEY_LENGTH]


def has_legal_form(name) -> bool:
    """``name`` starts or ends with a legal form: "ООО «Ромашка»", "Acme Ltd."."""
    text = _QUOTES_RE.sub(" ", (name or "").casefold().replace("ё", "е")).strip()
    return bool(_LEADING_LEGAL_RE.search(text) or _TRAILING_LEGAL_RE.search(text))


def tax_id_key(tax_id) -> str:
    """A tax id without spaces, uppercased (INN, VAT number, NIPT).

    A number (a spreadsheet cell) has no ".0"; where ``WAGTAILCRM_PHONE_REGION``
    is Russia or Kazakhstan, an INN/BIN of digits one short of its length
    (9 or 11) gets back the leading zero a number cell dropped.
    """
    if isinstance(tax_id, float | Decimal) and _is_whole(tax_id):
        tax_id = int(tax_id)
    return _tax_id_key(str(tax_id or ""), crm_settings.PHONE_REGION or "")


def _is_whole(number):
    try:
        return number == int(number)
    except (ValueError, OverflowError, ArithmeticError):
        return False


_SPACES_RE = re.compile(r"\s+")
_TAX_LABEL_RE = re.compile(
    r"^(?:инн(?:\s*/\s*кпп)?|inn|nipt|vat|ндс)\s*[:№#.]?\s*", re.IGNORECASE
)
#: Lengths of a tax id of digits only, by ``WAGTAILCRM_PHONE_REGION``: Russian
#: INN of a company (10) or a person (12), Kazakh BIN/IIN (12).
TAX_ID_DIGITS = {"RU": (10, 12), "KZ": (12,)}
_INN_KPP_RE = re.compile(r"^(\d{9,12})\s*/\s*\d{9}$")


def clean_tax_id(text) -> str:
    """A tax id as a person may type or paste it, as it is stored: without a
    label ("ИНН 7707083893"), the KPP after a slash ("7707083893/770701001"),
    dashes, spaces, or the ".0" a spreadsheet number cell adds."""
    if not isinstance(text, str):
        return tax_id_key(text)
    text = _SPACES_RE.sub("", _TAX_LABEL_RE.sub("", text.strip()).replace("-", ""))
    inn_kpp = _INN_KPP_RE.match(text)
    if inn_kpp:
        text = inn_kpp.group(1)
    elif text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return tax_id_key(text)


@lru_cache(maxsize=8192)
def _tax_id_key(text, region):
    key = _SPACES_RE.sub("", text).upper()
    if key.isdigit() and len(key) + 1 in TAX_ID_DIGITS.get(region.upper(), ()):
        key = "0" + key
    return key


@dataclass(frozen=True)
class Match:
    """An existing record a row matches, and why."""

    pk: int
    reason: str  # "email", "phone_name", "tax_id" or "name"


def phone_name_key(e164, name_key) -> str:
    """The key of ``ContactIndex.by_phone_name`` for a phone and a last-name key."""
    return f"{e164} {name_key}"


class ContactIndex:
    """Person match keys in memory: built once in O(n), O(1) per lookup.

    A person matches by the same e-mail, or by the same E.164 phone together
    with the same last name.
    """

    def __init__(self):
        self.by_email = {}
        # "e164 name-key" -> pk: one string per key, not a tuple of two (a
        # large import holds hundreds of thousands of them).
        self.by_phone_name = {}

    def add(self, pk, *, email="", phones=(), last_name="", name_key=None):
        """Index ``pk``; ``name_key`` is ``person_name_key(last_name)`` if known."""
        key = email_key(email)
        if key:
            self.by_email.setdefault(key, pk)
        name = person_name_key(last_name) if name_key is None else name_key
        if name:
            for e164 in phones:
                self.by_phone_name.setdefault(phone_name_key(e164, name), pk)

    def match(
        self, *, email="", phones=(), last_name="", name_key=None
    ) -> Match | None:
        key = email_key(email)
        if key and key in self.by_email:
            return Match(self.by_email[key], "email")
        name = person_name_key(last_name) if name_key is None else name_key
        if name:
            for e164 in phones:
                pk = self.by_phone_name.get(phone_name_key(e164, name))
                if pk is not None:
                    return Match(pk, "phone_name")
        return None

    @classmethod
    def from_db(cls, queryset=None):
        """Index the contacts of ``queryset`` (all contacts by default): two queries."""
        from .models import Contact, Phone

        queryset = Contact.objects.all() if queryset is None else queryset
        index = cls()
        names = {}
        for pk, email, last_name_key in queryset.values_list(
            "pk", "email", "last_name_key"
        ).iterator(chunk_size=10000):
            if email:
                index.by_email.setdefault(email, pk)
            if last_name_key:
                names[pk] = last_name_key
        phones = Phone.objects.filter(contact__in=queryset.values("pk"))
        for contact_id, e164 in phones.values_list("contact_id", "e164").iterator(
            chunk_size=10000
        ):
            name = names.get(contact_id)
            if name:
                index.by_phone_name.setdefault(phone_name_key(e164, name), contact_id)
        return index


class OrganizationIndex:
    """Organization match keys in memory: same tax id, or same normalized name."""

    def __init__(self):
        self.by_tax_id = {}
        self.by_name = {}

    def add(self, pk, *, tax_id="", name=""):
        tax_key = tax_id_key(tax_id)
        if tax_key:
            self.by_tax_id.setdefault(tax_key, pk)
        name_key = organization_name_key(name)
        if name_key:
            self.by_name.setdefault(name_key, (pk, tax_key))

    def match(self, *, tax_id="", name="") -> Match | None:
        """Same tax id; else same name, unless both carry different tax ids."""
        tax_key = tax_id_key(tax_id)
        if tax_key and tax_key in self.by_tax_id:
            return Match(self.by_tax_id[tax_key], "tax_id")
        found = self.by_name.get(organization_name_key(name))
        if found and not (tax_key and found[1] and found[1] != tax_key):
            return Match(found[0], "name")
        return None

    @classmethod
    def from_db(cls, queryset=None):
        from .models import Organization

        queryset = Organization.objects.all() if queryset is None else queryset
        index = cls()
        for pk, tax_id, name_key in queryset.values_list(
            "pk", "tax_id", "name_key"
        ).iterator(chunk_size=10000):
            if tax_id:
                index.by_tax_id.setdefault(tax_id, pk)
            if name_key:
                index.by_name.setdefault(name_key, (pk, tax_id))
        return index


MAX_MATCHES = 10


def matching_contacts(
    *, email="", phones=(), last_name="", queryset=None, exclude_pk=None
) -> list[Match]:
    """Existing contacts one record matches, found by indexed queries.

    For a single record (an admin form, one captured lead) this is cheaper than
    building a ``ContactIndex``. At most ``MAX_MATCHES``, e-mail matches first.
    """
    from .models import Contact

    queryset = _candidates(Contact, queryset, exclude_pk)
    found = {}
    key = email_key(email)
    if key:
        for pk in queryset.filter(email=key).values_list("pk", flat=True)[:MAX_MATCHES]:
            found.setdefault(pk, "email")
    name = person_name_key(last_name)
    if name and phones:
        same = queryset.filter(last_name_key=name, phones__e164__in=list(phones))
        for pk in same.values_list("pk", flat=True).distinct()[:MAX_MATCHES]:
            found.setdefault(pk, "phone_name")
    return [Match(pk, reason) for pk, reason in found.items()][:MAX_MATCHES]


def matching_organizations(
    *, tax_id="", name="", queryset=None, exclude_pk=None
) -> list[Match]:
    """Existing organizations one record matches (same rules as the index)."""
    from .models import Organization

    queryset = _candidates(Organization, queryset, exclude_pk)
    found = {}
    tax_key = tax_id_key(tax_id)
    if tax_key:
        for pk in queryset.filter(tax_id=tax_key).values_list("pk", flat=True)[:1]:
            found[pk] = "tax_id"
    name_key = organization_name_key(name)
    if name_key:
        rows = queryset.filter(name_key=name_key).values_list("pk", "tax_id")
        for pk, other_tax in rows[:MAX_MATCHES]:
            if not (tax_key and other_tax and other_tax != tax_key):
                found.setdefault(pk, "name")
    return [Match(pk, reason) for pk, reason in found.items()][:MAX_MATCHES]


def _candidates(model, queryset, exclude_pk):
    queryset = model.objects.all() if queryset is None else queryset
    return queryset.exclude(pk=exclude_pk) if exclude_pk is not None else queryset
