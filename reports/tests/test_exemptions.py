"""Compliance and coverage count only the shifts where a camera was required: on the hand-built fleet
(conftest), E1 (Ann Evans) holds an undercover exemption from Tuesday Feb 24 to Friday Feb 27."""

from __future__ import annotations

import re
from datetime import date

import pytest

from accounts import roles
from assignments.models import DutyAssignment
from hartford_bwc.factories import UserFactory
from reports.forms import Period
from reports.selectors import compliance, coverage, exemptions

from .conftest import NOW

pytestmark = pytest.mark.django_db

RANGE = Period(date(2026, 2, 16), date(2026, 3, 1))


@pytest.fixture
def undercover(fleet):
    return DutyAssignment.objects.create(
        officer=fleet.officers["E1"],
        kind="undercover",
        starts_on=date(2026, 2, 24),
        ends_on=date(2026, 2, 27),
        reason="Operation Nightjar",
        approved_by=UserFactory(username="sgt.hale", role=roles.SUPERVISOR),
    )


def test_without_the_exemption_e1_missed_two_shifts_and_returned_late_once(fleet):
    # The baseline the tests below change: the same figures as test_fleet_reports / test_service_reports.
    assert [(r["badge"], r["missed"]) for r in coverage.missed_by_officer(RANGE, NOW)] == [("101", 2), ("203", 1)]
    e1 = next(r for r in compliance.by_officer(Period(date(2026, 2, 16), date(2026, 3, 4)), NOW) if r["badge"] == "101")
    assert (e1["late"], e1["not_docked"]) == (1, 1)


def test_exempt_days_are_neither_missed_shifts_nor_working_days(fleet, undercover):
    exempt = exemptions.exemptions(RANGE)
    # Wednesday Feb 25 and Friday Feb 27, E1's two missed evenings, fall in the exemption.
    assert [(r["badge"], r["missed"]) for r in coverage.missed_by_officer(RANGE, NOW, exempt)] == [("203", 1)]
    units = {row["unit"]: row for row in coverage.units(RANGE, coverage.missed_by_officer(RANGE, NOW, exempt))}
    assert units["Patrol"]["missed_shifts"] == 0 and units["Traffic"]["missed_shifts"] == 1


def test_an_exemption_on_part_of_the_pattern_still_counts_the_required_shifts(fleet):
    # Exempt on Friday Feb 27 only: Wednesday Feb 25 was still a required shift E1 missed.
    DutyAssignment.objects.create(
        officer=fleet.officers["E1"],
        kind="leave",
        starts_on=date(2026, 2, 27),
        ends_on=date(2026, 2, 27),
        reason="Leave",
        approved_by=UserFactory(role=roles.SUPERVISOR),
    )
    exempt = exemptions.exemptions(RANGE)
    assert [(r["badge"], r["missed"]) for r in coverage.missed_by_officer(RANGE, NOW, exempt)] == [
        ("203", 1),  # Dorn before Evans: most first, then by name
        ("101", 1),
    ]


def test_a_check_out_taken_on_an_exempt_day_is_not_a_violation(fleet, undercover):
    period = Period(date(2026, 2, 16), date(2026, 3, 4))
    exempt = exemptions.exemptions(period)
    e1 = next(r for r in compliance.by_officer(period, NOW, exempt) if r["badge"] == "101")
    # The late return of Tuesday Feb 24 was taken undercover; the undocked one of Feb 17 still counts.
    assert (e1["late"], e1["not_docked"], e1["repeat"]) == (0, 1, False)
    patrol = next(r for r in compliance.by_unit(period, NOW, exempt) if r["unit"] == "Patrol")
    assert patrol["late"] == 1  # E2's late return this morning only


def test_the_exempt_officer_is_listed_apart_with_reason_and_approver(fleet, undercover):
    [row] = exemptions.exemptions(RANGE)
    assert (row["badge"], row["exemption"], row["days_in_range"], row["reason"], row["approved_by_name"]) == (
        "101",
        "Undercover operation",
        4,
        "Operation Nightjar",
        "sgt.hale",
    )


def test_exemptions_outside_the_range_are_not_listed(fleet):
    DutyAssignment.objects.create(
        officer=fleet.officers["E3"],
        kind="light_duty",
        starts_on=date(2026, 3, 2),
        reason="Knee",
        approved_by=UserFactory(role=roles.SUPERVISOR),
    )
    assert exemptions.exemptions(RANGE) == []
    assert [r["badge"] for r in exemptions.exemptions(Period(date(2026, 2, 16), date(2026, 3, 4)))] == ["201"]


def test_an_officer_exempt_all_range_is_not_counted_as_taking_no_camera(fleet):
    baseline = {row["unit"]: row["no_checkout"] for row in coverage.units(RANGE, coverage.missed_by_officer(RANGE))}
    DutyAssignment.objects.create(
        officer=fleet.officers["E3"],
        kind="leave",
        starts_on=date(2026, 2, 1),
        reason="Leave",
        approved_by=UserFactory(role=roles.SUPERVISOR),
    )
    after = {row["unit"]: row["no_checkout"] for row in coverage.units(RANGE, coverage.missed_by_officer(RANGE))}
    assert after["Traffic"] == baseline["Traffic"] - 1


def _table(html: str, caption: str) -> str:
    match = re.search(rf"<h2[^>]*>{re.escape(caption)}</h2>.*?</table>", html, flags=re.S)
    assert match, f"no table {caption!r}"
    return re.sub(r"\s+", " ", match.group(0))


@pytest.mark.parametrize(
    "url",
    ["/reports/coverage/?start=2026-02-16&end=2026-03-01", "/reports/compliance/?start=2026-02-16&end=2026-03-04"],
)
def test_report_pages_show_the_exempt_table_and_not_the_officer_as_a_violation(supervisor_client, undercover, url):
    html = supervisor_client.get(url).content.decode()
    exempt = _table(html, "Exempt from wearing a camera (not counted)")
    assert "Ofc. Ann Evans" in exempt and "Undercover operation" in exempt and "Operation Nightjar" in exempt
    if "coverage" in url:
        assert "Ann Evans" not in _table(html, "Officers with shifts worked without a camera")


def test_the_exempt_table_exports(supervisor_client, undercover):
    response = supervisor_client.get("/reports/coverage/?start=2026-02-16&end=2026-03-01&_export=csv&_table=exempt")
    body = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    assert "Operation Nightjar" in body and "sgt.hale" in body


def test_the_widest_range_with_an_exemption_across_bitmask_chunks_runs(fleet):
    # 731 days: twelve 62-day masks; the exemption crosses from one to the next.
    DutyAssignment.objects.create(
        officer=fleet.officers["E2"],
        kind="light_duty",
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 5, 31),
        reason="Knee",
        approved_by=UserFactory(role=roles.SUPERVISOR),
    )
    wide = Period(date(2024, 3, 5), date(2026, 3, 4))
    exempt = exemptions.exemptions(wide)
    assert [row["days_in_range"] for row in exempt] == [61]
    # In two years E1's eight evenings are no weekly pattern at all: nothing is missed, with or without.
    assert list(coverage.missed_by_officer(wide, NOW, exempt)) == list(coverage.missed_by_officer(wide, NOW)) == []
