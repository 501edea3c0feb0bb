"""A fixed-window failure counter, shared by the limits on sign-in per kiosk and per staff address.

A row with `failures`, `window_started_at` and `locked_until`, locked by the caller (select_for_update)
so concurrent attempts count one after another.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def count_failure_in_window(row, *, now: datetime, limit: int, window: timedelta, lockout: timedelta) -> bool:
    """One more failure on `row`; True when it reaches `limit` within `window` and locks for `lockout`.

    A failure after the window has passed starts a fresh count; a lock starts the next count afresh.
    """
    if row.window_started_at is None or row.window_started_at <= now - window:
        row.window_started_at, row.failures = now, 0
    row.failures += 1
    locked = row.failures >= limit
    if locked:
        row.locked_until = now + lockout
        row.failures, row.window_started_at = 0, None
    row.save(update_fields=["failures", "window_started_at", "locked_until"])
    return locked
