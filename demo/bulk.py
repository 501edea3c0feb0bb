"""Fast inserts of plain rows for the demo seed: COPY on PostgreSQL, bulk_create elsewhere.

A million-row history is built as tuples, not model instances, and streamed to PostgreSQL with
psycopg's `cursor.copy`; on SQLite the rows become model instances and go through bulk_create.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice

from django.db import connection
from django.db.models import Model

BATCH = 5000


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (values in `fields` order; foreign keys by id, e.g. "camera_id") into `model`.

    Columns not named get NULL, so every NOT NULL column must be named. No model `save()`, no
    signals: for generated data whose rules the database enforces anyway.
    """
    attnames = [model._meta.get_field(name).attname for name in fields]
    if connection.vendor == "postgresql":
        return _copy(model, attnames, rows)
    count = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        model.objects.bulk_create([model(**dict(zip(attnames, row, strict=True))) for row in batch])
        count += len(batch)
    return count


# PostgreSQL type names for COPY's binary format, by Django field type (what the seed writes).
_PG_TYPES = {
    "AutoField": "int4",
    "BigAutoField": "int8",
    "BigIntegerField": "int8",
    "IntegerField": "int4",
    "PositiveIntegerField": "int4",
    "SmallIntegerField": "int2",
    "PositiveSmallIntegerField": "int2",
    "BooleanField": "bool",
    "CharField": "text",
    "TextField": "text",
    "DateField": "date",
    "DateTimeField": "timestamptz",
    "DecimalField": "numeric",
}


def _pg_type(field) -> str:
    target = field.target_field if field.is_relation else field
    return _PG_TYPES[target.get_internal_type()]


def _copy(model: type[Model], attnames: list[str], rows: Iterable[Sequence]) -> int:
    # Binary COPY: the server skips parsing text timestamps, the bulk of a checkout row.
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in attnames]
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
    count = 0
    # The raw psycopg cursor bypasses Django's error translation: restore it, so a broken rule is
    # django.db.IntegrityError here as everywhere else.
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        copy.set_types([_pg_type(field) for field in fields])
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


@contextmanager
def foreign_keys_checked_at_end(*models: type[Model]) -> Iterator[None]:
    """Check the foreign keys of `models`' tables once, set-based, for the rows written inside the block
    (PostgreSQL; call in a transaction). Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: every
    row COPYed queues one check per key, run one row at a time at COMMIT (six a check-out, null keys
    included; 20 s of the 30,000-camera seed), and SET CONSTRAINTS ... IMMEDIATE runs the same checks
    sooner. So the constraints are dropped for the block and added again, as pg_restore does: adding
    one checks every row in one join. Same names, same definitions (read from the catalog), and a
    row without its parent still fails, as django.db.IntegrityError, before the transaction commits.
    Elsewhere (SQLite: small fleets) the block runs with its constraints as they are."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("Call it in a transaction: a failure inside the block must undo the ALTER TABLE too.")
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid, conname",
            [tables],
        )
        constraints = cursor.fetchall()
        # A table with checks still queued (the cameras and officers just written) cannot be altered:
        # run them now, as COMMIT would have. Checks of later statements run at each one's end.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        quote = connection.ops.quote_name
        for table, name, _ in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
