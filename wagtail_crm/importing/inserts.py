"""Lean multi-row INSERTs for the import writer.

``bulk_create()`` builds a model instance per row and compiles every field of
every row (``pre_save``, ``get_db_prep_save``, placeholders): most of the time
of a large import went there. An import batch inserts rows whose columns are
either the same for the whole batch (owner, timestamps, field defaults) or
plain strings and ids, so this module prepares the constant columns once,
through the fields' own ``get_db_prep_save()``, and sends the varying ones as
they are. The statement is the one ``bulk_create()`` sends: ``INSERT ...
VALUES (...), (...) RETURNING id``, whose rows come back in insert order on
SQLite (3.35+) and PostgreSQL, as Django itself relies on.
"""

from __future__ import annotations

from django.db import connections, router

from ..lean_insert import passes_as_is
from .arrays import array_param


class RowInserter:
    """Inserts rows of ``model`` given as dicts of the ``varying`` columns.

    ``constants`` maps attribute names (``owner_id``, ``created_at``…) to a
    value shared by every row; any other concrete field gets its default.
    """

    def __init__(self, model, varying, constants):
        self.model = model
        self.db = router.db_for_write(model)
        connection = connections[self.db]
        self.connection = connection
        fields = [
            field for field in model._meta.concrete_fields if not field.primary_key
        ]
        self.fields = fields
        by_name = {field.attname: field for field in fields}
        self.varying = [by_name[name] for name in varying if name in by_name]
        # Values of these types go to the database as they are, exactly as
        # the field's get_db_prep_save() would send them (None: always
        # prepared).
        self.plain = [passes_as_is(field) for field in self.varying]
        missing = set(varying) - {field.attname for field in self.varying}
        if missing:
            raise ValueError(f"{model.__name__} has no columns {sorted(missing)}")
        self.constant = []
        for field in fields:
            if field.attname in varying:
                continue
            if field.attname in constants:
                value = constants[field.attname]
            else:
                value = field.get_default()
            self.constant.append(field.get_db_prep_save(value, connection))
        quote = connection.ops.quote_name
        columns = [*self.varying, *(f for f in fields if f.attname not in varying)]
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(field.column) for field in columns)
        self.placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
        pk = model._meta.pk
        self.returning = f"RETURNING {self.table}.{quote(pk.column)}"
        self.chunk = max(1, connection.ops.bulk_batch_size(fields, [None] * 1000))
        self.postgresql = connection.vendor == "postgresql"
        if self.postgresql:
            # One array per varying column, as bulk_create() sends on
            # PostgreSQL (far fewer parameters and a cheaper plan than VALUES),
            # each sent as one string (see ``arrays``); the constant columns
            # once each. Types without their length, so nothing is truncated.
            self.types = [
                field.db_type(connection).split("(")[0] for field in self.varying
            ]
            self.constant_sql = ", ".join(
                "%s::{}".format(field.db_type(connection).split("(")[0])
                for field in columns[len(self.varying) :]
            )

    @classmethod
    def supported(cls, model) -> bool:
        connection = connections[router.db_for_write(model)]
        return connection.features.can_return_rows_from_bulk_insert

    def _params(self, values):
        params = []
        for field, plain in zip(self.varying, self.plain, strict=True):
            value = values.get(field.attname)
            if value is not None and type(value) is not plain:
                value = field.get_db_prep_save(value, self.connection)
            params.append(value)
        params.extend(self.constant)
        return params

    def _statement(self, chunk, prepared=False):
        if self.postgresql:
            return self._unnest_statement(chunk, prepared)
        if prepared:
            constant = self.constant
            rows = [[*values, *constant] for values in chunk]
        else:
            rows = [self._params(values) for values in chunk]
        sql = (
            f"INSERT INTO {self.table} ({self.columns}) VALUES "
            + ", ".join([self.placeholder] * len(chunk))
            + f" {self.returning}"
        )
        return sql, [param for row in rows for param in row]

    def _unnest_statement(self, chunk, prepared):
        width = len(self.varying)
        if not prepared:
            chunk = [self._params(values)[:width] for values in chunk]
        arrays, params = [], []
        for column, sql_type in zip(zip(*chunk, strict=True), self.types, strict=True):
            expression, param = array_param(column, sql_type)
            arrays.append(expression)
            params.append(param)
        constants = f", {self.constant_sql}" if self.constant_sql else ""
        sql = (
            f"INSERT INTO {self.table} ({self.columns}) "
            f"SELECT batch.*{constants} FROM UNNEST({', '.join(arrays)}) AS batch "
            f"{self.returning}"
        )
        return sql, [*self.constant, *params]  # the constants come first in the SQL

    def insert(self, rows, *, prepared=False) -> list[int]:
        """Insert ``rows``; return their new pks, in the same order.

        Rows are dicts of the varying columns, or with ``prepared=True``
        sequences of them in the order given to the constructor, holding only
        ``str``, ``int`` and ``None`` (sent as they are, unchecked).
        """
        pks = []
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), self.chunk):
                chunk = rows[start : start + self.chunk]
                cursor.execute(*self._statement(chunk, prepared))
                returned = cursor.fetchall()
                if len(returned) != len(chunk):
                    raise RuntimeError("INSERT returned fewer rows than it wrote")
                pks.extend(row[0] for row in returned)
        return pks
