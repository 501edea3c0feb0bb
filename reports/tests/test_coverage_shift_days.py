"""Shifts worked without a camera: the database's count against the definition worked out in Python.

The report finds each check-out's shift day by comparing its time with precomputed bounds, never by
converting it to local time; these tests hold it to the definition (coverage module docstring) on
check-outs placed at the bounds, across both daylight-saving changes and over a range long enough
to need more than one bitmask per officer; and so is each way of reading the shift days worked (the
check-outs, the rows kept per officer), before and after an officer's or a shift's hours change.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from assignments import tallies
from assignments.models import Checkout, DutyAssignment, Officer, Shift, Unit
from assignments.services import save_shift, update_officer
from assignments.shifts import CHECKOUT_LEAD, shift_window
from audit.actor import Actor
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from reports.forms import MAX_RANGE_DAYS, Period
from reports.selectors import coverage, exemptions

from .conftest import NY

pytestmark = pytest.mark.django_db

# Each way of reading the shift days worked: the check-outs (the reference), and the rows kept per
# officer, read in range or as all-time counts less the rows outside it.
WAYS = [{"from_checkouts": True}, {"most": False}, {"most": True}]

HISTORY_START = date(2026, 2, 20)
HISTORY_DAYS = 280
# The widest range allowed, holding the whole history; its shifts after "now" (2026-11-20) are still
# to come, so the history's weekly pattern still makes working days.
WIDEST = (HISTORY_START, HISTORY_START + timedelta(days=MAX_RANGE_DAYS - 1))


def _expected(period: Period, now: datetime) -> dict[str, int]:
    """Missed shifts per badge, straight from the definition."""
    worked = defaultdict(set)
    for checkout in Checkout.objects.select_related("officer__shift").filter(officer__is_active=True):
        shift = checkout.officer.shift
        if shift is None:
            continue
        moved = checkout.checked_out_at.astimezone(UTC) - timedelta(
            hours=shift.starts_at.hour, minutes=shift.starts_at.minute
        )
        day = (moved + CHECKOUT_LEAD).astimezone(NY).date()
        if period.start <= day <= period.end:
            worked[(checkout.officer, day.isoweekday())].add(day)
    missed = defaultdict(int)
    for (officer, weekday), days in worked.items():
        occ = sum(
            1
            for n in range(period.days)
            if (day := period.start + timedelta(days=n)).isoweekday() == weekday
            and shift_window(officer.shift, day)[1] <= now
        )
        if 2 * len(days) >= occ > len(days):
            missed[officer.badge_number] += occ - len(days)
    return dict(missed)


@pytest.fixture
def history():
    """Officers on three shifts (one overnight) who skip some days, with check-outs on and near the bounds."""
    rng = random.Random(6)
    shifts = [
        Shift.objects.create(name="Day", starts_at=time(7), ends_at=time(15)),
        Shift.objects.create(name="Evening", starts_at=time(15), ends_at=time(23)),
        Shift.objects.create(name="Midnight", starts_at=time(23), ends_at=time(7)),
    ]
    for n in range(9):
        shift = shifts[n % 3]
        officer = OfficerFactory(badge_number=str(500 + n), shift=shift)
        camera = CameraFactory()
        offset = timedelta(hours=shift.starts_at.hour) - CHECKOUT_LEAD
        working = set(rng.sample(range(7), 4 + n % 3))
        for d in range(HISTORY_DAYS):
            day = HISTORY_START + timedelta(days=d)
            if day.weekday() not in working or rng.random() < 0.2:
                continue
            bound = timezone.make_aware(datetime.combine(day, time.min), NY).astimezone(UTC) + offset
            # On the bound itself, a minute before it (the previous shift day), or a usual time.
            for out in rng.sample([bound, bound - timedelta(minutes=1), bound + timedelta(hours=3, minutes=50)], 2):
                Checkout.objects.create(
                    camera=camera,
                    officer=officer,
                    checked_out_at=out,
                    due_back_at=out + timedelta(hours=13),
                    checked_in_at=out + timedelta(minutes=30),
                    condition="working",
                )
    tallies.rebuild()  # written directly, not through the services that count check-outs


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 3, 1), date(2026, 3, 21)),  # clocks go forward on March 8
        (date(2026, 10, 19), date(2026, 11, 8)),  # and back on November 1
        (date(2026, 3, 8), date(2026, 3, 21)),  # starting on a DST change
        (date(2026, 10, 19), date(2026, 11, 1)),  # ending on one
        (date(2026, 2, 24), date(2026, 6, 30)),  # 127 days: three bitmasks per officer
        (date(2026, 4, 6), date(2026, 4, 6)),  # a single day
        WIDEST,
    ],
)
def test_missed_shifts_match_the_definition(history, start, end):
    period = Period(start=start, end=end)
    now = timezone.make_aware(datetime(2026, 11, 20, 12), NY)
    expected = _expected(period, now)

    for ways in WAYS:
        found = {row["badge"]: row["missed"] for row in coverage.missed_by_officer(period, now, **ways)}
        assert found == expected, ways
    if end - start > timedelta(days=7):
        assert expected, "the history must leave some shifts without a camera"


def test_shifts_still_to_come_are_not_counted_missed(history):
    period = Period(start=date(2026, 3, 1), end=date(2026, 3, 21))
    now = timezone.make_aware(datetime(2026, 3, 12, 12), NY)

    for ways in WAYS:
        found = {row["badge"]: row["missed"] for row in coverage.missed_by_officer(period, now, **ways)}
        assert found == _expected(period, now), ways


def test_each_checkouts_shift_day_is_worked_out_once_whatever_the_range():
    # The shift day is a comparison with one bound per day of the range. Worked out once per
    # check-out, its bounds appear once in the query; evaluated per bitmask (12 at 731 days) and per
    # use inside it, they appeared 36 times, and the widest range took 3.3 s of CPU at 30,000 cameras.
    # The shift days kept per officer carry their day: no bound at all.
    shift = Shift.objects.create(name="Day", starts_at=time(7), ends_at=time(15))
    period = Period(start=date(2025, 1, 1), end=date(2026, 12, 31))
    day_one_starts = coverage._shift_day_start(period.start + timedelta(days=1), shift)

    now = timezone.make_aware(datetime(2027, 1, 5), NY)
    # PostgreSQL receives the bounds as one array; SQLite as one (naive UTC text) parameter per comparison.
    as_text = day_one_starts.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")

    def uses(params) -> int:
        return sum(1 for p in params if p in (day_one_starts, as_text) or (isinstance(p, list) and day_one_starts in p))

    assert uses(coverage._missed_per_officer_sql(period, now, from_checkouts=True)[1]) == 1
    assert uses(coverage._missed_per_officer_sql(period, now, most=True)[1]) == 0
    assert uses(coverage._missed_per_officer_sql(period, now, most=False)[1]) == 0


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 3, 1), date(2026, 3, 21)),  # across the spring DST change
        (date(2026, 10, 19), date(2026, 11, 8)),  # and the fall one
        WIDEST,
    ],
)
def test_an_officer_moved_to_another_shift_and_a_shift_moved_are_counted_with_their_shift_today(history, start, end):
    period = Period(start=start, end=end)
    now = timezone.make_aware(datetime(2026, 11, 20, 12), NY)
    by = Actor.system_process("tests")
    before = list(coverage.missed_by_officer(period, now, from_checkouts=True))

    # Officer 500 moves from Day to Midnight (each check-out's shift day moves back a day or not at
    # all); the Evening shift starts an hour later (its check-outs on the old bound move a day back).
    update_officer(officer=Officer.objects.get(badge_number="500"), by=by, shift=Shift.objects.get(name="Midnight"))
    evening = Shift.objects.get(name="Evening")
    evening.starts_at = time(16)
    save_shift(shift=evening, fields=["starts_at"], by=by)

    expected = _expected(period, now)
    for ways in WAYS:
        found = {row["badge"]: row["missed"] for row in coverage.missed_by_officer(period, now, **ways)}
        assert found == expected, ways
    assert expected, "the history must leave some shifts without a camera"
    assert list(coverage.missed_by_officer(period, now, from_checkouts=True)) != before, "the changes moved shift days"


# Four weeks (no DST change), from Monday Feb 2 to Sunday Mar 1, 2026, all ended by "now" (the frozen clock).
FOUR_WEEKS = Period(start=date(2026, 2, 2), end=date(2026, 3, 1))
# (badge, first name, last name, unit, the (week, weekday) of the range's weekdays skipped, shifts missed):
# one weekday skipped once of four is a shift missed; twice, two (still half worked); three times is no
# working day at all. Ties in shifts missed are broken by last name, first name, then badge.
ROSTER = [
    ("601", "Ann", "Baker", "Patrol", [(0, 0), (1, 1)], 2),
    ("602", "Ann", "Baker", "Patrol", [(2, 0), (3, 2)], 2),  # Ann Baker's namesake: by badge
    ("603", "Zoe", "Baker", "Traffic", [(0, 3), (1, 4)], 2),
    ("604", "Cal", "Adams", None, [(0, 0), (2, 0)], 2),  # no unit
    ("605", "Dee", "Young", None, [(0, 0), (1, 1), (2, 2)], 3),
    ("606", "Eve", "Stone", "Traffic", [(3, 4)], 1),
    ("607", "Fay", "Stone", "Patrol", [(0, 1)], 1),
    ("608", "Gus", "Moore", "Traffic", [(0, 0), (1, 0), (0, 1), (1, 1)], 4),
    ("609", "Hal", "Moore", "Patrol", [(0, 0), (1, 1), (2, 2), (3, 3)], 4),
    ("610", "Ivy", "Moore", None, [(1, 2)], 1),
    ("611", "Jon", "Adams", "Traffic", [(0, 1), (3, 1)], 2),
    ("612", "Kim", "Adams", "Traffic", [(0, 4)], 1),
    ("613", "Lee", "Baker", "Patrol", [(1, 3)], 1),
    ("614", "Mia", "Baker", "Patrol", [(0, 0), (1, 0), (2, 0)], 0),  # Mondays no longer a working day
    ("615", "Ned", "Clark", "Patrol", [], 0),  # never missed one
    # Exempt on Monday Feb 9 (its one Monday skipped): only Wednesday's skip counts.
    ("616", "Oda", "Clark", "Traffic", [(1, 0), (2, 2)], 1),
    ("617", "Pam", "Clark", "Patrol", [(0, 0), (1, 1)], 0),  # exempt throughout the range
]


@pytest.fixture
def roster(frozen):
    day_shift = Shift.objects.create(name="Day", starts_at=time(7), ends_at=time(15))
    units = {name: Unit.objects.create(name=name) for name in ("Patrol", "Traffic")}
    for badge, first, last, unit, skipped, _ in ROSTER:
        officer = OfficerFactory(
            badge_number=badge, first_name=first, last_name=last, unit=units.get(unit), shift=day_shift
        )
        camera = CameraFactory()
        for week in range(4):
            for weekday in range(5):
                if (week, weekday) in skipped:
                    continue
                out = timezone.make_aware(datetime.combine(FOUR_WEEKS.start, time(6, 50)), NY) + timedelta(
                    days=7 * week + weekday
                )
                Checkout.objects.create(
                    camera=camera,
                    officer=officer,
                    checked_out_at=out,
                    due_back_at=out + timedelta(hours=9),
                    checked_in_at=out + timedelta(hours=8),
                    condition="working",
                )
    approver = UserFactory()
    for badge, starts_on, ends_on in (("616", date(2026, 2, 9), date(2026, 2, 9)), ("617", date(2026, 1, 1), None)):
        DutyAssignment.objects.create(
            officer=Officer.objects.get(badge_number=badge),
            kind=DutyAssignment.EXEMPT_KINDS[0],
            starts_on=starts_on,
            ends_on=ends_on,
            reason="Assignment",
            approved_by=approver,
        )
    tallies.rebuild()  # written directly, not through the services that count check-outs


def _in_order(rows) -> list[dict]:
    return sorted(rows, key=lambda row: (-row["missed"], row["last_name"], row["first_name"], row["badge"]))


def test_the_officers_paged_in_the_database_are_the_reference_in_order_with_their_unit_sums(roster):
    now = timezone.now()
    exempt = exemptions.exemptions(FOUR_WEEKS)
    reference = _in_order(coverage.missed_by_officer(FOUR_WEEKS, now, exempt, from_checkouts=True))
    assert {row["badge"]: row["missed"] for row in reference} == {
        badge: missed for badge, *_, missed in ROSTER if missed
    }
    per_unit: dict = defaultdict(lambda: {"missed": 0, "officers": 0})
    for row in reference:
        per_unit[row["unit_id"]]["missed"] += row["missed"]
        per_unit[row["unit_id"]]["officers"] += 1

    for ways in WAYS:
        missed = coverage.missed_by_officer(FOUR_WEEKS, now, exempt, **ways)
        assert len(missed) == len(reference) == 14, ways
        assert list(missed) == reference, ways  # an export: every row, in order
        assert missed.per_unit == dict(per_unit), ways
        # Every page of five, read with the sums in one statement or asked for after it.
        for offset in (0, 5, 10, 15):
            page = coverage.missed_by_officer(FOUR_WEEKS, now, exempt, **ways, offset=offset, limit=5)
            assert (len(page), page.per_unit) == (len(reference), dict(per_unit)), (ways, offset)
            assert page[offset : offset + 5] == reference[offset : offset + 5], (ways, offset)
            assert missed[offset : offset + 5] == reference[offset : offset + 5], (ways, offset)
        by_name: dict = defaultdict(lambda: (0, 0))
        for row in reference:
            shifts, officers = by_name[row["unit"] or "No unit"]
            by_name[row["unit"] or "No unit"] = (shifts + row["missed"], officers + 1)
        units = coverage.units(FOUR_WEEKS, missed)
        assert {row["unit"]: (row["missed_shifts"], row["officers_missing"]) for row in units} == by_name, ways
        assert by_name["No unit"] == (6, 3)


def test_the_coverage_page_shows_the_page_asked_for_and_exports_every_officer(
    roster, supervisor_client, django_assert_num_queries
):
    reference = _in_order(
        coverage.missed_by_officer(FOUR_WEEKS, timezone.now(), exemptions.exemptions(FOUR_WEEKS), from_checkouts=True)
    )
    url = "/reports/coverage/?start=2026-02-02&end=2026-03-01&officers-per_page=5"
    supervisor_client.get(url)  # the session's refresh after sign-in is not the page's cost
    with django_assert_num_queries(10) as first:
        page = supervisor_client.get(url)
    for number in (2, 3):
        # The same queries for any page: the page asked for is read with the sums per unit.
        with django_assert_num_queries(len(first)):
            later = supervisor_client.get(f"{url}&officers-page={number}")
        shown = [row.record["badge"] for row in later.context["tables"]["officers"].paginated_rows]
        assert shown == [row["badge"] for row in reference[5 * (number - 1) : 5 * number]]
    assert [row.record["badge"] for row in page.context["tables"]["officers"].paginated_rows] == [
        row["badge"] for row in reference[:5]
    ]
    assert page.context["total"]["missed_shifts"] == sum(row["missed"] for row in reference) == 27
    # A page past the last shows the last one (read when the paginator asks for it).
    past = supervisor_client.get(f"{url}&officers-page=99")
    assert [row.record["badge"] for row in past.context["tables"]["officers"].paginated_rows] == [
        row["badge"] for row in reference[10:]
    ]

    export = supervisor_client.get(f"{url}&_export=csv&_table=officers")
    body = b"".join(export.streaming_content if export.streaming else [export.content]).decode("utf-8-sig")
    lines = body.splitlines()
    assert len(lines) == 1 + len(reference)
    assert [line.split(",")[0] for line in lines[1:]] == [row["badge"] for row in reference]


def _relations_in_subplans(node: dict, inside: bool = False) -> set[str]:
    """The tables a plan reads inside a SubPlan (run once per row of its parent)."""
    found = {node["Relation Name"]} if inside and "Relation Name" in node else set()
    for child in node.get("Plans", []):
        found |= _relations_in_subplans(child, inside or child.get("Parent Relationship") == "SubPlan")
    return found


@pytest.mark.postgres
@requires_postgres()
@pytest.mark.parametrize("most", [True, False], ids=["totals less the rest", "the range's day rows"])
def test_the_officers_who_took_a_camera_are_read_once_not_probed_per_officer(roster, most):
    # 38,000 probes of the per-day counts' index, one per officer on a shift, were 0.4-0.7 s of the
    # page at 10 M check-outs; a join reads them once.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        sql, params = coverage.units_sql(FOUR_WEEKS, most=most)
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]
    assert not {"assignments_checkoutday", "assignments_checkouttotal"} & _relations_in_subplans(plan)
