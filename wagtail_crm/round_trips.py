"""Several statements in one round trip to PostgreSQL.

A captured form post sends a few small statements one after the other (the
form's submission, the match-key locks, the contact candidates); on
PostgreSQL each costs a round trip to the server, which is most of what it
costs. With psycopg's client-side binding — Django's default for psycopg 3 —
one ``execute()`` may carry several statements separated by ``;``: PostgreSQL
runs them in order, each with its own snapshot (READ COMMITTED), exactly as if
they had been sent one by one, and the results come back together.

Elsewhere (SQLite, psycopg 2, ``"server_side_binding": True``) the
statements are sent one by one; callers get the same results either way.
"""

from functools import cache


@cache
def _client_cursor_class():
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg 2 only
        return None
    return psycopg.ClientCursor


def can_batch(connection):
    """Does one ``execute()`` on ``connection`` carry several statements?"""
    if connection.vendor != "postgresql":
        return False
    client_cursor = _client_cursor_class()
    if client_cursor is None:  # pragma: no cover - psycopg 2 only
        return False
    connection.ensure_connection()
    factory = getattr(connection.connection, "cursor_factory", None)
    return isinstance(factory, type) and issubclass(factory, client_cursor)


def run_statements(connection, statements):
    """Run ``statements`` (``(sql, params)`` pairs, None for none) in order;
    return the rows of each (``fetchall()``; None where it was None)."""
    todo = [(index, part) for index, part in enumerate(statements) if part]
    results = [None] * len(statements)
    if not todo:
        return results
    with connection.cursor() as cursor:
        if len(todo) > 1 and can_batch(connection):
            sql = "; ".join(part[0] for _index, part in todo)
            params = [param for _index, part in todo for param in part[1]]
            cursor.execute(sql, params)
            for number, (index, _part) in enumerate(todo):
                if number:
                    cursor.cursor.nextset()
                results[index] = cursor.fetchall()
        else:
            for index, (sql, params) in todo:
                cursor.execute(sql, params)
                results[index] = cursor.fetchall()
    return results
