"""Cameras counted by status and charge, check-outs and officers counted, without counting the tables:
what the dashboard's big tiles and the API lists' `count` read.

Counting 30,000 cameras by status on every dashboard request reads the whole table (an index-only
scan is still 30,000 entries), and the API's count of check-outs read all 651,000 of them: the pages
grew with the fleet and its history. Instead, database triggers (migrations inventory kept_counts,
assignments open_checkout_indexes and officer_count) write a row (key, +1 / -1) to `KeptCount`
whenever a camera is added, removed or changes key, or a check-out or an officer is added or removed,
whoever writes it (a service, a bulk import, the demo's COPY), in the same transaction; a count sums
the rows of the keys it wants. The flag sweep folds the rows back into one per key (`recount`, from
the tables themselves, which also mends any drift), so the rows summed are the keys plus the changes
since the last sweep, whatever the size of the fleet.

A check-out counts under "checkouts", and under "checkouts:open" while it is open; an officer, active
or not, under "officers".

A camera's key is its status, except that an available camera's key says what its charge reads
(`charged_condition`): its battery level where telemetry exists ("available:battery:85"), else
whether a full charge was recorded since it came back. "Ready" is then a sum of keys for the current
MIN_CHECKOUT_BATTERY_PERCENT, so changing the setting needs no recount.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from assignments.models import Checkout, Officer

from .lifecycle import CAMERA, CameraStatus
from .models import Camera, KeptCount

AVAILABLE = CameraStatus.AVAILABLE.value
BATTERY_PREFIX = f"{AVAILABLE}:battery:"
CHARGED = f"{AVAILABLE}:charged"
NOT_CHARGED = f"{AVAILABLE}:not_charged"


def key_sql(row: str) -> str:
    """The key of the camera row `row` (NEW, OLD, or a table alias), in SQL both PostgreSQL and SQLite run."""
    return (
        f"CASE WHEN {row}.status <> '{AVAILABLE}' THEN {row}.status"
        f" WHEN {row}.battery_percent IS NOT NULL THEN '{BATTERY_PREFIX}' || CAST({row}.battery_percent AS TEXT)"
        f" WHEN {row}.last_full_charge_at IS NOT NULL AND ({row}.last_returned_at IS NULL"
        f" OR {row}.last_full_charge_at >= {row}.last_returned_at) THEN '{CHARGED}'"
        f" ELSE '{NOT_CHARGED}' END"
    )


# The columns a camera's key reads: an UPDATE of any other column writes no row.
KEY_COLUMNS = ("status", "battery_percent", "last_full_charge_at", "last_returned_at")
# Every check-out, open or returned; the open ones.
CHECKOUTS = "checkouts"
OPEN_CHECKOUTS = "checkouts:open"
OFFICERS = "officers"


def ready_keys() -> list[str]:
    """The keys of the cameras `ready_condition` holds for: available and charged."""
    if tuple(CAMERA.sources("check_out")) != (CameraStatus.AVAILABLE,):
        # Only an available camera's key says what its charge reads.
        raise RuntimeError("The lifecycle lets a camera go out from another status: extend inventory.counts.key_sql.")
    percents = range(settings.MIN_CHECKOUT_BATTERY_PERCENT, 101)
    return [CHARGED, *(f"{BATTERY_PREFIX}{percent}" for percent in percents)]


def status_keys(statuses) -> list[str]:
    """The keys of the cameras in `statuses` (available stands for all its charge keys)."""
    keys = [str(status) for status in statuses if status != AVAILABLE]
    if AVAILABLE in statuses:
        keys += [CHARGED, NOT_CHARGED, *(f"{BATTERY_PREFIX}{percent}" for percent in range(101))]
    return keys


def in_service_keys() -> list[str]:
    return status_keys([status for status in CameraStatus.values if status not in CAMERA.out_of_service])


def all_camera_keys() -> list[str]:
    return status_keys(CameraStatus.values)


def total(keys: list[str]) -> int:
    """The rows with one of `keys`, summed (one query)."""
    sql, params = sum_sql(keys)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return int(cursor.fetchone()[0])


def sum_sql(keys: list[str]) -> tuple[str, list[str]]:
    """A scalar subquery: the cameras with one of `keys` (for a SELECT list), and its parameters."""
    table = connection.ops.quote_name(KeptCount._meta.db_table)
    marks = ", ".join(["%s"] * len(keys))
    return f"(SELECT COALESCE(SUM(n), 0) FROM {table} WHERE key IN ({marks}))", list(keys)


# Any fixed 64-bit number, different from the sweep's and the audit chain's.
RECOUNT_LOCK_KEY = 7_461_022_011


def recount() -> None:
    """One row per key (call it in a transaction), counted from the cameras, check-outs and officers,
    in place of every row (one statement on PostgreSQL: a row changed meanwhile by a transaction not
    yet committed adds its row after, on top of what this counted, which did not see it)."""
    counts = connection.ops.quote_name(KeptCount._meta.db_table)
    cameras = connection.ops.quote_name(Camera._meta.db_table)
    checkouts = connection.ops.quote_name(Checkout._meta.db_table)
    officers = connection.ops.quote_name(Officer._meta.db_table)
    fill = (
        f"SELECT key, n FROM (SELECT {key_sql('c')} AS key, COUNT(*) AS n FROM {cameras} c GROUP BY 1"
        f" UNION ALL SELECT '{CHECKOUTS}', COUNT(*) FROM {checkouts}"
        f" UNION ALL SELECT '{OPEN_CHECKOUTS}', COUNT(*) FROM {checkouts} WHERE checked_in_at IS NULL"
        f" UNION ALL SELECT '{OFFICERS}', COUNT(*) FROM {officers}) AS counted"
        " WHERE n <> 0"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two recounts at once would each delete the rows they saw and add a full count: one at a
            # time (the lock is the transaction's), and the second's statement sees the first's rows.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECOUNT_LOCK_KEY])
            cursor.execute(f"WITH gone AS (DELETE FROM {counts}) INSERT INTO {counts} (key, n) {fill}")
        else:  # SQLite: one writer at a time, the two statements see the same rows
            cursor.execute(f"DELETE FROM {counts}")
            cursor.execute(f"INSERT INTO {counts} (key, n) {fill}")


def counted() -> dict[str, int]:
    """Cameras per key, from the rows (for tests and checks: the dashboard sums only what it shows)."""
    totals: dict[str, int] = {}
    for key, n in KeptCount.objects.values_list("key", "n"):
        totals[key] = totals.get(key, 0) + n
    return {key: n for key, n in totals.items() if n}


def live() -> dict[str, int]:
    """Rows per key counted from the tables now (what `counted` must equal)."""
    cameras = connection.ops.quote_name(Camera._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key_sql('c')}, COUNT(*) FROM {cameras} c GROUP BY 1")
        found = dict(cursor.fetchall())
    found[CHECKOUTS] = Checkout.objects.count()
    found[OPEN_CHECKOUTS] = Checkout.objects.open().count()
    found[OFFICERS] = Officer.objects.count()
    return {key: n for key, n in found.items() if n}


# The check-outs' counting trigger on PostgreSQL (migration assignments 0009_open_checkout_indexes).
CHECKOUT_TRIGGER = "checkout_count"


@contextmanager
def checkouts_counted_at_end() -> Iterator[None]:
    """Count the check-outs written inside the block once, at its end (`recount`), instead of a row
    of KeptCount each (PostgreSQL; call in a transaction, with no check-out writes of others meanwhile:
    the table is locked for the block). For history written in bulk: the demo seed's half a million
    check-outs each ran the trigger and wrote its row. The trigger is disabled for the block only,
    inside the transaction, so no other transaction ever writes without it."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("Call it in a transaction: a failure inside the block must undo the ALTER TABLE too.")
    table = connection.ops.quote_name(Checkout._meta.db_table)
    with connection.cursor() as cursor:
        # A table with checks still queued cannot be altered: run them now, as COMMIT would have.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {CHECKOUT_TRIGGER}")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {CHECKOUT_TRIGGER}")
    recount()
