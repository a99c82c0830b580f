"""New rows written with one lean INSERT each, without ``Model.save()``.

A form post that captures a lead writes a contact, its phone and the lead.
``save()`` costs more than the INSERT it sends (``ClusterableModel.save()``
walks the child relations of a card that has none yet; every field is
compiled again on every call). These helpers send what ``save()`` would send —
every concrete field's ``pre_save()`` and ``get_db_prep_save()`` — with a
statement built once per model, and on PostgreSQL write a card and the rows
that point to it in one statement (one round trip instead of three).

``insert_instance()`` and ``insert_linked()`` send no signals and run no custom
``save()``: the caller does what those would (``Contact.set_keys()``, the index
update). ``create_instance()`` and the ``signals`` of ``insert_linked()`` send
``pre_save``/``post_save`` as ``save()`` does.
"""

from django.db import connections, models, router
from django.db.models.signals import post_save, pre_save

_STATEMENTS = {}
#: Django's own text fields: a str value goes to the database as it is.
PLAIN_TEXT_FIELDS = {
    models.CharField,
    models.TextField,
    models.EmailField,
    models.URLField,
    models.SlugField,
}
#: Django's own integer and boolean fields: an int (a bool) goes as it is.
_PLAIN_NUMBER_FIELDS = {
    models.AutoField: int,
    models.BigAutoField: int,
    models.SmallAutoField: int,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.BooleanField: bool,
}


_UNSET = object()


def passes_as_is(field):
    """The Python type whose values ``field`` sends unchanged (what
    ``get_db_prep_save()`` would return for them), or None: Django's own
    text, integer and boolean fields, and foreign keys to an integer key whose
    class keeps Django's preparation (``ParentalKey`` and the like)."""
    if type(field).pre_save is not models.Field.pre_save:
        return None  # auto_now and the like: pre_save() must run
    if type(field) in PLAIN_TEXT_FIELDS:
        return str
    if (
        isinstance(field, models.ForeignKey)
        and type(field).get_db_prep_save is models.ForeignKey.get_db_prep_save
        and type(field).get_db_prep_value is models.ForeignKey.get_db_prep_value
    ):
        field = field.target_field
    return _PLAIN_NUMBER_FIELDS.get(type(field))


class _Statement:
    """The INSERT of one row of a model, and how to prepare its values."""

    def __init__(self, model, connection):
        meta = model._meta
        # All but an auto-incremented pk, as save() sends them.
        self.fields = [
            field for field in meta.concrete_fields if field is not meta.auto_field
        ]
        # (attname, type whose values are sent as they are, or None).
        self.plain = [(field.attname, passes_as_is(field)) for field in self.fields]
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.columns = [quote(field.column) for field in self.fields]
        self.pk_column = quote(meta.pk.column)
        self.sql = (
            f"INSERT INTO {self.table} ({', '.join(self.columns)}) "
            f"VALUES ({', '.join(['%s'] * len(self.fields))}) "
            f"RETURNING {self.table}.{self.pk_column}"
        )

    def params(self, instance, connection):
        params = []
        values = instance.__dict__
        for field, (attname, plain) in zip(self.fields, self.plain, strict=True):
            if plain is not None:
                value = values.get(attname, _UNSET)
                if value is None or type(value) is plain:
                    params.append(value)
                    continue
            value = field.pre_save(instance, True)
            params.append(field.get_db_prep_save(value, connection))
        return params


def _statement(model, db):
    """The :class:`_Statement` of ``model`` on ``db``, or None where ``save()``
    must write the row (no RETURNING, inherited, generated or database-default
    columns). Kept per model and database."""
    key = (model, db)
    if key not in _STATEMENTS:
        connection = connections[db]
        meta = model._meta
        fields = meta.concrete_fields
        lean = (
            connection.features.can_return_rows_from_bulk_insert
            and not meta.parents
            and not any(getattr(field, "generated", False) for field in fields)
            and not any(field.has_db_default() for field in fields)
        )
        _STATEMENTS[key] = _Statement(model, connection) if lean else None
    return _STATEMENTS[key]


def _mark_saved(instance, pk, db):
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = db


def insert_instance(instance) -> bool:
    """INSERT the new ``instance`` in one lean statement, without ``save()``.

    Every concrete field gets what ``save()`` would write (``pre_save()`` —
    auto_now timestamps and the like — then ``get_db_prep_save()``), and the
    instance gets its pk and is marked saved. No ``pre_save``/``post_save``
    signal is sent and no custom ``save()`` runs. Returns True; False when
    the model or database needs ``save()``, which then saved the instance.
    """
    model = type(instance)
    db = router.db_for_write(model, instance=instance)
    statement = _statement(model, db)
    if statement is None:
        instance.save(force_insert=True, using=db)
        return False
    _insert_returning(instance, statement, connections[db], db)
    return True


def _insert_returning(instance, statement, connection, db, also=None):
    """The lean INSERT of ``instance``; returns the value of ``also`` (a
    scalar subquery returned beside the new pk), or :data:`NOT_RUN`."""
    sql, params = statement.sql, statement.params(instance, connection)
    if also:
        sql = f"{sql}, ({also[0]})"
        params.extend(also[1])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    _mark_saved(instance, row[0], db)
    return row[1] if also else NOT_RUN


