"""Lists of keys and column values sent to PostgreSQL as one text parameter.

psycopg adapts a list parameter element by element in Python (with Django's
default client-side binding, quoting each string with a regular expression).
For the thousands of keys an import batch looks up and the columns it inserts
that was about a third of the importing process's CPU time on PostgreSQL.
Joined into one string with a separator a value does not hold and split by
the server (``string_to_array``), the same list costs one ``str.join``.

A list that cannot travel this way (a value holding the separator or the NULL
marker, a value that is neither text nor a number, a single empty string) is
sent as a plain list parameter, as before.
"""

from __future__ import annotations

SEPARATOR = "\x1f"  # ASCII "unit separator"
NULL = "\x1e"  # ASCII "record separator": an element that stands for NULL

_SPLIT = "string_to_array(%s, E'\\x1f', E'\\x1e')"


def array_param(values, sql_type: str):
    """``(SQL expression, parameter)``: ``values`` as a PostgreSQL ``sql_type[]``.

    ``sql_type`` is a type name without length (``varchar``, ``integer``…).
    """
    texts = []
    nulls = 0
    for value in values:
        kind = type(value)
        if kind is str:
            texts.append(value)
        elif value is None:
            texts.append(NULL)
            nulls += 1
        elif kind is int:
            texts.append(str(value))
        else:  # bool, dates, JSON adapters...: let psycopg adapt them
            return f"(%s)::{sql_type}[]", list(values)
    joined = SEPARATOR.join(texts)
    if (
        joined.count(SEPARATOR) != max(len(texts) - 1, 0)
        or joined.count(NULL) != nulls
        or texts == [""]  # would come back as an empty array
    ):
        return f"(%s)::{sql_type}[]", list(values)
    return f"{_SPLIT}::{sql_type}[]", joined
