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
from django_tables2.data import TableListData

from assignments import tallies
from assignments.models import Checkout, DutyAssignment
from hartford_bwc import spreadsheet
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from inventory.models import Camera
from reports.forms import Period
from reports.selectors import compliance, counted, coverage, exemptions, utilization
from reports.tables import CameraUtilizationTable, OffenderTable

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
    reference = utilization.per_camera_from_checkouts(period, NOW)
    counted_rows = utilization.per_camera(period, NOW)
    assert len(counted_rows) == len(reference)
    assert list(counted_rows) == reference
    # The page a table shows is ordered and cut in the database: the first and the last page.
    assert counted_rows[0:5] == reference[0:5]
    last = max(0, len(reference) - 5)
    assert counted_rows[last : len(reference)] == reference[last:]
    # Per model summed in the database over the same per-camera rows, tail correction included.
    by_model = utilization.per_model(period, NOW, reference)
    assert utilization.per_model(period, NOW) == by_model
    # ...and read with a page of cameras in one statement (the page the table shows): pages 1 and N.
    models, cameras = utilization.models_and_cameras(period, NOW, offset=0, limit=5)
    assert (models, len(cameras), cameras[0:5]) == (by_model, len(reference), reference[0:5])
    models, cameras = utilization.models_and_cameras(period, NOW, offset=last, limit=5)
    assert (models, cameras[last : len(reference)]) == (by_model, reference[last:])
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
    assert list(utilization.per_camera(period, NOW)) == utilization.per_camera_from_checkouts(period, NOW)
    assert utilization.per_model(period, NOW) == utilization.per_model(
        period, NOW, utilization.per_camera_from_checkouts(period, NOW)
    )


@pytest.mark.parametrize("most", [True, False], ids=["totals less the rest", "the range's day rows"])
@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_compliance_from_the_counts_is_the_compliance_from_the_check_outs(history, period, most):
    exempt = exemptions.exemptions(period)
    not_docked = compliance.not_docked_by_officer(period, NOW, exempt)
    reference = compliance.by_officer_from_checkouts(period, NOW, not_docked, exempt)
    officers = compliance.by_officer(period, NOW, exempt, most)
    assert len(officers) == len(reference)
    assert list(officers) == reference
    # The page a table shows is ordered and cut in the database: the first and the last page.
    assert officers[0:5] == reference[0:5]
    last = max(0, len(reference) - 5)
    assert officers[last : len(reference)] == reference[last:]
    assert officers.repeat == sum(1 for row in reference if row["repeat"])
    # ...and the page the table shows read with those counts in one query: pages 1 and N, and past the end.
    for offset in (0, last, len(reference) + 5):
        page = compliance.by_officer(period, NOW, exempt, most, offset=offset, limit=5)
        assert (len(page), page.repeat) == (len(officers), officers.repeat)
        assert page[offset : min(offset + 5, len(reference))] == reference[offset : offset + 5]
    # Undocked returns per unit summed in the database, the same as from the reference's rows.
    units = compliance.by_unit(period, NOW, exempt, most)
    assert units == compliance.by_unit_from_checkouts(period, NOW, not_docked, exempt)
    if date(2026, 2, 1) <= period.end <= NOW.date():
        assert any(row["late"] for row in reference), "late returns are in the comparison"
        assert any(row["overdue"] for row in reference), "overdue check-outs are in the comparison"
        assert any(row["not_docked"] for row in reference), "undocked returns are in the comparison"
        assert any(row["returns"] for row in units)
    if period.start <= date(2026, 2, 10) and period.end >= date(2026, 2, 25):
        assert exempt, "exempt officers are in the comparison"


@pytest.mark.parametrize("most", [True, False], ids=["totals less the rest", "the range's rows"])
@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_coverage_from_the_kept_shift_days_is_the_coverage_from_the_check_outs(history, period, most):
    exempt = exemptions.exemptions(period)
    missed = coverage.missed_by_officer(period, NOW, exempt, most=most)
    reference = coverage.missed_by_officer(period, NOW, exempt, from_checkouts=True)
    assert list(missed) == list(reference)
    assert missed.per_unit == reference.per_unit
    assert coverage.units(period, missed, most=most) == coverage.units(period, reference, from_checkouts=True)
    # (Over 731 days, 4 months of history make no weekday a working day: nothing is missed.)
    if 14 <= period.days <= 200 and date(2026, 2, 1) <= period.end <= NOW.date():
        assert missed, "shifts worked without a camera are in the comparison"


def test_cameras_used_equally_long_are_ordered_by_asset_tag_a_page_at_a_time(fleet):
    """Ties in hours are broken by asset tag in code-point order (capitals before small letters,
    "A-10" before "A-9"), as the reference sorts in Python, whatever the database's collation; the
    page a table asks for is cut in the database, the last page short."""
    tags = ["b-1", "B-2", "a-3", "A-10", "A-9"]
    officer = OfficerFactory()
    for tag in tags:
        out = at(date(2026, 2, 21), 9)  # a Saturday nobody else took a camera
        Checkout.objects.create(
            camera=CameraFactory(asset_tag=tag),
            officer=officer,
            checked_out_at=out,
            due_back_at=out + timedelta(hours=9),
            checked_in_at=out + timedelta(hours=8),
            condition="working",
        )
    tallies.rebuild()
    period = Period(date(2026, 2, 21), date(2026, 2, 21))

    rows = utilization.per_camera(period, NOW)

    assert [row["asset_tag"] for row in rows] == ["A-10", "A-9", "B-2", "a-3", "b-1"]
    assert list(rows) == utilization.per_camera_from_checkouts(period, NOW)
    assert len(rows) == 5
    assert [row["asset_tag"] for row in rows[0:2]] == ["A-10", "A-9"]
    assert [row["asset_tag"] for row in rows[4:6]] == ["b-1"]
    assert rows[4]["in_use"] == timedelta(hours=8)
    _, page_two = utilization.models_and_cameras(period, NOW, offset=2, limit=2)
    assert [row["asset_tag"] for row in page_two[2:4]] == ["B-2", "a-3"]
    _, last_page = utilization.models_and_cameras(period, NOW, offset=4, limit=2)
    assert [row["asset_tag"] for row in last_page[4:5]] == ["b-1"]


