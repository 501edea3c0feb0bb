"""Reports read from the check-outs counted per day (assignments.CheckoutDay / CheckoutHour) and from the
shift days kept per officer (CheckoutShiftDay / CheckoutShiftDayTotal: coverage) say exactly what they
said when they read every check-out of their range (the `..._from_checkouts` selectors, kept
as the reference): on the hand-built fleet grown with months of history that crosses local midnight,
the DST changes and the range's own ends, with check-outs still out, returned late, returned after the
range's end, and officers exempt from wearing a camera (only required shifts count)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from assignments import tallies
from assignments.models import Checkout, DutyAssignment
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from reports.forms import Period
from reports.selectors import compliance, counted, coverage, exemptions, utilization

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

PERIODS = [
    Period.last_days(7, today=NOW.date()),  # compliance's and utilization's default
    Period.last_days(14, today=NOW.date()),  # coverage's default
    Period.last_days(731, today=NOW.date()),  # the widest range allowed
    Period(date(2026, 2, 16), date(2026, 2, 20)),  # ends in the past: check-outs back after its end
    Period(date(2026, 3, 8), date(2026, 3, 8)),  # a single day, when the clocks go forward (future: nothing)
    Period(date(2025, 11, 1), date(2026, 2, 28)),  # across the fall-back and the year's end
    Period(date(2026, 1, 31), date(2026, 3, 1)),
]


@pytest.fixture
def history(fleet):
    """Four months of shifts for 24 more officers on both shifts: some check-outs a minute either side of
    local midnight and of the shift-day bounds, late returns, returns days later, a few still out, and
    camera exemptions (open-ended and dated) over part of the range."""
    rng = random.Random(11)
    approver = UserFactory()
    shifts = list(fleet.shifts.values())
    for n in range(24):
        shift = shifts[n % 2]
        officer = OfficerFactory(shift=shift, unit=list(fleet.units.values())[n % 2])
        camera = CameraFactory()
        working = set(rng.sample(range(7), 4 + n % 3))
        day = date(2025, 10, 20)
        while day < NOW.date():
            if day.weekday() in working and rng.random() > 0.15:
                kind = rng.random()
                if kind < 0.1:  # a minute before local midnight, or a minute after it
                    out = at(day, 23, 59) if rng.random() < 0.5 else at(day, 0, 1)
                elif kind < 0.2:  # on the shift day's bound (start - 4 h lead) and a minute before it
                    out = at(day, shift.starts_at.hour - 4, 0) - timedelta(minutes=rng.choice([0, 1]))
                else:
                    out = at(day, shift.starts_at.hour - 1, rng.randrange(60))
                held = timedelta(hours=8, minutes=rng.randrange(120))
                if rng.random() < 0.05:
                    held += timedelta(days=rng.randrange(1, 4))  # back days later
                back = out + held
                Checkout.objects.create(
                    camera=camera,
                    officer=officer,
                    checked_out_at=out,
                    due_back_at=out + timedelta(hours=9, minutes=30),
                    checked_in_at=back if back < NOW else None,
                    condition="working" if back < NOW else "",
                )
                if back >= NOW:
                    break  # still out: this officer's history ends here
            day += timedelta(days=1)
        if n % 5 == 0:
            DutyAssignment.objects.create(
                officer=officer,
                kind=DutyAssignment.EXEMPT_KINDS[n % len(DutyAssignment.EXEMPT_KINDS)],
                starts_on=date(2026, 2, 10) - timedelta(days=n),
                ends_on=None if n % 2 else date(2026, 2, 25),
                reason="Assignment",
                approved_by=approver,
            )
    tallies.rebuild()
    return fleet


@pytest.mark.parametrize("most", [True, False], ids=["totals less the rest", "the range's day rows"])
@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_utilization_from_the_counts_is_the_utilization_from_the_check_outs(history, period, most, monkeypatch):
    monkeypatch.setattr(counted, "range_is_most_of_history", lambda period: most)
    counted_rows = utilization.per_camera(period, NOW)
    assert counted_rows == utilization.per_camera_from_checkouts(period, NOW)
    assert utilization.per_model(period, NOW, counted_rows) == utilization.per_model(
        period, NOW, utilization.per_camera_from_checkouts(period, NOW)
    )
    assert utilization.per_day_and_hour(period) == utilization.per_day_and_hour_from_checkouts(period)
    if date(2026, 2, 1) <= period.end <= NOW.date():
        assert counted_rows, "the range has check-outs: the comparison is not of two empty lists"


def test_a_range_ending_in_the_past_cuts_the_check_outs_back_after_its_end(history):
    period = PERIODS[3]
    late = Checkout.objects.filter(
        checked_out_at__gte=period.since, checked_out_at__lt=period.until, checked_in_at__gt=period.until
    )
    assert late.exists(), "the history has check-outs back after this range's end"
    assert not counted.range_is_most_of_history(period)
    assert counted.range_is_most_of_history(PERIODS[2])  # the widest range holds the whole history
    assert utilization.per_camera(period, NOW) == utilization.per_camera_from_checkouts(period, NOW)


@pytest.mark.parametrize("most", [True, False], ids=["totals less the rest", "the range's day rows"])
@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_compliance_from_the_counts_is_the_compliance_from_the_check_outs(history, period, most):
    exempt = exemptions.exemptions(period)
    not_docked = compliance.not_docked_by_officer(period, NOW, exempt)
    officers = compliance.by_officer(period, NOW, not_docked, exempt, most)
    assert officers == compliance.by_officer_from_checkouts(period, NOW, not_docked, exempt)
    units = compliance.by_unit(period, NOW, not_docked, exempt, most)
    assert units == compliance.by_unit_from_checkouts(period, NOW, not_docked, exempt)
    if date(2026, 2, 1) <= period.end <= NOW.date():
        assert any(row["late"] for row in officers), "late returns are in the comparison"
        assert any(row["overdue"] for row in officers), "overdue check-outs are in the comparison"
        assert any(row["returns"] for row in units)
    if period.start <= date(2026, 2, 10) and period.end >= date(2026, 2, 25):
        assert exempt, "exempt officers are in the comparison"


@pytest.mark.parametrize("most", [True, False], ids=["totals less the rest", "the range's rows"])
@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_coverage_from_the_kept_shift_days_is_the_coverage_from_the_check_outs(history, period, most):
    exempt = exemptions.exemptions(period)
    missed = coverage.missed_by_officer(period, NOW, exempt, most=most)
    assert missed == coverage.missed_by_officer(period, NOW, exempt, from_checkouts=True)
    assert coverage.units(period, missed) == coverage.units(period, missed, from_checkouts=True)
    # (Over 731 days, 4 months of history make no weekday a working day: nothing is missed.)
    if 14 <= period.days <= 200 and date(2026, 2, 1) <= period.end <= NOW.date():
        assert missed, "shifts worked without a camera are in the comparison"
