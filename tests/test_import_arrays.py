"""Lists sent to PostgreSQL as one joined string come back exactly."""

import datetime

import pytest
from django.db import connection

from wagtail_crm.importing.arrays import NULL, SEPARATOR, array_param

CASES = [
    (["a", "", None, "b'\"\\", "ü", "O'Brien; DROP TABLE x"], "varchar"),
    (["Иванов", "Петров\nнабережная, 1", "tab\there"], "text"),
    ([1, None, 3, 2**40], "bigint"),
    ([], "varchar"),
    ([""], "varchar"),
    ([None], "integer"),
    ([f"x{SEPARATOR}y", "z"], "varchar"),
    ([NULL, None], "text"),
    ([True, False], "boolean"),
    ([datetime.date(2026, 11, 27)], "date"),
]


@pytest.mark.parametrize(("values", "sql_type"), CASES)
def test_which_lists_travel_joined(values, sql_type):
    expression, param = array_param(values, sql_type)
    joinable = (
        all(type(v) in (str, int) or v is None for v in values)
        and not any(
            isinstance(v, str) and (SEPARATOR in v or NULL in v) for v in values
        )
        and values != [""]
    )
    assert isinstance(param, str) == joinable
    assert expression.endswith(f"::{sql_type}[]")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL arrays")
@pytest.mark.django_db
@pytest.mark.parametrize(("values", "sql_type"), CASES)
def test_round_trip_through_postgresql(values, sql_type):
    expression, param = array_param(values, sql_type)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expression}", [param])
        assert cursor.fetchone()[0] == values