@pytest.mark.parametrize("days", [1, 7, 30, 120])
def test_idle_cameras_are_the_available_ones_nobody_took_since_the_cutoff(history, days):
    """The idle cameras, longest idle first (never taken first, then by last check-out, then by asset
    tag), are exactly the available cameras with no check-out taken in the last `days` days."""
    cutoff = NOW - timedelta(days=days)
    last_out: dict = {}
    for camera_id, out in Checkout.objects.values_list("camera_id", "checked_out_at"):
        last_out[camera_id] = max(out, last_out.get(camera_id, out))
    expected = sorted(
        (
            camera
            for camera in Camera.objects.filter(status=Camera.Status.AVAILABLE)
            if last_out.get(camera.pk) is None or last_out[camera.pk] < cutoff
        ),
        key=lambda camera: (last_out.get(camera.pk) is not None, last_out.get(camera.pk) or NOW, camera.asset_tag),
    )

    idle = utilization.idle(days, NOW)

    assert [(camera.asset_tag, camera.last_checkout) for camera in idle] == [
        (camera.asset_tag, last_out.get(camera.pk)) for camera in expected
    ]
    assert idle.count() == len(expected)
    if days == 1:
        assert any(camera.last_checkout for camera in idle), "cameras taken before the cutoff are in the comparison"


@pytest.mark.parametrize("period", [PERIODS[0], PERIODS[2], PERIODS[3]], ids=str)
def test_the_long_tables_export_what_django_tables2_would_write(history, period):
    """The cameras and the offenders are exported without a bound row per cell (export_rows): the same
    columns and values, row for row, as the table's own as_values()."""
    exempt = exemptions.exemptions(period)
    tables = [
        CameraUtilizationTable(TableListData(utilization.per_camera(period, NOW))),
        OffenderTable(TableListData(compliance.by_officer(period, NOW, exempt))),
    ]
    for table in tables:
        names, rows = table.export_rows(table.data.data)
        headers, *expected = table.as_values()
        assert list(names) == [column.name for column in spreadsheet.exported_columns(table)]
        assert [list(row) for row in rows] == [list(row) for row in expected]
        if period.end <= NOW.date():
            assert expected, f"{type(table).__name__} has rows to compare"


def test_offenders_with_the_same_total_and_name_are_ordered_by_badge_a_page_at_a_time(fleet):
    """Equal totals are ordered by last name, first name, then badge (code-point order), in the
    database as in the reference; a page of one officer shows the next one by badge."""
    for badge in ("9020", "9003", "9010"):
        officer = OfficerFactory(badge_number=badge, first_name="Sam", last_name="Quist")
        out = at(date(2026, 2, 21), 9)  # a Saturday nobody else took a camera
        Checkout.objects.create(
            camera=CameraFactory(),
            officer=officer,
            checked_out_at=out,
            due_back_at=out + timedelta(hours=9),
            checked_in_at=out + timedelta(hours=10),  # an hour late
            condition="working",
        )
    tallies.rebuild()
    period = Period(date(2026, 2, 21), date(2026, 2, 21))
    exempt = exemptions.exemptions(period)
    reference = compliance.by_officer_from_checkouts(period, NOW, compliance.not_docked_by_officer(period, NOW, exempt))

    officers = compliance.by_officer(period, NOW, exempt)

    assert [row["badge"] for row in officers if row["last_name"] == "Quist"] == ["9003", "9010", "9020"]
    assert list(officers) == reference
    quists = [n for n, row in enumerate(reference) if row["last_name"] == "Quist"]
    page = compliance.by_officer(period, NOW, exempt, offset=quists[1], limit=1)
    assert [row["badge"] for row in page[quists[1] : quists[1] + 1]] == ["9010"]


@pytest.mark.parametrize("page", ["2", "-1", "x", "9" * 30])
def test_a_page_past_the_last_or_no_page_at_all_shows_a_page_of_the_table(fleet, supervisor_client, page):
    """The page read with the per-model sums is the one the address asks for; a page past the last,
    a negative one, a word or a number past any integer the database takes show the page the
    paginator settles on (the last, or the first), not an error."""
    response = supervisor_client.get(
        "/reports/utilization/",
        {"start": "2026-02-16", "end": "2026-03-01", "cameras-page": page, "cameras-per_page": "1"},
    )
    assert response.status_code == 200
    shown = [row.record["asset_tag"] for row in response.context["tables"]["cameras"].page.object_list]
    assert shown == (["C1"] if page == "x" else ["C5"])  # C1 most used first; C5 last of two
    response = supervisor_client.get(
        "/reports/compliance/",
        {"start": "2026-02-16", "end": "2026-03-04", "officers-page": page, "officers-per_page": "1"},
    )
    assert response.status_code == 200
    assert len(response.context["tables"]["officers"].page.object_list) == 1
