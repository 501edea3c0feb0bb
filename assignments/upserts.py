"""Counting statements the kept counts share (assignments.tallies, assignments.shift_days): add to a
row or insert it in one statement, and insert the rows of a grouped query without fetching them."""

from __future__ import annotations

from typing import cast

from django.db import connection
from django.db.models import Field, Model


def _field(model: type[Model], name: str) -> Field:
    return cast(Field, model._meta.get_field(name))


def upsert(
    model: type[Model], key: dict, values: dict, *, add: tuple = (), least: tuple = (), greatest: tuple = ()
) -> None:
    """Insert the row at `key` with `values`, or, when it exists, add `add`'s values to its columns and
    keep the least / greatest of `least` / `greatest`: one statement (ON CONFLICT DO UPDATE, PostgreSQL
    and SQLite alike), the row locked by the database, so concurrent additions all count."""
    quote, table = connection.ops.quote_name, model._meta.db_table
    fields = {**key, **values}
    columns = [quote(_field(model, name).column) for name in fields]
    params = [_field(model, name).get_db_prep_value(value, connection) for name, value in fields.items()]
    lo, hi = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")

    def column(name: str) -> str:
        return quote(_field(model, name).column)

    sets = [f"{column(n)} = {quote(table)}.{column(n)} + EXCLUDED.{column(n)}" for n in add]
    sets += [f"{column(n)} = {lo}({quote(table)}.{column(n)}, EXCLUDED.{column(n)})" for n in least]
    # COALESCE: SQLite's MAX() of a NULL is NULL (PostgreSQL's GREATEST skips it).
    sets += [
        f"{column(n)} = {hi}(COALESCE({quote(table)}.{column(n)}, EXCLUDED.{column(n)}), EXCLUDED.{column(n)})"
        for n in greatest
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
            f" ON CONFLICT ({', '.join(column(n) for n in key)}) DO UPDATE SET {', '.join(sets)}",
            params,
        )


def insert_select(table: str, queryset, columns: dict[str, str]) -> int:
    """INSERT INTO `table` SELECT the rows of `queryset` (a values() query), each selected name into the
    column `columns` maps it to: one statement, nothing fetched. The rows written."""
    query = queryset.query
    # Selected by name from the compiled query: its column order is the ORM's to choose.
    names = [*query.values_select, *query.annotation_select]
    sql, params = query.sql_with_params()
    target = ", ".join(connection.ops.quote_name(columns[name]) for name in names)
    sources = ", ".join(connection.ops.quote_name(name) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(table)} ({target}) SELECT {sources} FROM ({sql}) counted", params
        )
        return cursor.rowcount
