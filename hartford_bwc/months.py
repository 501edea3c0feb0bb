"""Calendar-month arithmetic for the refresh cycle (the sweep's rule and the maintenance report)."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier, when negative), clamped to the month's end.

    Aug 31 - 6 months is Feb 28 (29 in a leap year).
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))
