"""Readiness, coverage and utilization on the hand-built fleet (conftest): every figure asserted."""

from __future__ import annotations

from datetime import date

import pytest

from reports.forms import Period
from reports.selectors import coverage, readiness, utilization

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

RANGE = Period(start=date(2026, 2, 16), end=date(2026, 3, 1))
RANGE_QUERY = "start=2026-02-16&end=2026-03-01"


def _units(start):
    return {
        row["unit"]: (row["officers"], row["personal_ready_now"], row["personal_charging_done"], row["need_spare"])
        for row in start.units
    }


def test_readiness_forecasts_the_next_three_shift_starts(fleet):
    evening, day, evening_next = readiness.readiness(NOW)

    assert (evening.shift.name, evening.start) == ("Evening", at("2026-03-04", 15))
    assert (day.shift.name, day.start) == ("Day", at("2026-03-05", 7))
    assert (evening_next.shift.name, evening_next.start) == ("Evening", at("2026-03-05", 15))

    # 15:00 today: C2 is still charging (ready 18:00), E3 has no camera, E4's is in maintenance.
    assert _units(evening) == {"Patrol": (2, 1, 0, 1), "Traffic": (2, 0, 0, 2)}
    assert (evening.spares_ready_now, evening.spares_charging_done, evening.spares_back_and_charged) == (1, 0, 0)
    assert evening.is_short and evening.shortfall == 2
    assert all(row["short"] for row in evening.units)

    # 07:00 tomorrow: D1's C5 is back at 16:00 and charged by 01:00; S2 and S4 are charged by then too.
    assert _units(day) == {"Patrol": (1, 0, 0, 1), "Traffic": (1, 0, 1, 0)}
    assert (day.spares_ready_now, day.spares_charging_done, day.spares_back_and_charged) == (1, 1, 1)
    assert not day.is_short and day.margin == 2
    assert not any(row["short"] for row in day.units)

    # 15:00 tomorrow: C2 finished charging; the overdue S5 is never counted.
    assert _units(evening_next) == {"Patrol": (2, 1, 1, 0), "Traffic": (2, 0, 0, 2)}
    assert evening_next.spares_expected == 3 and evening_next.margin == 1


def test_readiness_page_marks_the_short_shift_and_lists_charging_cameras(fleet, supervisor_client):
    response = supervisor_client.get("/reports/readiness/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Short 2" in html
    assert html.count('<tr class="short ') == 2
    assert "<svg" in html and "kozea.github.io" not in html
    charging = {
        row.record.asset_tag: row.get_cell_value("makes") for row in response.context["tables"]["charging"].rows
    }
    assert charging == {"C2": "Day 2026-03-05 07:00", "S2": "Day 2026-03-05 07:00"}


def test_readiness_without_shifts_says_so(db, supervisor_client):
    response = supervisor_client.get("/reports/readiness/")

    assert response.status_code == 200
    assert "No shifts are defined" in response.content.decode()


def test_coverage_counts_officers_cameras_and_shifts_worked_without_one(fleet):
    missed = coverage.missed_by_officer(RANGE, NOW)
    units = {row["unit"]: row for row in coverage.units(RANGE, missed)}
    keys = (
        "officers",
        "with_personal",
        "without_personal",
        "on_shift",
        "missed_shifts",
        "officers_missing",
        "no_checkout",
    )

    assert [units["Patrol"][key] for key in keys] == [3, 2, 1, 3, 2, 1, 2]
    assert [units["Traffic"][key] for key in keys] == [4, 2, 2, 3, 1, 1, 2]
    assert [coverage.totals(list(units.values()))[key] for key in keys] == [7, 4, 3, 6, 3, 2, 4]
    # E1 skipped one of two Wednesdays and one of two Fridays; D1 one of two Mondays.
    assert [(row["badge"], row["missed"]) for row in missed] == [("101", 2), ("203", 1)]
    assert coverage.spares() == {"cameras": 8, "spares": 4, "spares_ready": 1, "spares_in_maintenance": 0}


def test_coverage_page_shows_the_spares_ratio(fleet, supervisor_client):
    response = supervisor_client.get(f"/reports/coverage/?{RANGE_QUERY}")

    assert response.context["pool"]["ratio"] == 0.57
    assert response.context["pool"]["per_officer_without"] == 1.33
    assert response.context["total"]["missed_shifts"] == 3
    assert "Shifts worked without a camera" in response.content.decode()


def test_a_one_week_range_finds_no_pattern_to_break(fleet):
    # In one week every weekday E1 worked is fully covered, so nothing is missed.
    week = Period(start=date(2026, 2, 16), end=date(2026, 2, 22))

    assert list(coverage.missed_by_officer(week, NOW)) == []


def test_utilization_hours_per_model_and_camera(fleet):
    models = {row["model"]: row for row in utilization.per_model(RANGE, NOW)}

    assert (models["Body 4"]["checkouts"], models["Body 4"]["hours"], models["Body 4"]["cameras"]) == (8, 69.2, 6)
    assert models["Body 4"]["hours_per_camera"] == 11.5
    assert (models["Body 3"]["checkouts"], models["Body 3"]["hours"], models["Body 3"]["cameras"]) == (1, 8.3, 2)
    assert models["Body 3"]["hours_per_camera"] == 4.2
    total = utilization.summary(list(models.values()))
    assert (total["checkouts"], total["cameras_used"], total["hours"], total["hours_per_camera"]) == (9, 2, 77.5, 9.7)
    cameras = [
        (row["asset_tag"], row["checkouts"], round(row["in_use"].total_seconds() / 60))
        for row in utilization.per_camera(RANGE, NOW)
    ]
    assert cameras == [("C1", 8, 8 * 510 + 70), ("C5", 1, 500)]


def test_utilization_per_day_per_hour_and_idle(fleet):
    per_day, per_hour = utilization.per_day_and_hour(RANGE)
    days = {row["day"].isoformat(): row["checkouts"] for row in per_day}
    assert len(days) == 14
    assert days["2026-02-16"] == 2 and days["2026-02-21"] == 0 and sum(days.values()) == 9

    hours = {row["hour"]: row["checkouts"] for row in per_hour}
    assert hours[14] == 8 and hours[6] == 1 and sum(hours.values()) == 9

    assert [camera.asset_tag for camera in utilization.idle(14, NOW)] == ["S1", "S2"]
    assert [camera.asset_tag for camera in utilization.idle(1, NOW)] == ["S1", "S2", "C1"]


def test_a_checkout_still_out_counts_until_now(fleet):
    today = Period(start=date(2026, 3, 4), end=date(2026, 3, 4))
    cameras = {row["asset_tag"]: row["in_use"].total_seconds() / 3600 for row in utilization.per_camera(today, NOW)}

    # C5 and S4 went out at 06:50 and are still out at noon.
    assert cameras == {"C5": pytest.approx(5 + 10 / 60), "S4": pytest.approx(5 + 10 / 60)}
