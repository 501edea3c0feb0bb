"""Cameras counted by status and charge without counting the fleet: what the dashboard's big tiles read.

Counting 30,000 cameras by status on every dashboard request reads the whole table (an index-only
scan is still 30,000 entries): the page grew with the fleet. Instead, database triggers (migration
inventory camera_counts) write a row (key, +1 / -1) to `CameraCount` whenever a camera is added,
removed or changes key, whoever writes it (a service, a bulk import, the demo's COPY), and the
dashboard sums the rows of the keys it wants. The flag sweep folds the rows back into one per key
(`recount`, from the cameras themselves, which also mends any drift), so the rows summed are the
keys plus the changes since the last sweep, whatever the size of the fleet.

A camera's key is its status, except that an available camera's key says what its charge reads
(`charged_condition`): its battery level where telemetry exists ("available:battery:85"), else
whether a full charge was recorded since it came back. "Ready" is then a sum of keys for the current
MIN_CHECKOUT_BATTERY_PERCENT, so changing the setting needs no recount.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from .lifecycle import CAMERA, CameraStatus
from .models import Camera, CameraCount

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


def sum_sql(keys: list[str]) -> tuple[str, list[str]]:
    """A scalar subquery: the cameras with one of `keys` (for a SELECT list), and its parameters."""
    table = connection.ops.quote_name(CameraCount._meta.db_table)
    marks = ", ".join(["%s"] * len(keys))
    return f"(SELECT COALESCE(SUM(n), 0) FROM {table} WHERE key IN ({marks}))", list(keys)


def recount() -> None:
    """One row per key, counted from the cameras, in place of every row (one statement on PostgreSQL:
    a camera changed meanwhile adds its row after, on top of what this counted)."""
    counts = connection.ops.quote_name(CameraCount._meta.db_table)
    cameras = connection.ops.quote_name(Camera._meta.db_table)
    fill = f"SELECT {key_sql('c')}, COUNT(*) FROM {cameras} c GROUP BY 1"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH gone AS (DELETE FROM {counts}) INSERT INTO {counts} (key, n) {fill}")
        else:  # SQLite: one writer at a time, the two statements see the same cameras
            cursor.execute(f"DELETE FROM {counts}")
            cursor.execute(f"INSERT INTO {counts} (key, n) {fill}")


def counted() -> dict[str, int]:
    """Cameras per key, from the rows (for tests and checks: the dashboard sums only what it shows)."""
    totals: dict[str, int] = {}
    for key, n in CameraCount.objects.values_list("key", "n"):
        totals[key] = totals.get(key, 0) + n
    return {key: n for key, n in totals.items() if n}


def live() -> dict[str, int]:
    """Cameras per key counted from the cameras now (what `counted` must equal)."""
    cameras = connection.ops.quote_name(Camera._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key_sql('c')}, COUNT(*) FROM {cameras} c GROUP BY 1")
        return dict(cursor.fetchall())
