"""Match keys and the in-memory index that answers "which existing record is this?".

Import, form capture and merge all use these keys, so a person or an
organization is recognised the same way everywhere.
"""

from __future__ import annotations

import re

_LEGAL_FORMS = (
    "ооо",
    "оао",
    "зао",
    "пао",
    "ао",
    "ип",
    "llc",
    "ltd",
    "inc",
    "gmbh",
    "sh.p.k.",
    "shpk",
    "sh.a.",
    "sha",
)
_QUOTES_RE = re.compile(r"[«»\"„“”'`]")
_SPACE_RE = re.compile(r"\s+")
_LEGAL_RE = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in _LEGAL_FORMS) + r")(?![\w])",
    re.IGNORECASE,
)


def email_key(email) -> str:
    return (email or "").strip().lower()


def person_name_key(name) -> str:
    return _SPACE_RE.sub(" ", (name or "").casefold().replace("ё", "е")).strip()


def organization_name_key(name) -> str:
    text = _QUOTES_RE.sub(" ", (name or "").casefold().replace("ё", "е"))
    text = _LEGAL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip(" ,.")


def tax_id_key(tax_id) -> str:
    return re.sub(r"\s+", "", str(tax_id or "")).upper()
