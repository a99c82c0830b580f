"""Full names split into last, first and middle name.

One reading of a typed full name for import, form capture and lead
conversion, so "Смирнова Анна" is the same person whichever way she came in.
"""

from __future__ import annotations

import re

_PATRONYMIC_RE = re.compile(
    r"(вич|вна|ична|инична|ильич|кузьмич|лукич|фомич|никитич|саввич|кызы|оглы"
    r"|ovich|ovna|evich|evna)$"
)
_SURNAME_RE = re.compile(
    r"(ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая|ской|ых|их|енко|ук|юк)$"
)
_CYRILLIC_RE = re.compile(r"[а-яё]", re.IGNORECASE)
#: Russian surnames written in Latin letters ("Ivanov Ivan", as a Russian
#: form or sheet puts it); endings an English given name does not have.
_LATIN_SURNAME_RE = re.compile(r"(ov|ova|ev|eva|sky|skiy|skii|skaya|enko)$")
#: Forms of address typed before a name ("Dr. Jane Doe", "г-н Иванов"): not a name.
_TITLES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir",
    "г-н", "г-жа", "господин", "госпожа", "zoti", "zonja", "znj",
}  # fmt: skip
#: Generational and degree suffixes after a name; they stay with the last name.
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"}


def _bare(word):
    return word.casefold().replace(".", "")


def split_full_name(text, *, one_word="auto") -> tuple[str, str, str]:
    """(last, first, middle) of "Иванов Иван Иванович", "John Smith", "Smith, John".

    A single word is a last name if it is Cyrillic, else a first name
    (``one_word="auto"``, as a spreadsheet's "ФИО" column holds it); pass
    ``one_word="first"`` where a lone word is a given name (a web form's
    "Name" field). A form of address before the name ("Dr.", "г-н") is left
    out, and a suffix after it ("Jr.", "III") stays with the last name.
    """
    text = " ".join(str(text or "").replace("\u00a0", " ").split())
    if not text:
        return "", "", ""
    suffix = ""
    words = text.split(" ")
    if len(words) > 2 and _bare(words[-1]) in _SUFFIXES:
        suffix = words.pop()
        words[-1] = words[-1].rstrip(",")
    titled = len(words) > 1 and _bare(words[0]) in _TITLES
    if titled:
        words.pop(0)
    text = " ".join(words)
    if suffix or titled:
        last, first, middle = split_full_name(text, one_word="last")
        return " ".join(filter(None, [last, suffix])), first, middle
    if "," in text:
        last, _sep, rest = text.partition(",")
        first, _sep, middle = rest.strip().partition(" ")
        return last.strip(), first, middle.strip()
    parts = text.split(" ")
    cyrillic = bool(_CYRILLIC_RE.search(text))
    if len(parts) == 1:
        if one_word == "last" or (cyrillic and one_word != "first"):
            return parts[0], "", ""
        return "", parts[0], ""
    lowered = [part.casefold() for part in parts]
    if len(parts) >= 3 and _PATRONYMIC_RE.search(lowered[-1]):
        return parts[0], parts[1], " ".join(parts[2:])
    if len(parts) >= 3 and _PATRONYMIC_RE.search(lowered[1]):
        return " ".join(parts[2:]), parts[0], parts[1]
    if len(parts) == 2 and cyrillic:
        if _SURNAME_RE.search(lowered[1]) and not _SURNAME_RE.search(lowered[0]):
            return parts[1], parts[0], ""
        return parts[0], parts[1], ""
    if len(parts) == 2:
        if _LATIN_SURNAME_RE.search(lowered[0]) and not _LATIN_SURNAME_RE.search(
            lowered[1]
        ):
            return parts[0], parts[1], ""  # "Ivanov Ivan"
        return parts[1], parts[0], ""
    if cyrillic:  # "Фамилия Имя Отчество", the Russian order
        return parts[0], parts[1], " ".join(parts[2:])
    return parts[-1], parts[0], " ".join(parts[1:-1])
