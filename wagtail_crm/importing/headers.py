"""Find the header row and map its columns to CRM fields.

Headers are compared by a key that ignores case, spaces, punctuation and the
ё/е, ë/e differences, so "E-mail 2 Address", "e-mail2address" and "EMAIL 2
ADDRESS" are one header. Synonyms cover English, Russian and Albanian and the
export headers of 1C, Bitrix24, amoCRM, HubSpot, Google Contacts and Outlook;
developers add their own with the ``wagtailcrm_register_column_synonyms`` hook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..hooks import REGISTER_COLUMN_SYNONYMS, get_hooks
from ..names import split_full_name  # noqa: F401  (imported from here too)

# Target fields, in the order the mapping screen offers them.
FIELDS = {
    "full_name": _("Full name"),
    "last_name": _("Last name"),
    "first_name": _("First name"),
    "middle_name": _("Middle name"),
    "email": _("E-mail"),
    "phone": _("Phone"),
    "mobile_phone": _("Mobile phone"),
    "work_phone": _("Work phone"),
    "home_phone": _("Home phone"),
    "fax": _("Fax"),
    "job_title": _("Job title"),
    "notes": _("Notes"),
    "organization": _("Organization"),
    "tax_id": _("Tax id (INN, VAT, NIPT)"),
    "org_phone": _("Organization phone"),
    "org_email": _("Organization e-mail"),
    "website": _("Website"),
    "address": _("Address"),
    "crm_id": _("CRM id (from an export)"),
}
# Fields several columns may map to; every value lands on the card.
MULTI_FIELDS = {
    "email",
    "phone",
    "mobile_phone",
    "work_phone",
    "home_phone",
    "fax",
    "org_phone",
    "org_email",
    "notes",
}
PHONE_FIELDS = {
    "phone": None,
    "mobile_phone": "mobile",
    "work_phone": "work",
    "home_phone": "home",
    "fax": "fax",
    "org_phone": None,
}

# Headers naming the client, a person or a company.
_CLIENT_NAMES = ("клиент", "заказчик", "покупатель", "client", "customer", "klienti")

SYNONYMS = {
    "full_name": [
        "name",
        "full name",
        "contact name",
        "contact person",
        "contact",
        "person",
        "фио",
        "ф.и.о.",
        "фамилия имя отчество",
        "контактное лицо",
        "контакт",
        "полное имя",
        "полное имя контакта",
        "основное контактное лицо",
        "основной контакт",
        "display name",
        "имя контакта",
        "сотрудник",
        "emri i plote",
        "emri dhe mbiemri",
        "personi i kontaktit",
        "kontakti",
        "фамилия имя",
        "имя фамилия",
        "фамилия и.о.",
        "фио клиента",
        "фио контактного лица",
        "контактное лицо (фио)",
        "client name",
        "customer name",
        "имя клиента",
        "emri mbiemri",
        *_CLIENT_NAMES,  # a person or a company: see _client_column()
    ],
    "last_name": [
        "last name",
        "surname",
        "family name",
        "lastname",
        "фамилия",
        "mbiemri",
        "mbiemer",
    ],
    "first_name": [
        "first name",
        "given name",
        "firstname",
        "forename",
        "имя",
        "emri",
        "emer",
    ],
    "middle_name": [
        "middle name",
        "additional name",
        "patronymic",
        "middle",
        "отчество",
        "atesia",
        "emri i babait",
    ],
    "email": [
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "mail",
        "primary email",
        "work email",
        "personal email",
        "other email",
        "e-mail 2 address",
        "e-mail 3 address",
        "e-mail address 2",
        "адрес электронной почты",
        "e-mail для рассылок",
        "email для рассылок",
        "электронная почта",
        "эл. почта",
        "эл почта",
        "почта",
        "емейл",
        "имейл",
        "рабочий e-mail",
        "частный e-mail",
        "другой e-mail",
        "рабочий email",
        "личный email",
        "другой email",
        "email рабочий",
        "email личный",
        "e-mail адрес",
        "email адрес",
        "электронный адрес",
        "business email",
        "secondary email",
        "alternate email",
        "additional email addresses",
        "контактный email",
        "контактный e-mail",
        "e-mail для связи",
        "email для связи",
        "электронная почта контакта",
        "адрес эл. почты",
        "адрес 2 эл. почты",
        "адрес 3 эл. почты",
        "posta elektronike",
        "adresa e emailit",
        "emaili",
        "adresa email",
        "e-maili",
    ],
    "phone": [
        "phone",
        "phone number",
        "telephone",
        "tel",
        "tel.",
        "phones",
        "primary phone",
        "other phone",
        "contact phone",
        "телефон",
        "тел",
        "тел.",
        "телефоны",
        "номер телефона",
        "контактный телефон",
        "другой телефон",
        "телефон другой",
        "телефон для рассылок",
        "основной телефон",
        "telefoni",
        "telefon",
        "telefonat",
        "телефоны",
        "phones",
        "nr. telefoni",
        "numri i telefonit",
        "nr. i telefonit",
        "phone no.",
        "tel. no.",
        "contact number",
        "contact no.",
        "alternate phone",
        "контактный номер",
        "телефон для связи",
        "nr. tel.",
        "numer telefoni",
        "телефон контактного лица",
        "телефон/факс",
        "тел./факс",
        "телефон, факс",
        "tel.",
    ],
    "mobile_phone": [
        "mobile",
        "mobile phone",
        "mobile phone number",
        "car phone",
        "cell",
        "cell phone",
        "мобильный",
        "мобильный телефон",
        "моб. телефон",
        "моб телефон",
        "сотовый",
        "сотовый телефон",
        "телефон (моб.)",
        "тел. моб.",
        "моб.",
        "mobile number",
        "мобильный номер",
        "номер мобильного",
        "номер мобильного телефона",
        "nr. cel",
        "телефон мобильный",
        "телефон переносной",
        "телефон в машине",
        "celulari",
        "celular",
        "nr. celulari",
        "telefoni celular",
        "numri i celularit",
    ],
    "work_phone": [
        "work phone",
        "business phone",
        "business phone 2",
        "office phone",
        "рабочий телефон",
        "телефон рабочий",
        "служебный телефон",
        "телефон (раб.)",
        "тел. раб.",
        "рабочий прямой телефон",
        "прямой телефон",
        "телефон раб. 2",
        "telefoni i punes",
    ],
    "home_phone": [
        "home phone",
        "home phone 2",
        "домашний телефон",
        "телефон домашний",
        "телефон (дом.)",
        "телефон дом. 2",
        "telefoni i shtepise",
    ],
    "fax": [
        "fax",
        "business fax",
        "home fax",
        "other fax",
        "факс",
        "номер факса",
        "рабочий факс",
        "домашний факс",
        "другой факс",
        "faks",
        "fax number",
    ],
    "job_title": [
        "job title",
        "position",
        "role",
        "organization title",
        "job position",
        "organization 1 - title",
        "должность",
        "позиция",
        "должность контактного лица",
        "pozicioni",
        "funksioni",
        "detyra",
        "titulli i punes",
        "roli",
    ],
    "notes": [
        "notes",
        "note",
        "comment",
        "comments",
        "description",
        "примечание",
        "примечания",
        "комментарий",
        "комментарии",
        "заметки",
        "заметка",
        "описание",
        "shenime",
        "shenim",
        "koment",
        "komente",
        "pershkrimi",
    ],
    "organization": [
        "company",
        "company name",
        "organization",
        "organisation",
        "organization name",
        "organization 1 - name",
        "organisation name",
        "account",
        "account name",
        "associated company",
        "business",
        "employer",
        "компания",
        "организация",
        "название компании",
        "название организации",
        "наименование",
        "наименование организации",
        "полное наименование",
        "компания контакта",
        "контрагент",
        "наименование контрагента",
        "наименование клиента",
        "краткое наименование",
        "сокращенное наименование",
        "компания клиента",
        "организация клиента",
        "название",
        "юрлицо",
        "юридическое лицо",
        "kompania",
        "shoqeria",
        "biznesi",
        "organizata",
        "organizate",
        "emri i kompanise",
        "emri i biznesit",
        "emri i subjektit",
        "firma",
        "subjekti",
    ],
    "tax_id": [
        "tax id",
        "tax number",
        "vat",
        "vat number",
        "vat id",
        "inn",
        "tin",
        "инн",
        "инн организации",
        "инн компании",
        "инн/кпп",
        "инн контрагента",
        "инн клиента",
        "nipt",
        "nuis",
        "бин",
        "иин",
        "бин/иин",
        "иин/бин",
    ],
    "org_phone": [
        "company phone",
        "company main phone",
        "main phone",
        "телефон компании",
        "телефон организации",
        "основной телефон организации",
        "telefoni i kompanise",
    ],
    "org_email": [
        "company email",
        "company e-mail",
        "email компании",
        "e-mail компании",
        "почта компании",
        "email i kompanise",
    ],
    "website": [
        "website",
        "web site",
        "web page",
        "website url",
        "company domain name",
        "корпоративный сайт",
        "url",
        "site",
        "homepage",
        "сайт",
        "веб-сайт",
        "веб-страница",
        "web-страница",
        "адрес сайта",
        "сайт компании",
        "company website",
        "сайт организации",
        "web-сайт",
        "web",
        "faqja e internetit",
        "faqja web",
    ],
    "address": [
        "address",
        "business address",
        "street address",
        "legal address",
        "адрес",
        "юридический адрес",
        "фактический адрес",
        "почтовый адрес",
        "адрес компании",
        "адрес организации",
        "adresa",
        "adresa e biznesit",
    ],
    "crm_id": ["crm id"],
}
# Headers that carry a number: Google's "Phone 1 - Value", "E-mail 2 - Value".
_PATTERNS = [
    (re.compile(r"^phone\d+value$"), "phone"),
    (re.compile(r"^email\d+value$"), "email"),
    (re.compile(r"^website\d+value$"), "website"),
    (re.compile(r"^(?:примечание|комментарий|note|notes)\d+$"), "notes"),
    (re.compile(r"^address\d+formatted$"), "address"),
    (re.compile(r"^(?:business|work)phone\d+$"), "work_phone"),
    (re.compile(r"^(?:телефон|тел|phone|telephone|tel)\d+$"), "phone"),
    (
        re.compile(r"^(?:мобильный|мобильныйтелефон|mobile|mobilephone|cell)\d+$"),
        "mobile_phone",
    ),
    (re.compile(r"^email\d+$"), "email"),
]
# amoCRM and others tag a header with its record: "Рабочий телефон (компания)".
_COMPANY_SUFFIX = re.compile(r"\((?:компания|company|kompania)\)\s*$", re.IGNORECASE)
_CONTACT_SUFFIX = re.compile(r"\((?:контакт|contact|kontakt)\)\s*$", re.IGNORECASE)
_TO_COMPANY = {
    "phone": "org_phone",
    "work_phone": "org_phone",
    "email": "org_email",
    "full_name": "organization",
    "address": "address",
    "website": "website",
    "tax_id": "tax_id",
}

_KEY_TRANSLATION = str.maketrans({"ё": "е", "ë": "e", "ç": "c"})
_NOT_WORD_RE = re.compile(r"[\W_]+")

HEADER_SCAN_ROWS = 30


def header_key(text) -> str:
    return _NOT_WORD_RE.sub("", str(text or "").casefold().translate(_KEY_TRANSLATION))


def synonym_table() -> dict[str, str]:
    """{header key: field}, with our field names, verbose names and hook synonyms."""
    table = {}
    for field, label in FIELDS.items():
        table.setdefault(header_key(field), field)
        table.setdefault(header_key(label), field)
    for field, names in SYNONYMS.items():
        for name in names:
            table.setdefault(header_key(name), field)
    for hook in get_hooks(REGISTER_COLUMN_SYNONYMS):
        for field, names in (hook() or {}).items():
            if field not in FIELDS:
                raise ValueError(f"Unknown import field {field!r} in {hook!r}")
            for name in names:
                table[header_key(name)] = field
    return table


def field_for_header(text, table) -> str:
    text = str(text or "").strip()
    company = bool(_COMPANY_SUFFIX.search(text))
    if company or _CONTACT_SUFFIX.search(text):
        text = _COMPANY_SUFFIX.sub("", _CONTACT_SUFFIX.sub("", text))
    key = header_key(text)
    if not key:
        return ""
    field = table.get(key, "")
    if not field:
        field = next((f for pattern, f in _PATTERNS if pattern.match(key)), "")
    if company:
        field = _TO_COMPANY.get(field, field)
    return field


@dataclass
class HeaderGuess:
    row_number: int  # 1-based row of the header in the sheet
    headers: list[str]
    mapping: list[str]  # a field (or "") per column

    @property
    def recognised(self):
        return sum(1 for field in self.mapping if field)


# Headers that give way to another column of the same field, wherever it is:
# 1C lists "Полное наименование" next to the "Наименование" people use.
_SECOND_CHOICE = {header_key("полное наименование")}


def _own_name(header, field):
    """``header`` is ``field``'s own name or label ("Job title"), not a synonym."""
    key = header_key(header)
    return key in (header_key(field), header_key(FIELDS.get(field, "")))


