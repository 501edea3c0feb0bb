"""One INSERT for any number of new rows: the sweep's flags and the audit events it writes for them.

`bulk_create` prepares every value through its field in Python and, on PostgreSQL, psycopg writes
each column as an array element by element: at 100,000 cameras (7,700 flags and as many events) that
was a third of the first sweep (issue 11). Here the rows travel as one JSON document, which `json`
writes in C and `jsonb_populate_recordset` reads into the table's own row type, so PostgreSQL
converts the values with the column types it already knows, in one statement however many rows.
SQLite keeps `bulk_create` (its limit on variables splits the INSERT there).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models

M = TypeVar("M", bound=models.Model)

# Values a field's `get_prep_value` would return unchanged (an enum's member is a str, a foreign key's
# attname holds the id): sent as they are. Dates and times go as ISO text with every microsecond
# (DjangoJSONEncoder would cut them to milliseconds, and an audit event's hash covers all of them).
_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.JSONField,
)


def _iso(value: date | time | None) -> str | None:
    return None if value is None else value.isoformat()


def _converter(field: models.Field) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField) and field.encoder not in (None, DjangoJSONEncoder):
        raise TypeError(f"{field} has its own JSON encoder: insert it with bulk_create.")
    if isinstance(field, models.DateTimeField | models.DateField | models.TimeField):
        return lambda value: _iso(field.get_prep_value(value)) if isinstance(value, datetime) else _iso(value)
    if isinstance(field, _AS_IS):
        return lambda value: value
    return field.get_prep_value


def insert_all(objs: Sequence[M]) -> list[M]:
    """Insert these new instances (all of one model, primary keys unset) and set their primary keys.

    The ids come back sorted: the rows are read from the document in its order and take their ids
    from the sequence as they are inserted, so the nth smallest id is the nth instance's (the
    assumption `bulk_create` makes of RETURNING too, without the sort).
    """
    if not objs:
        return []
    model = type(objs[0])
    connection = connections[model.objects.db]
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs)
    meta = model._meta
    if any(type(obj) is not model for obj in objs) or not meta.pk.db_returning:
        raise TypeError("insert_all takes new instances of one model whose primary key the database numbers.")
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    # The document's keys are the columns' names, which jsonb_populate_recordset matches.
    converters = [(field.column, field.attname, _converter(field)) for field in fields]
    stamped = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    rows = []
    for obj in objs:
        for field in stamped:
            field.pre_save(obj, add=True)
        rows.append({column: convert(getattr(obj, attname)) for column, attname, convert in converters})
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} "  # names quoted; the values are one parameter
            f"FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) RETURNING {pk}",
            [json.dumps(rows, cls=DjangoJSONEncoder)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value
        obj._state.adding, obj._state.db = False, connection.alias
    return list(objs)
