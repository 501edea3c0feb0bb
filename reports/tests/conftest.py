"""A small, hand-built fleet whose every report figure is known, at a frozen clock.

Now is Wednesday 2026-03-04 12:00 in Hartford. Shifts: Day 07-15, Evening 15-23.

Patrol:  E1 (Evening, own C1: charged), E2 (Evening, own C2: docked 10:00 after a late return, charging),
         D2 (Day, no camera of their own, holds spare S4 due 16:00), X (Evening, inactive).
Traffic: E3 (Evening, no camera of their own), E4 (Evening, own C4: in maintenance),
         D1 (Day, own C5: out now, due 16:00), R1 (no shift, holds spare S5: overdue since 08:00).
Spares:  S1 charged, S2 docked 11:00 (charging), S3 retired, S4 and S5 out.
Models:  Body 4 charges in 8 h (C1, C2, S1, S2, S4, S5); Body 3 in 9 h (C4, C5, S3).
History (Feb 16 - Mar 1): E1 took C1 on 8 evenings (Mon-Fri, then Mon, Tue, Thu), 14:50-23:20, the
         Tuesday Feb 24 one back late at 00:30, the Tuesday Feb 17 one never docked; D1 took C5 on
         Monday Feb 16, 06:50-15:10.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts import roles
from assignments import tallies
from assignments.first_dock import fill_first_docked_at
from assignments.models import Checkout, PersonalIssue, Shift, Unit
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from inventory.models import Camera, CameraModel, ChargeEvent, Dock, Flag, MaintenanceRecord

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=NY)


def at(day: date | str, hour: int, minute: int = 0) -> datetime:
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


@dataclass
class Fleet:
    officers: dict
    cameras: dict
    units: dict
    shifts: dict


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _checkout(camera, officer, out, back=None, due=None, condition="working", docked=True):
    due = due or (at(out.date(), 23, 0) + timedelta(hours=1) if out.hour >= 12 else at(out.date(), 16))
    checkout = Checkout.objects.create(
        camera=camera,
        officer=officer,
        checked_out_at=out,
        due_back_at=due,
        checked_in_at=back,
        condition=condition if back else "",
    )
    if back and docked:
        ChargeEvent.objects.create(
            camera=camera, kind="docked", dock=Dock.objects.first(), recorded_at=back + timedelta(minutes=10)
        )
    return checkout


@pytest.fixture
def fleet(db, frozen) -> Fleet:
    day = Shift.objects.create(name="Day", starts_at=time(7), ends_at=time(15))
    evening = Shift.objects.create(name="Evening", starts_at=time(15), ends_at=time(23))
    patrol = Unit.objects.create(name="Patrol")
    traffic = Unit.objects.create(name="Traffic")
    body4 = CameraModel.objects.create(maker="Axon", name="Body 4", battery_hours=13, charge_hours=8)
    body3 = CameraModel.objects.create(maker="Axon", name="Body 3", battery_hours=12, charge_hours=9)
    Dock.objects.create(name="Dock 01", location="HQ", bays=8)

    old = {
        "model": body3,
        "purchase_batch": "2019 rollout",
        "purchased_on": date(2023, 10, 15),
        "supplier": "Axon Enterprise",
        "purchase_price": Decimal("699.00"),
        "warranty_ends_on": date(2026, 1, 31),
    }
    new = {
        "model": body4,
        "purchase_batch": "2026 expansion",
        "purchased_on": date(2025, 7, 1),
        "supplier": "Axon Enterprise",
        "purchase_price": Decimal("749.00"),
        "warranty_ends_on": date(2028, 6, 30),
    }
    charged = {"last_full_charge_at": at("2026-03-04", 10), "last_returned_at": at("2026-02-26", 23, 20)}
    cameras = {
        "C1": CameraFactory(asset_tag="C1", pool="personal", **new, **charged),
        "C2": CameraFactory(
            asset_tag="C2",
            pool="personal",
            **new,
            last_full_charge_at=at("2026-03-02", 9),
            last_returned_at=at("2026-03-04", 9, 50),
            last_docked_at=at("2026-03-04", 10),
        ),
        "C4": CameraFactory(asset_tag="C4", pool="personal", status="in_maintenance", **old),
        "C5": CameraFactory(asset_tag="C5", pool="personal", **old),
        "S1": CameraFactory(asset_tag="S1", **new),
        "S2": CameraFactory(
            asset_tag="S2",
            **new,
            last_full_charge_at=at("2026-03-01", 9),
            last_returned_at=at("2026-03-04", 10, 55),
            last_docked_at=at("2026-03-04", 11),
        ),
        "S3": CameraFactory(asset_tag="S3", status="retired", **old),
        "S4": CameraFactory(asset_tag="S4", **new),
        "S5": CameraFactory(asset_tag="S5", **{**new, "purchased_on": date(2023, 6, 10)}),
    }
    officers = {
        "E1": OfficerFactory(badge_number="101", first_name="Ann", last_name="Evans", unit=patrol, shift=evening),
        "E2": OfficerFactory(badge_number="102", first_name="Bob", last_name="Ellis", unit=patrol, shift=evening),
        "D2": OfficerFactory(badge_number="103", first_name="Cal", last_name="Dunn", unit=patrol, shift=day),
        "X": OfficerFactory(
            badge_number="104", first_name="Xi", last_name="Xu", unit=patrol, shift=evening, is_active=False
        ),
        "E3": OfficerFactory(badge_number="201", first_name="Dee", last_name="Eng", unit=traffic, shift=evening),
        "E4": OfficerFactory(badge_number="202", first_name="Eve", last_name="Earl", unit=traffic, shift=evening),
        "D1": OfficerFactory(badge_number="203", first_name="Fay", last_name="Dorn", unit=traffic, shift=day),
        "R1": OfficerFactory(badge_number="204", first_name="Gus", last_name="Reed", unit=traffic, shift=None),
    }
    for officer, camera in (("E1", "C1"), ("E2", "C2"), ("E4", "C4"), ("D1", "C5")):
        PersonalIssue.objects.create(officer=officers[officer], camera=cameras[camera], issued_at=at("2026-01-01", 9))

    e1, c1 = officers["E1"], cameras["C1"]
    for evening_day in ("2026-02-16", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23", "2026-02-26"):
        _checkout(c1, e1, at(evening_day, 14, 50), at(evening_day, 23, 20))
    _checkout(c1, e1, at("2026-02-17", 14, 50), at("2026-02-17", 23, 20), docked=False)
    _checkout(c1, e1, at("2026-02-24", 14, 50), at("2026-02-25", 0, 30))
    _checkout(cameras["C5"], officers["D1"], at("2026-02-16", 6, 50), at("2026-02-16", 15, 10))
    _checkout(cameras["C2"], officers["E2"], at("2026-03-03", 14, 50), at("2026-03-04", 9, 50), docked=False)
    ChargeEvent.objects.create(
        camera=cameras["C2"], kind="docked", dock=Dock.objects.first(), recorded_at=at("2026-03-04", 10)
    )
    # Out now: C5 and S4 on the day shift, S5 overdue with a detective.
    for tag, officer, out, due in (
        ("C5", "D1", at("2026-03-04", 6, 50), at("2026-03-04", 16)),
        ("S4", "D2", at("2026-03-04", 6, 50), at("2026-03-04", 16)),
        ("S5", "R1", at("2026-03-03", 20), at("2026-03-04", 8)),
    ):
        Camera.objects.filter(pk=cameras[tag].pk).update(status="checked_out")
        _checkout(cameras[tag], officers[officer], out, due=due)

    MaintenanceRecord.objects.create(
        camera=cameras["C4"],
        kind="repair",
        performed_by="in_house",
        problem="Lens cracked",
        opened_at=at("2026-03-02", 9),
    )
    MaintenanceRecord.objects.create(
        camera=cameras["S3"],
        kind="repair",
        performed_by="in_house",
        problem="Housing cracked",
        opened_at=at("2026-02-01", 10),
        closed_at=at("2026-02-03", 10),
        outcome="retired",
    )
    MaintenanceRecord.objects.create(
        camera=cameras["C5"],
        kind="repair",
        performed_by="vendor",
        rma_number="RMA-1",
        problem="Will not power on",
        opened_at=at("2026-01-05", 10),
        closed_at=at("2026-01-25", 10),
        outcome="returned_to_service",
        repair_cost=Decimal("85.00"),  # shipping, billed although under warranty
    )
    MaintenanceRecord.objects.create(
        camera=cameras["C5"],
        kind="battery_replacement",
        performed_by="in_house",
        opened_at=at("2026-02-10", 10),
        closed_at=at("2026-02-11", 10),
        outcome="returned_to_service",
        repair_cost=Decimal("45.00"),
    )
    MaintenanceRecord.objects.create(
        camera=c1,
        kind="inspection",
        performed_by="in_house",
        opened_at=at("2026-02-02", 10),
        closed_at=at("2026-02-02", 10, 15),
        outcome="returned_to_service",
    )

    Flag.objects.create(
        camera=c1, kind="not_docked", raised_at=at("2026-02-18", 0, 30), resolved_at=at("2026-02-18", 2, 30)
    )
    Flag.objects.create(
        camera=cameras["S2"], kind="charging_overdue", raised_at=at("2026-02-20", 10), resolved_at=at("2026-02-21", 10)
    )
    Flag.objects.create(camera=cameras["S5"], kind="return_overdue", raised_at=at("2026-03-04", 8, 5))

    fill_first_docked_at()  # the dock records above were written directly, not through record_charge
    tallies.rebuild()  # the check-outs likewise, not through the services that count them
    for camera in cameras.values():
        camera.refresh_from_db()
    return Fleet(
        officers=officers,
        cameras=cameras,
        units={"patrol": patrol, "traffic": traffic},
        shifts={"day": day, "evening": evening},
    )


@pytest.fixture
def supervisor_client(client, db):
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    return client
