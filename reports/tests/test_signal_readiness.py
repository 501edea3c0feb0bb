"""Signal readiness on a hand-built fleet whose every figure is known, its range checks, exports, the
index link, and its query count at two fleet sizes.

Now is Wednesday 2026-03-04 12:00 in Hartford; the range is Feb 16 - Mar 4.
Cruisers: Patrol has P1 (in service, working unit); Traffic has T1 (in service, its unit's battery due)
and T2 (out of service, working unit): no Traffic officer has a vehicle unit.
Officers: A (Patrol, Day): camera, sensor, weapon: ready.  B (Patrol, Day): camera, sensor's battery
due. C (Patrol, Evening): sensor, no camera taken.  D (Traffic, Day): camera, sensor, weapon below
minimum firmware.  H (Patrol, no shift): took a camera, sensor: ready.  Left out: E (Patrol, Evening)
undercover the whole range; F (Traffic, no shift, no camera); G (Patrol, Day) inactive.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts import roles
from assignments.models import Checkout, DutyAssignment, Officer, Shift, Unit
from devices.models import DeviceKind
from hartford_bwc.factories import (
    CameraFactory,
    DeviceFactory,
    DeviceModelFactory,
    OfficerFactory,
    UserFactory,
    VehicleFactory,
)
from hartford_bwc.testing import issue_device
from reports.forms import MAX_RANGE_DAYS

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=NY)
URL = "/reports/signal-readiness/?start=2026-02-16&end=2026-03-04"
FRESH = date(2026, 1, 1)  # a battery fitted then is far from due


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def client_(client, db):
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    return client


def models():
    return {
        "sensor": DeviceModelFactory(kind=DeviceKind.HOLSTER_SENSOR),
        "weapon": DeviceModelFactory(kind=DeviceKind.SIGNAL_WEAPON, minimum_firmware="2.0.0"),
        "unit": DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT),
    }


def took_camera(officer, day: date) -> None:
    out = datetime.combine(day, time(6, 50), tzinfo=NY)
    Checkout.objects.create(
        camera=CameraFactory(),
        officer=officer,
        checked_out_at=out,
        due_back_at=out + timedelta(hours=9),
        checked_in_at=out + timedelta(hours=8),
        condition="working",
    )


def give(officer, model, **kwargs):
    kwargs.setdefault("battery_fitted_on", FRESH)
    kwargs.setdefault("firmware_version", "2.1.0")
    return issue_device(DeviceFactory(model=model, **kwargs), officer=officer)


@pytest.fixture
def fleet(frozen):
    m = models()
    day = Shift.objects.create(name="Day", starts_at=time(7), ends_at=time(15))
    evening = Shift.objects.create(name="Evening", starts_at=time(15), ends_at=time(23))
    patrol, traffic = Unit.objects.create(name="Patrol"), Unit.objects.create(name="Traffic")
    issue_device(DeviceFactory(model=m["unit"], battery_fitted_on=FRESH), vehicle=VehicleFactory(assigned_unit=patrol))
    issue_device(
        DeviceFactory(model=m["unit"], battery_fitted_on=date(2024, 1, 1)),
        vehicle=VehicleFactory(assigned_unit=traffic),
    )
    issue_device(
        DeviceFactory(model=m["unit"], battery_fitted_on=FRESH),
        vehicle=VehicleFactory(assigned_unit=traffic, in_service=False),
    )
    o = {}
    o["A"] = OfficerFactory(badge_number="201", first_name="Ann", last_name="Avery", unit=patrol, shift=day)
    o["B"] = OfficerFactory(badge_number="202", first_name="Ben", last_name="Brooks", unit=patrol, shift=day)
    o["C"] = OfficerFactory(badge_number="203", first_name="Cal", last_name="Cruz", unit=patrol, shift=evening)
    o["D"] = OfficerFactory(badge_number="204", first_name="Dee", last_name="Diaz", unit=traffic, shift=day)
    o["E"] = OfficerFactory(badge_number="205", first_name="Eve", last_name="Ellis", unit=patrol, shift=evening)
    o["F"] = OfficerFactory(badge_number="206", first_name="Fay", last_name="Ford", unit=traffic)
    o["G"] = OfficerFactory(badge_number="207", first_name="Gus", last_name="Gray", unit=patrol, shift=day)
    o["H"] = OfficerFactory(badge_number="208", first_name="Hal", last_name="Hart", unit=patrol)
    for name in "ABDGH":
        took_camera(o[name], date(2026, 2, 20))
    took_camera(o["E"], date(2026, 2, 20))  # on an exempt day
    for name in "ACDEFGH":
        give(o[name], m["sensor"])
    # Gus left the department after he was issued his sensor and took a camera.
    Officer.objects.filter(pk=o["G"].pk).update(is_active=False)
    give(o["B"], m["sensor"], battery_fitted_on=date(2025, 1, 1))
    give(o["A"], m["weapon"])
    give(o["D"], m["weapon"], firmware_version="1.9.0")
    DutyAssignment.objects.create(
        officer=o["E"],
        kind=DutyAssignment.Kind.UNDERCOVER,
        starts_on=date(2026, 2, 1),
        reason="Operation",
        approved_by=UserFactory(username="lt", role=roles.SUPERVISOR),
    )
    return o


def test_the_report_counts_each_unit_and_shift_on_a_known_fleet(fleet, client_):
    response = client_.get(URL)
    assert response.status_code == 200
    rows = [
        {
            k: row[k]
            for k in ("unit", "shift", "officers", "camera", "sensor", "weapon", "vehicle", "vehicles", "ready", "gaps")
        }
        for row in response.context["tables"]["units"].data
    ]
    assert rows == [
        {"unit": "Patrol", "shift": "Day", "officers": 2, "camera": 2, "sensor": 1, "weapon": 1, "vehicle": 2,
         "vehicles": "1 of 1", "ready": 1, "gaps": 1},
        {"unit": "Patrol", "shift": "Evening", "officers": 1, "camera": 0, "sensor": 1, "weapon": 0, "vehicle": 1,
         "vehicles": "1 of 1", "ready": 0, "gaps": 1},
        {"unit": "Patrol", "shift": "No shift", "officers": 1, "camera": 1, "sensor": 1, "weapon": 0, "vehicle": 1,
         "vehicles": "1 of 1", "ready": 1, "gaps": 0},
        {"unit": "Traffic", "shift": "Day", "officers": 1, "camera": 1, "sensor": 1, "weapon": 0, "vehicle": 0,
         "vehicles": "0 of 1", "ready": 0, "gaps": 1},
    ]  # fmt: skip
    gaps = {row["badge"]: "; ".join(row["gaps"]) for row in response.context["tables"]["gaps"].data}
    assert gaps == {
        "202": "no working holster sensor",
        "203": "no camera taken",
        "204": "signal weapon not working; no working vehicle unit in the unit",
    }
    totals = response.context["totals"]
    assert (totals["officers"], totals["ready"], totals["gaps"]) == (5, 2, 3)
    assert response.context["exempt_officers"] == 1
    page = response.content.decode()
    assert "<svg" in page  # the chart
    assert "an officer counts as covered when their unit has a cruiser in service" in page


def test_the_gaps_export_as_csv_and_xlsx(fleet, client_):
    response = client_.get(f"{URL}&_export=csv&_table=gaps")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))  # streamed
    assert rows[0] == ["Badge", "Officer", "Unit", "Shift", "Gaps"]
    assert [
        "204",
        "Ofc. Dee Diaz",
        "Traffic",
        "Day",
        "signal weapon not working; no working vehicle unit in the unit",
    ] in rows
    xlsx = client_.get(f"{URL}&_export=xlsx&_table=units")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-03-05&end=2026-03-01", "The start date is after the end date."),
        ("start=2024-01-01&end=2026-03-04", "Choose a range of at most 731 days."),
        ("start=not-a-date", "Enter a valid date."),
    ],
)
def test_a_bad_range_is_refused_with_a_message(client_, frozen, query, message):
    response = client_.get(f"/reports/signal-readiness/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_default_range_is_the_last_seven_days_and_the_index_links_the_report(client_, frozen):
    response = client_.get(reverse("reports:signal_readiness"))
    assert response.status_code == 200
    assert str(response.context["period"]) == "Feb 26, 2026 to Mar 4, 2026"
    index = client_.get(reverse("reports:index")).content.decode()
    assert f'href="{reverse("reports:signal_readiness")}"' in index and "Signal readiness" in index


def grow(n: int) -> None:
    m = models()
    unit = Unit.objects.create(name=f"Grown {n}")
    shift = Shift.objects.get(name="Day")
    for i in range(n):
        officer = OfficerFactory(unit=unit, shift=shift)
        took_camera(officer, date(2026, 2, 18))
        give(officer, m["sensor"], battery_fitted_on=FRESH if i % 2 else date(2024, 1, 1))
        if i % 3 == 0:
            give(officer, m["weapon"], firmware_version="1.0.0")
        issue_device(
            DeviceFactory(model=m["unit"], battery_fitted_on=FRESH), vehicle=VehicleFactory(assigned_unit=unit)
        )


def test_the_report_runs_a_fixed_number_of_queries_at_two_sizes(fleet, client_, django_assert_num_queries):
    client_.get(URL)  # the session's refresh after sign-in is not the report's cost
    # session, user, groups; the range's exemptions; the device models' battery lives, the firmware
    # versions below their minimum; the officers with their five answers; the cruisers per unit.
    with django_assert_num_queries(8):
        assert client_.get(URL).status_code == 200
    grow(12)
    with django_assert_num_queries(8):
        response = client_.get(URL)
    assert response.context["totals"]["officers"] == 5 + 12
    # The widest range the form allows reads as many queries.
    end = NOW.date()
    widest = {"start": end - timedelta(days=MAX_RANGE_DAYS - 1), "end": end}
    with django_assert_num_queries(8):
        response = client_.get(URL, widest)
    assert response.status_code == 200 and response.context["form"].period().days == MAX_RANGE_DAYS
