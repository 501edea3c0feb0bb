"""Expected return (docs/domain.md): end of shift + 1 h; with no shift, 12 h after check-out. Boundaries, DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from assignments.services import check_out
from assignments.shifts import CHECKOUT_LEAD, expected_return
from hartford_bwc.factories import CameraFactory, OfficerFactory, ShiftFactory

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


@pytest.fixture
def day_officer():
    return OfficerFactory(shift=ShiftFactory(name="Day", starts_at=time(7), ends_at=time(15)))


@pytest.fixture
def midnight_officer():
    return OfficerFactory(shift=ShiftFactory(name="Midnight", starts_at=time(23), ends_at=time(7)))


@pytest.mark.parametrize(
    ("at", "due"),
    [
        # Four hours' lead before the shift is the earliest a camera is taken "for" it.
        (ny(2026, 5, 12, 3, 0), ny(2026, 5, 12, 16, 0)),
        (ny(2026, 5, 12, 6, 58), ny(2026, 5, 12, 16, 0)),
        (ny(2026, 5, 12, 7, 0), ny(2026, 5, 12, 16, 0)),
        (ny(2026, 5, 12, 14, 59), ny(2026, 5, 12, 16, 0)),
        # Outside the window the officer is off duty: the 12 h rule.
        (ny(2026, 5, 12, 2, 59), ny(2026, 5, 12, 14, 59)),
        (ny(2026, 5, 12, 15, 0), ny(2026, 5, 13, 3, 0)),
    ],
)
def test_day_shift_boundaries(day_officer, at, due):
    assert expected_return(day_officer, at) == due


@pytest.mark.parametrize(
    ("at", "due"),
    [
        (ny(2026, 5, 11, 19, 0), ny(2026, 5, 12, 8, 0)),  # exactly the lead before 23:00
        (ny(2026, 5, 11, 22, 50), ny(2026, 5, 12, 8, 0)),
        (ny(2026, 5, 11, 23, 30), ny(2026, 5, 12, 8, 0)),
        (ny(2026, 5, 12, 2, 0), ny(2026, 5, 12, 8, 0)),  # after midnight: the shift that began yesterday
        (ny(2026, 5, 12, 6, 59), ny(2026, 5, 12, 8, 0)),
        (ny(2026, 5, 12, 7, 0), ny(2026, 5, 12, 19, 0)),  # shift over: 12 h rule
        (ny(2026, 5, 11, 18, 59), ny(2026, 5, 12, 6, 59)),  # too early for tonight's shift
    ],
)
def test_overnight_shift_boundaries(midnight_officer, at, due):
    assert expected_return(midnight_officer, at) == due


@pytest.mark.parametrize("at", [ny(2026, 5, 12, 6, 58), ny(2026, 11, 29, 23, 59), datetime(2026, 1, 1, tzinfo=UTC)])
def test_no_shift_is_twelve_hours(at):
    officer = OfficerFactory(shift=None)
    assert expected_return(officer, at) == at + timedelta(hours=12)


def test_grace_and_no_shift_hours_are_settings(settings, day_officer):
    settings.EXPECTED_RETURN_GRACE_MINUTES = 30
    settings.EXPECTED_RETURN_WITHOUT_SHIFT_HOURS = 10
    assert expected_return(day_officer, ny(2026, 5, 12, 7, 0)) == ny(2026, 5, 12, 15, 30)
    assert expected_return(OfficerFactory(), ny(2026, 5, 12, 7, 0)) == ny(2026, 5, 12, 17, 0)


def test_lead_is_four_hours():
    assert timedelta(hours=4) == CHECKOUT_LEAD


# --- DST in America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST ----


def test_overnight_shift_across_spring_forward_ends_at_local_seven(midnight_officer):
    out = ny(2026, 3, 7, 22, 50)  # EST, UTC-5
    due = expected_return(midnight_officer, out)
    assert due == ny(2026, 3, 8, 8, 0)
    assert due.astimezone(UTC) == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # EDT, UTC-4
    assert due.astimezone(UTC) - out.astimezone(UTC) == timedelta(hours=8, minutes=10), "an hour shorter than usual"


def test_overnight_shift_across_fall_back_ends_at_local_seven(midnight_officer):
    out = ny(2026, 10, 31, 22, 50)  # EDT
    due = expected_return(midnight_officer, out)
    assert due.astimezone(UTC) == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)  # 08:00 EST
    assert due.astimezone(UTC) - out.astimezone(UTC) == timedelta(hours=10, minutes=10)


def test_no_shift_across_spring_forward_is_twelve_elapsed_hours():
    out = ny(2026, 3, 7, 20, 0)
    due = expected_return(OfficerFactory(), out)
    assert due.astimezone(UTC) - out.astimezone(UTC) == timedelta(hours=12)
    assert due.astimezone(NY).replace(tzinfo=None) == datetime(2026, 3, 8, 9, 0)  # the wall clock shows 13 h


def test_day_shift_lead_on_the_spring_forward_day(day_officer):
    # 07:00 EDT less four elapsed hours is 07:00 UTC: 03:00 EDT, since 02:00-03:00 does not exist.
    assert expected_return(day_officer, ny(2026, 3, 8, 1, 59)) == datetime(2026, 3, 8, 18, 59, tzinfo=UTC)
    assert expected_return(day_officer, ny(2026, 3, 8, 3, 0)) == ny(2026, 3, 8, 16, 0)


def test_check_out_uses_the_frozen_clock_for_due_back(midnight_officer, system_actor):
    camera = CameraFactory(last_full_charge_at=datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    with time_machine.travel(ny(2026, 3, 7, 22, 50), tick=False):
        checkout = check_out(camera=camera, officer=midnight_officer, by=system_actor)
    assert checkout.checked_out_at == ny(2026, 3, 7, 22, 50)
    assert checkout.due_back_at == ny(2026, 3, 8, 8, 0)