def propose_mapping(headers, table=None) -> list[str]:
    table = table or synonym_table()
    fields = [field_for_header(header, table) for header in headers]
    fields = _client_column(headers, _organization_sheet(headers, fields))
    first_choice = {
        field
        for header, field in zip(headers, fields, strict=True)
        if field and header_key(header) not in _SECOND_CHOICE
    }
    # A column titled with a field's own name wins over a synonym of it
    # elsewhere: our contact export has "Role" and "Job title".
    own = {
        field
        for header, field in zip(headers, fields, strict=True)
        if field and _own_name(header, field)
    }
    mapping, used = [], set()
    for header, field in zip(headers, fields, strict=True):
        second = field in first_choice and header_key(header) in _SECOND_CHOICE
        synonym = field in own and not _own_name(header, field)
        if field and field not in MULTI_FIELDS and (field in used or second or synonym):
            field = ""
        used.add(field)
        mapping.append(field)
    return mapping


#: Fields that only a person has: a sheet with one of them lists people.
_PERSON_FIELDS = {
    "last_name",
    "middle_name",
    "job_title",
    "mobile_phone",
    "home_phone",
}


_PLAIN_NAMES = {
    header_key(name) for name in ("name", "наименование", "название", "emri")
}


_CLIENT_HEADERS = {header_key(name) for name in _CLIENT_NAMES}
_NAME_FIELDS = {"full_name", "last_name", "first_name"}


