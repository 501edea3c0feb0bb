"""Overdue and compliance, and maintenance, on the hand-built fleet (conftest)."""

from __future__ import annotations

from datetime import date

import pytest

from reports.forms import Period
from reports.selectors import compliance, maintenance

from .conftest import NOW

pytestmark = pytest.mark.django_db

RANGE = Period(start=date(2026, 2, 16), end=date(2026, 3, 4))


def test_offenders_by_officer_with_repeat_offenders(fleet):
    rows = [
        (row["badge"], row["late"], row["overdue"], row["not_docked"], row["total"], row["repeat"])
        for row in compliance.by_officer(RANGE, NOW)
    ]

    # E1: late on Feb 24 and never docked on Feb 17; E2 late this morning; R1 still out past 08:00.
    assert rows == [
        ("101", 1, 0, 1, 2, True),
        ("102", 1, 0, 0, 1, False),
        ("204", 0, 1, 0, 1, False),
    ]


def test_compliance_by_unit(fleet):
    rows = {
        row["unit"]: (
            row["returns"],
            row["late"],
            row["late_percent"],
            row["late_officers"],
            row["overdue"],
            row["not_docked"],
        )
        for row in compliance.by_unit(RANGE, NOW)
    }

    assert rows == {"Patrol": (9, 2, 22.2, 2, 0, 1), "Traffic": (1, 0, 0.0, 0, 1, 0)}


def test_a_dock_record_after_the_grace_period_counts_as_not_docked(fleet, settings):
    # C2 came back at 09:50 and was docked at 10:00; with a 5-minute rule it was docked too late.
    settings.NOT_DOCKED_AFTER_RETURN_MINUTES = 5
    rows = {row["badge"]: row["not_docked"] for row in compliance.by_officer(RANGE, NOW)}

    assert rows["101"] == 8
    assert rows["102"] == 1


def test_flags_per_kind_and_time_to_resolve(fleet):
    rows = {row["kind"]: row for row in compliance.flags_by_kind(RANGE, NOW)}

    assert (rows["Not docked after return"]["raised"], rows["Not docked after return"]["hours_to_resolve"]) == (1, 2.0)
    assert (rows["Charging overdue"]["resolved"], rows["Charging overdue"]["hours_to_resolve"]) == (1, 24.0)
    assert (
        rows["Return overdue"]["raised"],
        rows["Return overdue"]["resolved"],
        rows["Return overdue"]["open_now"],
    ) == (
        1,
        0,
        1,
    )
    weeks, series = compliance.flags_per_week(RANGE)
    assert [week.isoformat() for week in weeks] == ["2026-02-16", "2026-02-23", "2026-03-02"]
    assert series == {"Not docked after return": [1, 0, 0], "Charging overdue": [1, 0, 0], "Return overdue": [0, 0, 1]}


def test_compliance_page_lists_overdue_now(fleet, supervisor_client):
    response = supervisor_client.get("/reports/compliance/?start=2026-02-16&end=2026-03-04")

    assert response.context["totals"] == {"late": 2, "overdue": 1, "not_docked": 1, "repeat": 1}
    overdue = [row.get_cell_value("camera") for row in response.context["tables"]["overdue"].rows]
    assert overdue == ["S5"]


MAINTENANCE_RANGE = Period(start=date(2025, 12, 5), end=date(2026, 3, 4))


def test_repairs_and_turnaround_by_route(fleet):
    rows = {row["route"]: row for row in maintenance.repairs_by_route(MAINTENANCE_RANGE)}
    keys = ("open_now", "opened", "closed", "retired", "turnaround_days", "longest_days")

    assert [rows["In-house"][key] for key in keys] == [1, 3, 2, 1, 1.5, 2.0]
    assert [rows["Vendor (RMA)"][key] for key in keys] == [0, 1, 1, 0, 20.0, 20.0]
    assert [rows["Awaiting triage"][key] for key in keys] == [0, 0, 0, 0, None, None]


def test_repeat_failures_and_failures_by_model_and_batch(fleet):
    repeat = [(row["asset_tag"], row["failures"]) for row in maintenance.repeat_failures(MAINTENANCE_RANGE)]
    assert repeat == [("C5", 2)]

    batches = [
        (row["model"], row["batch"], row["cameras"], row["failures"], row["cameras_failed"], row["per_100"])
        for row in maintenance.failures_by_model_batch(MAINTENANCE_RANGE)
    ]
    # The inspection of C1 is routine, not a failure.
    assert batches == [("Body 3", "2019 rollout", 3, 4, 3, 133.3), ("Body 4", "2026 expansion", 6, 0, 0, 0.0)]


def test_refresh_due_per_quarter(fleet):
    rows = [(row["quarter"], row["cameras"], row["overdue"]) for row in maintenance.refresh_due(NOW)]

    # S5 (bought June 2023) was due December 2025; the retired S3 is left out.
    assert rows == [("2025 Q4", 1, True), ("2026 Q2", 2, False), ("2028 Q1", 5, False)]


def test_maintenance_page_shows_open_repairs(fleet, supervisor_client):
    response = supervisor_client.get("/reports/maintenance/")

    assert response.status_code == 200
    assert [row.get_cell_value("camera") for row in response.context["tables"]["open"].rows] == ["C4"]
    assert response.context["open_total"] == 1