def pending_insert(instance):
    """``(sql, params)`` of the lean INSERT of the new ``instance`` (returning
    its pk), for a caller that sends it together with other statements (see
    :mod:`wagtail_crm.round_trips`) and then calls :func:`inserted`; None
    where ``save()`` must write it. Sends ``pre_save``, as ``save()`` does."""
    model = type(instance)
    db = router.db_for_write(model, instance=instance)
    statement = _statement(model, db)
    if statement is None:
        return None
    _send(pre_save, instance, db)
    return statement.sql, statement.params(instance, connections[db])


def inserted(instance, pk):
    """``instance``, whose :func:`pending_insert` statement returned ``pk``,
    is saved: it gets its pk, and ``post_save`` is sent."""
    db = router.db_for_write(type(instance), instance=instance)
    _mark_saved(instance, pk, db)
    _send(post_save, instance, db, created=True)


def _send(signal, instance, db, **extra):
    """``pre_save``/``post_save`` of a new row, as ``save()`` sends them."""
    signal.send(
        sender=type(instance),
        instance=instance,
        raw=False,
        using=db,
        update_fields=None,
        **extra,
    )


#: What :func:`insert_linked` returns when it did not run ``also``.
NOT_RUN = object()


def create_instance(instance, *, also=None):
    """Save the new ``instance`` as ``save()`` would, signals included, with
    the lean INSERT of :func:`insert_instance`: for models whose ``save()``
    does nothing but write the row. ``also``: see :func:`insert_linked`."""
    return insert_linked(None, [(instance, None)], signals=[instance], also=also)


def insert_linked(parent, children, *, signals=(), also=None):
    """INSERT the new ``parent`` (or None) and the new ``children``.

    ``children`` are ``(instance, attname)`` pairs: the child's foreign key
    ``attname`` (``"contact_id"``…) gets the parent's new pk; with ``None`` the
    child is written as it is. The instances in ``signals`` get ``pre_save``
    before anything is written and ``post_save`` after, as ``save()`` sends
    them. On PostgreSQL everything is one statement (data-modifying CTEs);
    elsewhere one INSERT each, the parent first.

    ``also``: ``(sql, params)`` of a scalar subquery run by the same statement
    (on PostgreSQL the one statement; elsewhere the last INSERT returns it
    beside its pk): a statement saved. Returns its value, or :data:`NOT_RUN`
    when the rows had to be saved with ``save()``.
    """
    instances = [child for child, _attname in children]
    if parent is not None:
        instances.insert(0, parent)
    db = router.db_for_write(type(instances[0]), instance=instances[0])
    statements = [_statement(type(instance), db) for instance in instances]
    if None in statements or any(
        router.db_for_write(type(instance), instance=instance) != db
        for instance in instances
    ):
        _save_each(parent, children, signals)
        return NOT_RUN
    for instance in signals:
        _send(pre_save, instance, db)
    connection = connections[db]
    result = NOT_RUN
    if connection.vendor == "postgresql" and (len(instances) > 1 or also):
        result = _insert_in_one_statement(
            parent, children, statements, connection, db, also
        )
    else:  # lean INSERTs, the parent first; the last one runs ``also``
        rows = [(parent, None)] if parent is not None else []
        rows.extend(children)
        for index, (instance, attname) in enumerate(rows):
            if attname:
                setattr(instance, attname, parent.pk)
            last = index == len(rows) - 1
            result = _insert_returning(
                instance, statements[index], connection, db, also if last else None
            )
    for instance in signals:
        _send(post_save, instance, db, created=True)
    return result


def _save_each(parent, children, signals):
    """One row at a time, the parent first: ``save()`` for the instances in
    ``signals``, the lean INSERT for the others."""
    if parent is not None:
        _save_one(parent, signals)
    for child, attname in children:
        if attname:
            setattr(child, attname, parent.pk)
        _save_one(child, signals)


def _save_one(instance, signals):
    if instance in signals:
        instance.save(force_insert=True)  # sends its own signals
    else:
        insert_instance(instance)


def _insert_in_one_statement(parent, children, statements, connection, db, also):
    """``WITH p AS (INSERT … RETURNING id), c1 AS (INSERT … VALUES (…,
    (SELECT id FROM p)) RETURNING id), … SELECT`` the new pks (and ``also``);
    returns the value of ``also``, or :data:`NOT_RUN`."""
    parts, params, names = [], [], []
    offset = 0
    if parent is not None:
        statement = statements[0]
        parts.append(f"p AS ({statement.sql})")
        params.extend(statement.params(parent, connection))
        names.append("p")
        offset = 1
    for number, (child, attname) in enumerate(children):
        statement = statements[offset + number]
        values = statement.params(child, connection)
        marks = ["%s"] * len(values)
        if attname:
            index = next(
                i
                for i, field in enumerate(statement.fields)
                if field.attname == attname
            )
            marks[index] = f"(SELECT p.{statements[0].pk_column} FROM p)"
            del values[index]
        name = f"c{number}"
        columns = ", ".join(statement.columns)
        parts.append(
            f"{name} AS (INSERT INTO {statement.table} ({columns}) "
            f"VALUES ({', '.join(marks)}) RETURNING {statement.pk_column})"
        )
        params.extend(values)
        names.append(name)
    selects = [f"(SELECT * FROM {name})" for name in names]
    if also:
        selects.append(f"({also[0]})")
        params.extend(also[1])
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {', '.join(selects)}", params)
        pks = cursor.fetchone()
    extra = NOT_RUN
    if also:
        *pks, extra = pks
    if parent is not None:
        _mark_saved(parent, pks[0], db)
    for pk, (child, attname) in zip(pks[offset:], children, strict=True):
        if attname:
            setattr(child, attname, parent.pk)
        _mark_saved(child, pk, db)
    return extra