def _client_column(headers, fields):
    """A "Клиент" / "Customer" column beside a person's name column and no
    organization column names the company; alone it names the client, a
    person or a company (a cell with a legal form is the company's)."""
    present = [
        field
        for header, field in zip(headers, fields, strict=True)
        if header_key(header) not in _CLIENT_HEADERS
    ]
    if "organization" in present or not _NAME_FIELDS & set(present):
        return fields
    return [
        "organization"
        if header_key(header) in _CLIENT_HEADERS and field == "full_name"
        else field
        for header, field in zip(headers, fields, strict=True)
    ]


def _organization_sheet(headers, fields):
    """``fields`` of a list of organizations, read as such.

    A sheet with a tax id, no column for the organization, and no column only
    a person has (our own organization export: "Name", "Tax id", "E-mail",
    "Phones"…) lists companies: its name is the organization's, and its
    e-mails and phones are the organization's too.
    """
    present = set(fields)
    if "tax_id" not in present or "organization" in present:
        return fields  # with a company column, each row's rules place the rest
    if present & _PERSON_FIELDS:
        return fields
    names = {
        header_key(header)
        for header, field in zip(headers, fields, strict=True)
        if field in ("full_name", "first_name")
    }
    # "Name" may be a company's; "ФИО" or "Contact person" is a person's.
    if not names or not names <= _PLAIN_NAMES:
        return fields
    return [
        "organization"
        if header_key(header) in _PLAIN_NAMES and field in ("full_name", "first_name")
        else _TO_COMPANY.get(field, field)
        for header, field in zip(headers, fields, strict=True)
    ]


