"""Wrapping a compiled ORM query in an outer GROUP BY, for aggregates of aggregates.

The ORM compiles the inner query for the backend in use (dates, time zones), so the outer SQL stays
plain standard SQL and runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet


def fetch_dicts(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def compiled(queryset: QuerySet) -> tuple[str, tuple]:
    return queryset.query.sql_with_params()
