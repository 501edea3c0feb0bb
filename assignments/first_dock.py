"""Checkout.first_docked_at for history written in bulk (the demo seed, the benchmarks' datasets).

One set-based statement: every check-in and every dock record of a camera on one timeline, newest
first, and a running MIN of the dock times gives each check-in the first dock at or after it. The
migration that added the column runs its own frozen copy of this statement; the services keep the
column in step one dock record at a time (inventory.services.record_charge).
"""

from __future__ import annotations

from django.db import connection, transaction

# At equal times the dock record sorts first (it precedes the check-in in the DESC order), so a dock
# recorded at the check-in's very moment counts, as "recorded_at >= checked_in_at" did.
FILL_SQL = """
UPDATE assignments_checkout SET first_docked_at = next_dock.docked_at
FROM (
    SELECT checkout_id, docked_at FROM (
        SELECT checkout_id,
               MIN(dock_at) OVER (PARTITION BY camera_id ORDER BY at DESC, is_checkout ROWS UNBOUNDED PRECEDING)
                   AS docked_at
        FROM (
            SELECT camera_id, checked_in_at AS at, 1 AS is_checkout, id AS checkout_id, NULL AS dock_at
            FROM assignments_checkout WHERE checked_in_at IS NOT NULL
            UNION ALL
            SELECT camera_id, recorded_at, 0, NULL, recorded_at
            FROM inventory_chargeevent WHERE kind = 'docked'
        ) timeline
    ) walked
    WHERE checkout_id IS NOT NULL AND docked_at IS NOT NULL
) next_dock
WHERE assignments_checkout.id = next_dock.checkout_id
  AND assignments_checkout.first_docked_at IS DISTINCT FROM next_dock.docked_at
"""


def fill_first_docked_at() -> int:
    """Set every returned check-out's first dock time from the dock records; the rows changed."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sort of every check-in and dock record fits in memory instead of spilling to disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(FILL_SQL)
        return cursor.rowcount