def detect_header(rows, table=None) -> HeaderGuess | None:
    """The row among the first ones that names the most known columns.

    ``rows`` are ``readers.Row`` objects; titles, blank rows and merged banners
    above the header are passed over.
    """
    table = table or synonym_table()
    best = lone = None
    for row in rows[:HEADER_SCAN_ROWS]:
        headers = [_header_text(value) for value in row.values]
        mapping = propose_mapping(headers, table)
        guess = HeaderGuess(row.number, headers, mapping)
        distinct = len({value for value in headers if value})
        if lone is None and guess.recognised and distinct == 1:
            # A list of one column ("Email"), unless a wider header is found.
            lone = guess
        better = best is None or guess.recognised > best.recognised
        # A header merged over two rows is forward-filled into both: the data
        # starts below its last row.
        repeated = (
            best is not None
            and row.number == best.row_number + 1
            and _trimmed(headers) == _trimmed(best.headers)
        )
        if guess.recognised and distinct > 1 and (better or repeated):
            best = guess
    return best or _one_column(lone, rows)


def _one_column(guess, rows):
    """``guess`` if the sheet has a single column, so it is that column's title."""
    if guess is None:
        return None
    index = next(i for i, field in enumerate(guess.mapping) if field)
    for row in rows[:HEADER_SCAN_ROWS]:
        if any(v not in ("", None) for i, v in enumerate(row.values) if i != index):
            return None
    return guess


def _trimmed(headers):
    headers = list(headers)
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _header_text(value):
    return value if isinstance(value, str) else ("" if value is None else str(value))
