"""Wrapping a compiled ORM query in an outer GROUP BY, for aggregates of aggregates.

The ORM compiles the inner query for the backend in use (dates, time zones), so the outer SQL stays
plain standard SQL and runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import QuerySet


def fetch_dicts(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# Rows read per round trip when every row of a query is wanted (an export).
CHUNK_ROWS = 2000


def stream_dicts(sql: str, params, convert=None) -> Iterator[dict]:
    """The rows of `sql`, read CHUNK_ROWS at a time (a server-side cursor on PostgreSQL, as
    QuerySet.iterator reads), so an export of every row never holds them all at once."""
    convert = convert or (lambda row: row)
    use_server_cursor = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if use_server_cursor else connection.cursor() as cursor:
        cursor.execute(sql, params)
        names: list[str] | None = None
        while rows := cursor.fetchmany(CHUNK_ROWS):
            # A named cursor describes its columns once the first rows are fetched.
            names = names or [column[0] for column in cursor.description]
            for row in rows:
                yield convert(dict(zip(names, row, strict=True)))


def compiled(queryset: QuerySet) -> tuple[str, tuple]:
    return queryset.query.sql_with_params()


def as_datetime(value) -> datetime | None:
    """A datetime read with raw SQL: aware already on PostgreSQL, text on SQLite (parsed, made aware
    by the backend's own converter)."""
    if value is None or isinstance(value, datetime):
        return value
    # SQLite's backend operations parse it (PostgreSQL's have no such converter: never reached there).
    return connection.ops.convert_datetimefield_value(value, None, connection)  # type: ignore[attr-defined]


def as_timedelta(value) -> timedelta | None:
    """A summed duration read with raw SQL: an interval on PostgreSQL, microseconds on SQLite."""
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(microseconds=int(value))


class LazyRows(Sequence):
    """Rows of an SQL query fetched a page at a time (LIMIT/OFFSET), with a count known in advance.

    django-tables2 paginates it like a list; an export iterates it whole, a chunk at a time.
    """

    def __init__(self, sql: str, params, *, count: int, convert=None) -> None:
        self.sql, self.params, self.length, self.convert = sql, list(params), count, convert or (lambda row: row)
        self.prefetched: tuple[int, int, list[dict]] | None = None

    def prefetch(self, offset: int, limit: int, rows: list[dict]) -> None:
        """Rows `offset` to `offset + limit` already read (converted) by another statement: the page a
        table will ask for, read with the figures it shares a costly subquery with."""
        self.prefetched = (offset, limit, rows)

    def __len__(self) -> int:
        return self.length

    def _fetch(self, limit: int | None = None, offset: int = 0) -> list[dict]:
        if self.length == 0:
            return []  # none to read (a report may then have no statement to give: sql "")
        if limit is not None and self.prefetched is not None:
            start, asked, rows = self.prefetched
            # The same first row, and no more rows wanted than were asked for (fewer came at the end).
            if offset == start and limit <= asked and (len(rows) >= limit or len(rows) < asked):
                return rows[:limit]
        sql, params = self.sql, self.params
        if limit is not None:
            sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset]
        return [self.convert(row) for row in fetch_dicts(sql, params)]

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self.length)
            if step != 1:
                return self._fetch()[key]
            return self._fetch(max(0, stop - start), start)
        rows = self._fetch(1, key if key >= 0 else self.length + key)
        if not rows:
            raise IndexError(key)
        return rows[0]

    def __iter__(self):
        return stream_dicts(self.sql, self.params, self.convert) if self.length else iter(())


class CountedRows(Sequence):
    """A queryset paged with a count another query already read (a total the report shows anyway), so
    a table's paginator does not count its rows again; an export iterates every row."""

    def __init__(self, queryset: QuerySet, count: int) -> None:
        self.queryset, self.length = queryset, count

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, key):
        if isinstance(key, slice):
            return list(self.queryset[key])
        return self.queryset[key]

    def __iter__(self):
        return self.queryset.iterator(chunk_size=CHUNK_ROWS)
