"""When a camera is expected back: the end of the officer's shift plus a grace period (docs/domain.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Officer, Shift

# How early before the shift starts an officer may take a camera for it.
CHECKOUT_LEAD = timedelta(hours=4)


def shift_day_offset(shift: Shift) -> timedelta:
    """How far a shift day's check-outs are moved from local midnight: the shift's start less the lead."""
    return timedelta(hours=shift.starts_at.hour, minutes=shift.starts_at.minute) - CHECKOUT_LEAD


def shift_day(shift: Shift, at: datetime):
    """The shift day a check-out at `at` was taken for: the local date of (at - shift start + lead).

    The hours are elapsed hours (subtracted in UTC), as everywhere a shift's bounds are worked out.
    """
    return timezone.localdate(at.astimezone(UTC) - shift_day_offset(shift))


def shift_window(shift: Shift, day) -> tuple[datetime, datetime]:
    """The aware start and end of `shift` starting on local date `day`."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, shift.starts_at), tz)
    end_day = day + timedelta(days=1) if shift.ends_at <= shift.starts_at else day
    end = timezone.make_aware(datetime.combine(end_day, shift.ends_at), tz)
    return start, end


def current_or_next_shift(shift: Shift, at: datetime) -> tuple[datetime, datetime] | None:
    """The shift the officer is on at `at`, or the one about to start; None when off duty."""
    local_day = timezone.localtime(at).date()
    for offset in (-1, 0, 1):
        start, end = shift_window(shift, local_day + timedelta(days=offset))
        if start - CHECKOUT_LEAD <= at < end:
            return start, end
    return None


def expected_return(officer: Officer, at: datetime) -> datetime:
    # Hours are elapsed hours: adding a timedelta to a local-zone datetime would add wall-clock
    # time instead, an hour off across a DST change.
    window = current_or_next_shift(officer.shift, at) if officer.shift_id else None
    if window is None:
        return at.astimezone(UTC) + timedelta(hours=settings.EXPECTED_RETURN_WITHOUT_SHIFT_HOURS)
    return window[1].astimezone(UTC) + timedelta(minutes=settings.EXPECTED_RETURN_GRACE_MINUTES)
