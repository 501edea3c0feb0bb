"""Signal readiness counted in SQL (reports.selectors.signal.readiness) against the Python it replaced,
kept here as the reference: every officer going out fetched with their five answers and tallied row by
row. On a varied fleet, every group, total, gap row, page and export row must be the same.

The fleet (now is Wednesday 2026-03-04 12:00 in Hartford): 44 officers cycling through four units
(Alpha, Bravo, Zulu, none), three shifts (Day, Night, none), a camera taken on a working day, on an
exempt day only, or not at all, a holster sensor and a signal weapon working, with its battery due,
below its model's minimum firmware, in stock (never issued) or none; some exempt for the whole range,
some for part of it; some inactive. Cruisers: Alpha has one with a working unit, one whose unit's
battery is due, one out of service; Bravo one whose unit's firmware is below the minimum; Zulu none.
Names repeat, so the gaps' order falls back on the first name and then the badge.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from accounts import roles
from assignments.models import Checkout, DutyAssignment, Officer, Shift, Unit
from conftest import requires_postgres
from devices.models import Device, DeviceKind, Vehicle
from hartford_bwc.factories import (
    CameraFactory,
    DeviceFactory,
    DeviceModelFactory,
    OfficerFactory,
    UserFactory,
    VehicleFactory,
)
from hartford_bwc.testing import issue_device
from inventory.flags.device_rules import DeviceFacts, working_vehicle_units
from reports.forms import Period
from reports.selectors import exemptions, signal
from reports.selectors.exemptions import not_exempt
from reports.tables import officer_name

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=NY)
RANGE = Period(start=date(2026, 2, 16), end=date(2026, 3, 4))
URL = "/reports/signal-readiness/?start=2026-02-16&end=2026-03-04"
FRESH, OLD = date(2026, 1, 1), date(2023, 1, 1)  # a battery fitted FRESH is far from due, OLD long due
LAST_NAMES = ("Avery", "Brooks", "Avery", "Cruz", "Diaz", "Brooks")
FIRST_NAMES = ("Ann", "Ben", "Ann", "Cal")


# --- the reference: the Python computation the SQL replaced -----------------------------------------


def reference_officers(period: Period, facts: DeviceFacts, exempt: list[dict]) -> list[dict]:
    took_camera = Exists(
        not_exempt(
            Checkout.objects.filter(
                officer=OuterRef("pk"), checked_out_at__gte=period.since, checked_out_at__lt=period.until
            ),
            exempt,
        )
    )
    unit_vehicle = Exists(
        Vehicle.objects.filter(assigned_unit=OuterRef("unit"), in_service=True).filter(
            Exists(working_vehicle_units(facts).filter(vehicle=OuterRef("pk")))
        )
    )
    weapon_issued = Exists(
        Device.objects.filter(model__kind=DeviceKind.SIGNAL_WEAPON, officer=OuterRef("pk"), status="issued")
    )

    def trigger(kind):
        return Exists(facts.working(Device.objects.filter(model__kind=kind, officer=OuterRef("pk"))))

    exempt_all_range = {
        row["officer_id"]
        for row in exempt
        if row["starts_on"] <= period.start and (row["ends_on"] is None or row["ends_on"] >= period.end)
    }
    rows = (
        Officer.objects.filter(is_active=True)
        .exclude(pk__in=exempt_all_range)
        .annotate(
            camera=took_camera,
            sensor=trigger(DeviceKind.HOLSTER_SENSOR),
            weapon=trigger(DeviceKind.SIGNAL_WEAPON),
            weapon_issued=weapon_issued,
            vehicle=unit_vehicle,
        )
        .values(
            "camera",
            "sensor",
            "weapon",
            "weapon_issued",
            "vehicle",
            "rank",
            "first_name",
            "last_name",
            badge=F("badge_number"),
            unit_name=F("unit__name"),
            shift_name=F("shift__name"),
            shift_starts=F("shift__starts_at"),
        )
        .order_by("last_name", "first_name", "badge_number")
    )
    result = []
    for row in rows:
        shift = row.pop("shift_name")
        if shift is None and not row["camera"]:
            continue
        row["unit"] = row.pop("unit_name") or "No unit"
        row["shift"] = shift or "No shift"
        row["weapon_broken"] = row["weapon_issued"] and not row["weapon"]
        lacking = {
            "camera": not row["camera"],
            "sensor": not row["sensor"],
            "weapon_broken": row["weapon_broken"],
            "vehicle": not row["vehicle"],
        }
        row["gaps"] = [text for key, text in signal.GAPS if lacking[key]]
        row["ready"] = row["camera"] and row["sensor"] and row["vehicle"]
        result.append(row)
    return result


def reference_groups(rows: list[dict], vehicles: dict) -> list[dict]:
    groups: dict[tuple[str, str], dict] = {}
    for row in rows:
        group = groups.setdefault(
            (row["unit"], row["shift"]),
            {"unit": row["unit"], "shift": row["shift"], "starts": row["shift_starts"]}
            | dict.fromkeys(signal.COUNTS, 0),
        )
        group["officers"] += 1
        for key in ("camera", "sensor", "weapon", "vehicle", "ready"):
            group[key] += bool(row[key])
        group["gaps"] += bool(row["gaps"])
    for (unit, _), group in groups.items():
        fleet = vehicles.get(None if unit == "No unit" else unit, {"in_service": 0, "with_signal": 0})
        group["vehicles"] = f"{fleet['with_signal']} of {fleet['in_service']}"
        group["ready_percent"] = round(100 * group["ready"] / group["officers"], 1) if group["officers"] else 0.0

    def order(group):
        return (
            group["unit"] == "No unit",
            group["unit"],
            group["starts"] is None,
            group["starts"] or time.min,
            group["shift"],
        )

    return sorted(groups.values(), key=order)


def reference_totals(groups: list[dict]) -> dict:
    total = {key: sum(group[key] for group in groups) for key in signal.COUNTS}
    total["ready_percent"] = round(100 * total["ready"] / total["officers"], 1) if total["officers"] else 0.0
    return total


# --- the fleet ----------------------------------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


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


def trigger(officer, model, state: str) -> None:
    """Give `officer` a device of `model` that is `state`: working, battery (due), firmware (below the
    minimum), stock (in stock, never issued), or none."""
    if state == "none":
        return
    device = DeviceFactory(
        model=model,
        battery_fitted_on=OLD if state == "battery" else FRESH,
        firmware_version="1.9.0" if state == "firmware" else "2.1.0",
    )
    if state != "stock":
        issue_device(device, officer=officer)


def cruiser(unit, model, *, in_service: bool = True, battery: date = FRESH, firmware: str = "2.1.0") -> None:
    vehicle = VehicleFactory(assigned_unit=unit, in_service=in_service)
    issue_device(DeviceFactory(model=model, battery_fitted_on=battery, firmware_version=firmware), vehicle=vehicle)


@pytest.fixture
def varied(frozen):
    models = {
        kind: DeviceModelFactory(kind=kind, minimum_firmware="2.0.0")
        for kind in (DeviceKind.HOLSTER_SENSOR, DeviceKind.SIGNAL_WEAPON, DeviceKind.VEHICLE_UNIT)
    }
    shifts = [
        Shift.objects.create(name="Night", starts_at=time(23), ends_at=time(7)),
        Shift.objects.create(name="Day", starts_at=time(7), ends_at=time(15)),
        None,
    ]
    alpha, bravo, zulu = (Unit.objects.create(name=name) for name in ("Alpha", "Bravo", "Zulu"))
    units = [alpha, bravo, zulu, None]
    cruiser(alpha, models[DeviceKind.VEHICLE_UNIT])
    cruiser(alpha, models[DeviceKind.VEHICLE_UNIT], battery=OLD)
    cruiser(alpha, models[DeviceKind.VEHICLE_UNIT], in_service=False)
    cruiser(bravo, models[DeviceKind.VEHICLE_UNIT], firmware="1.0.0")
    approver = UserFactory(username="lt", role=roles.SUPERVISOR)
    states = ("working", "none", "battery", "firmware", "stock")
    for i in range(44):
        officer = OfficerFactory(
            badge_number=f"{300 + (i * 7) % 44}",
            first_name=FIRST_NAMES[i % 4],
            last_name=LAST_NAMES[i % 6],
            unit=units[i % 4],
            shift=shifts[i % 3],
        )
        camera = i % 5  # 0, 1, 2: on a day not exempt; 3: on a day exempt for some (below); 4: none
        if camera < 3:
            took_camera(officer, (date(2026, 3, 2), date(2026, 2, 17), date(2026, 2, 18))[camera])
        if camera == 3:
            took_camera(officer, date(2026, 2, 25))
        trigger(officer, models[DeviceKind.HOLSTER_SENSOR], states[i % 5 if i % 7 else 0])
        trigger(officer, models[DeviceKind.SIGNAL_WEAPON], states[(i // 2) % 5])
        exempt = i % 9
        if exempt in (0, 4):  # from before the range, open-ended or past its end: exempt throughout
            ends = None if exempt == 0 else date(2026, 3, 10)
            kind = DutyAssignment.Kind.UNDERCOVER
            starts = date(2026, 2, 1)
        elif exempt in (3, 7):  # part of the range, over the day a camera-3 officer took one
            kind, starts, ends = DutyAssignment.Kind.LEAVE, date(2026, 2, 24), date(2026, 2, 26)
        elif exempt == 8:  # over before the range began: changes nothing
            kind, starts, ends = DutyAssignment.Kind.LIGHT_DUTY, date(2026, 1, 5), date(2026, 2, 10)
        else:
            continue
        DutyAssignment.objects.create(
            officer=officer, kind=kind, starts_on=starts, ends_on=ends, reason="Assignment", approved_by=approver
        )
    Officer.objects.filter(badge_number__in=[f"{300 + (i * 7) % 44}" for i in (10, 21, 32)]).update(is_active=False)


def reference(period: Period) -> tuple[list[dict], dict, list[dict]]:
    facts = DeviceFacts(today=timezone.localdate())
    exempt = exemptions.exemptions(period)
    rows = reference_officers(period, facts, exempt)
    groups = reference_groups(rows, signal.vehicles_by_unit(facts))
    return groups, reference_totals(groups), [row for row in rows if row["gaps"]]


GAP_KEYS = ("badge", "rank", "first_name", "last_name", "unit", "shift", "gaps")


def gap_view(rows) -> list[tuple]:
    return [tuple(row[key] for key in GAP_KEYS) for row in rows]


PERIODS = [
    RANGE,
    Period(start=date(2026, 2, 26), end=date(2026, 3, 4)),  # the default week: camera-3 officers took none
    Period(start=date(2026, 2, 24), end=date(2026, 2, 26)),  # inside the leave: those on it exempt throughout
    Period(start=date(2024, 3, 5), end=date(2026, 3, 4)),  # the widest range
]


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_the_groups_totals_and_gaps_are_those_the_python_tally_gave(varied, period):
    groups, totals, gaps = reference(period)
    facts = DeviceFacts(today=timezone.localdate())
    report = signal.readiness(period, facts, exemptions.exemptions(period), offset=0, limit=1000)
    assert report.groups == groups
    assert report.totals == totals
    assert len(report.gaps) == len(gaps) == totals["gaps"]
    assert gap_view(report.gaps[0 : len(gaps)]) == gap_view(gaps)  # the page read with the groups
    assert gap_view(list(report.gaps)) == gap_view(gaps)  # every row, streamed
    # The fleet covers what the report tells apart.
    assert {group["unit"] for group in groups} == {"Alpha", "Bravo", "Zulu", "No unit"}
    assert {group["shift"] for group in groups} == {"Day", "Night", "No shift"}
    assert {text for row in gaps for text in row["gaps"]} == {text for _, text in signal.GAPS}
    assert 0 < totals["ready"] < totals["officers"]


@pytest.fixture
def client_(client, db):
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    return client


def test_every_page_of_gaps_and_the_export_hold_the_reference_rows_in_order(varied, client_):
    _, totals, gaps = reference(RANGE)
    assert len(gaps) > 3 * 5
    shown = []
    page = 1
    while len(shown) < len(gaps):
        response = client_.get(f"{URL}&gaps-per_page=5&gaps-page={page}")
        assert response.context["gap_officers"] == len(gaps)
        assert response.context["totals"] == totals
        rows = list(response.context["tables"]["gaps"].page.object_list.data)
        assert rows, f"page {page} is empty"
        shown += rows
        page += 1
    assert gap_view(shown) == gap_view(gaps)
    export = client_.get(f"{URL}&_export=csv&_table=gaps")
    exported = list(csv.reader(io.StringIO(export.getvalue().decode("utf-8-sig"))))
    assert exported[1:] == [
        [row["badge"], officer_name(row), row["unit"], row["shift"], "; ".join(row["gaps"])] for row in gaps
    ]


def test_only_the_page_of_gaps_shown_is_read(varied, client_, django_assert_num_queries):
    """The gaps come a page at a time from the statement that counts the groups; another page costs
    one statement more, never a read of every officer."""
    client_.get(URL)  # the session's refresh after sign-in
    response = client_.get(f"{URL}&gaps-per_page=5")
    gaps = response.context["tables"]["gaps"]
    assert len(gaps.data) > 10 and len(gaps.page.object_list) == 5
    offset, limit, rows = gaps.data.data.prefetched
    assert (offset, limit, len(rows)) == (0, 5, 5)
    # session, user, groups; exemptions; battery lives, low firmware; groups and page; cruisers.
    with django_assert_num_queries(8):
        client_.get(f"{URL}&gaps-per_page=5&gaps-page=2")
    # A page past the last shows the last one: read apart from the first guess.
    with django_assert_num_queries(9):
        response = client_.get(f"{URL}&gaps-per_page=5&gaps-page=999")
    assert response.context["tables"]["gaps"].page.number == -(-len(gaps.data) // 5)


@requires_postgres()
def test_postgresql_works_out_each_officers_answers_once(varied):
    """The per-officer answers are a CTE computed once for the groups and the page (read twice, so
    materialized): inlined, each part would probe the check-outs and devices again."""
    period = PERIODS[1]
    facts = DeviceFacts(today=timezone.localdate())
    exempt = exemptions.exemptions(period)
    inner, params = signal.per_officer_sql(period, facts, exempt)
    with_rows = signal._with_per_officer(inner)
    sql = f"{with_rows} {signal._GROUPS} UNION ALL SELECT * FROM ({signal._GAP_ROWS} LIMIT 25) page"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "CTE per_officer" in plan and plan.count("CTE Scan on per_officer") == 2
    # The camera answer: a probe of the range's check-outs, plus one (leaving out exempt days) for the
    # officers with an exemption in the range, and nowhere else.
    assert plan.count("on assignments_checkout") == 2
