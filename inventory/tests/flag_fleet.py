"""Helpers for the sweep tests: a clock to sweep at, and a small fleet with every flag kind planted."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import time_machine
from django.conf import settings

from assignments.models import Checkout
from devices.models import DeviceKind
from hartford_bwc.factories import CameraFactory, DeviceFactory, DeviceModelFactory, OfficerFactory, VehicleFactory
from hartford_bwc.testing import issue_device, take_device_out
from inventory.flags.sweep import SweepReport, run_sweep
from inventory.models import Camera, Flag, MaintenanceRecord


def local(*args) -> datetime:
    """An aware datetime in the department's time zone."""
    import zoneinfo

    return datetime(*args, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def sweep_at(moment: datetime) -> SweepReport:
    with time_machine.travel(moment, tick=False):
        return run_sweep()


def open_kinds(camera: Camera) -> set[str]:
    return set(Flag.objects.open().filter(camera=camera).values_list("kind", flat=True))


def open_flags() -> set[tuple[str, str]]:
    return set(Flag.objects.open().values_list("kind", "camera__asset_tag"))


def plant_every_kind(per_kind: int, now: datetime) -> dict[str, set[str]]:
    """`per_kind` cameras for each flag kind (plus as many healthy ones); returns kind -> asset tags."""
    officers = iter(OfficerFactory.create_batch(per_kind * 2))
    planted: dict[str, set[str]] = {kind: set() for kind in Flag.Kind.values}

    def camera(kind: str, **fields) -> Camera:
        made = CameraFactory(**{"pool": Camera.Pool.PERSONAL, **fields})
        planted[kind].add(made.asset_tag)
        return made

    for _ in range(per_kind):
        CameraFactory()  # healthy
        camera(Flag.Kind.CHARGING_OVERDUE, pool=Camera.Pool.SPARE, last_full_charge_at=now - timedelta(hours=80))
        camera(
            Flag.Kind.NOT_DOCKED,
            last_returned_at=now - timedelta(hours=2),
            last_docked_at=now - timedelta(hours=20),
            last_full_charge_at=now - timedelta(hours=19),
        )
        camera(Flag.Kind.INSPECTION_DUE, last_inspected_at=now - timedelta(days=95))
        camera(Flag.Kind.INSPECTION_OVERDUE, last_inspected_at=now - timedelta(days=120))
        out = camera(Flag.Kind.RETURN_OVERDUE, status=Camera.Status.CHECKED_OUT, last_docked_at=None)
        Checkout.objects.create(
            camera=out,
            officer=next(officers),
            checked_out_at=now - timedelta(hours=14),
            due_back_at=now - timedelta(hours=2),
        )
        damaged = camera(Flag.Kind.DAMAGED_NOT_IN_MAINTENANCE, status=Camera.Status.IN_MAINTENANCE)
        MaintenanceRecord.objects.create(
            camera=damaged, kind="repair", problem="Cracked lens.", opened_at=now - timedelta(hours=30)
        )
        vendor = camera(Flag.Kind.REPAIR_OVERDUE, status=Camera.Status.IN_MAINTENANCE)
        MaintenanceRecord.objects.create(
            camera=vendor,
            kind="repair",
            performed_by="vendor",
            rma_number="RMA-1",
            opened_at=now - timedelta(days=40),
            started_at=now - timedelta(days=40),
        )
        camera(Flag.Kind.FIRMWARE_BELOW_MINIMUM, firmware_version="3.1.7")
        camera(Flag.Kind.REFRESH_DUE, purchased_on=(now - timedelta(days=1000)).date())
        camera(Flag.Kind.NOT_SEEN, last_seen_at=now - timedelta(days=100))
    return planted


def _sensor(**kwargs):
    return DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.HOLSTER_SENSOR), **kwargs)


def _vehicle_unit(**kwargs):
    return DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT, minimum_firmware="1.0.0"), **kwargs)


def plant_device_flags(per_kind: int, now: datetime) -> None:
    """`per_kind` devices or vehicles for each device flag kind, and as many healthy ones."""
    with time_machine.travel(now - timedelta(days=5), tick=False):
        for _ in range(per_kind):
            officer = OfficerFactory()
            issue_device(_sensor(battery_fitted_on=now.date()), officer=officer)  # healthy
            _sensor(battery_fitted_on=date(2024, 1, 1))
            DeviceFactory(
                model=DeviceModelFactory(kind=DeviceKind.SIGNAL_WEAPON, minimum_firmware="2.0.0"),
                firmware_version="1.0.0",
                battery_fitted_on=now.date(),
            )
            VehicleFactory()
            issue_device(_vehicle_unit(battery_fitted_on=now.date()), vehicle=VehicleFactory())  # healthy
            lost = issue_device(
                DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.SIGNAL_WEAPON), battery_fitted_on=now.date()),
                officer=officer,
            )
            take_device_out(lost, "lost")
    # Not seen: in stock since before NOT_SEEN_FLAG_DAYS, never scanned or handled since.
    with time_machine.travel(now - timedelta(days=settings.NOT_SEEN_FLAG_DAYS + 10), tick=False):
        for _ in range(per_kind):
            _sensor(battery_fitted_on=now.date())
