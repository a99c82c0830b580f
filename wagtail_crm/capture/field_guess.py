"""The CRM field of a form field nobody mapped, guessed from its type and label.

A form page built as in Wagtail's documentation, with no ``crm_field`` chosen,
still gives a lead with a name, e-mail and phone: a field of the ``email`` type
is the e-mail, a checkbox that asks for agreement is the consent, and other
labels are read with the importer's column synonyms (English, Russian,
Albanian: "Phone", "Телефон", "Your name", "Ваше имя", "Emri"…). A CRM field
an editor mapped on purpose is never guessed for another field, and every
answer stays in the lead's raw ``data`` whatever it fills.
"""

from functools import lru_cache

from ..hooks import REGISTER_COLUMN_SYNONYMS, get_hooks
from ..importing.headers import header_key, synonym_table

#: Import field → CRM field of a lead.
FROM_IMPORT = {
    "full_name": "name",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone": "phone",
    "mobile_phone": "phone",
    "work_phone": "phone",
    "home_phone": "phone",
    "job_title": "job_title",
    "organization": "company",
    "notes": "message",
}
#: Labels of web forms that spreadsheets rarely have.
FORM_LABELS = {
    "message": [
        "message",
        "question",
        "request",
        "enquiry",
        "inquiry",
        "сообщение",
        "вопрос",
        "заявка",
        "текст сообщения",
        "mesazh",
        "mesazhi",
        "pyetje",
        "pyetja",
    ],
    "name": ["как к вам обращаться", "name and surname"],
}
#: "Your …" in front of (or, in Albanian, after) a label adds nothing.
POSSESSIVE_PREFIXES = ("your", "ваше", "ваша", "ваш")
POSSESSIVE_SUFFIXES = ("juaj", "tuaj", "ejuaj", "etuaj")
CONSENT_WORDS = ("consent", "agree", "accept", "соглас", "принима", "pranoj", "pelq")
TEXT_TYPES = {"singleline", "multiline", "email"}


def label_table():
    """{label key: CRM field} from the import synonyms and :data:`FORM_LABELS`."""
    table = {
        key: FROM_IMPORT[field]
        for key, field in synonym_table().items()
        if field in FROM_IMPORT
    }
    for crm_field, labels in FORM_LABELS.items():
        for label in labels:
            table.setdefault(header_key(label), crm_field)
    return table


def _label_keys(label):
    key = header_key(label)
    yield key
    for prefix in POSSESSIVE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            yield key[len(prefix) :]
    for suffix in POSSESSIVE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            yield key[: -len(suffix)]


def guess(label, field_type, table):
    """The CRM field a form builder field of this label and type looks like,
    or ""."""
    if field_type == "checkbox":
        key = header_key(label)
        return "consent" if any(word in key for word in CONSENT_WORDS) else ""
    if field_type not in TEXT_TYPES:
        return ""
    if field_type == "email":
        return "email"
    for key in _label_keys(label):
        if key in table:
            return table[key]
    return ""


def crm_fields_of(form_fields):
    """The CRM field of each of ``form_fields``: its ``crm_field`` or a guess."""
    chosen = [getattr(field, "crm_field", "") or "" for field in form_fields]
    if all(chosen):
        return chosen
    shape = tuple(
        (str(field.label), getattr(field, "field_type", ""), crm_field)
        for field, crm_field in zip(form_fields, chosen, strict=True)
    )
    # A form's guesses are worked out once per process, not on every post;
    # registering a synonyms hook gives a new key.
    return list(_guessed(shape, tuple(get_hooks(REGISTER_COLUMN_SYNONYMS))))


@lru_cache(maxsize=256)
def _guessed(shape, _hooks):
    chosen = [crm_field for _label, _type, crm_field in shape]
    table = label_table()
    guesses = [
        "" if crm_field else guess(label, field_type, table)
        for label, field_type, crm_field in shape
    ]
    present = set(chosen) | set(guesses)
    if "last_name" not in present and "name" not in present:
        # "Имя" alone on a web form is the whole name, not a first name.
        guesses = ["name" if g == "first_name" else g for g in guesses]
    taken = set(chosen)
    for position, guessed in enumerate(guesses):
        if guessed and guessed not in taken:
            chosen[position] = guessed
            taken.add(guessed)
    return tuple(chosen)
