"""seed_demo's signal kit: sensors, weapons and cruisers in plausible numbers, the device flags the
sweep must raise right after seeding, and a camera fleet identical to the one seeded without the kit."""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from assignments.models import Checkout, Officer
from audit.services import verify_chain
from demo import services
from demo.builder import Builder
from devices.models import Device, DeviceFlag, DeviceKind, Vehicle
from inventory.flags.sweep import run_sweep
from inventory.models import Camera, ChargeEvent

NY = ZoneInfo("America/New_York")
SEEDED_AT = datetime(2026, 5, 12, 10, 0, tzinfo=NY)


def camera_fleet_fingerprint() -> str:
    """The camera fleet, its officers and its history, as one hash."""
    # By their own keys, not ids: the first seed's ids depend on what ran before it in the database.
    parts = [
        list(Camera.objects.order_by("asset_tag").values_list(
            "asset_tag", "serial_number", "status", "pool", "firmware_version", "purchased_on", "dock__name",
            "dock_bay", "last_full_charge_at", "last_inspected_at",
        )),
        list(Officer.objects.order_by("badge_number").values_list("badge_number", "first_name", "last_name", "unit__name", "shift__name")),
        list(Checkout.objects.order_by("checked_out_at", "camera__asset_tag").values_list(
            "camera__asset_tag", "officer__badge_number", "checked_out_at", "checked_in_at",
        )),
        list(ChargeEvent.objects.order_by("recorded_at", "camera__asset_tag", "kind").values_list("camera__asset_tag", "kind", "recorded_at")),
    ]  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@pytest.mark.django_db(transaction=True)  # the reset TRUNCATEs, which PostgreSQL refuses inside a test transaction
def test_the_signal_kit_leaves_the_camera_fleet_exactly_as_it_was(monkeypatch):
    with time_machine.travel(SEEDED_AT, tick=False):
        services.seed_fleet(cameras=120, days=5)
        with_kit = camera_fleet_fingerprint()
        assert Device.objects.exists()
        services.reset_fleet()
        monkeypatch.setattr(Builder, "signal_devices", lambda self: None)
        services.seed_fleet(cameras=120, days=5)
        assert not Device.objects.exists()
        assert camera_fleet_fingerprint() == with_kit


@pytest.mark.django_db
def test_the_hartford_kit_is_plausible_and_the_sweep_raises_what_was_planted():
    result = services.seed_fleet(cameras=475, days=3)
    uniformed = Officer.objects.filter(shift__isnull=False).count()
    sensors = Device.objects.filter(model__kind=DeviceKind.HOLSTER_SENSOR, officer__isnull=False).count()
    weapons = Device.objects.filter(model__kind=DeviceKind.SIGNAL_WEAPON, officer__isnull=False).count()
    assert 0.8 * uniformed <= sensors < uniformed, "holster sensors for most uniformed officers"
    assert 0.2 * uniformed <= weapons <= 0.5 * uniformed, "signal weapons for some"
    assert Vehicle.objects.count() == result.vehicles == 120
    assert not Vehicle.objects.filter(assigned_unit__isnull=True).exists()
    fitted = Device.objects.filter(model__kind=DeviceKind.VEHICLE_UNIT, vehicle__isnull=False).count()
    assert fitted == 119, "every cruiser has its unit, but the one in the shop"
    for kind in (DeviceKind.MOUNT, DeviceKind.SPARE_BATTERY):
        assert Device.objects.filter(model__kind=kind, status="in_stock").exists()

    report = run_sweep()
    planted = {(kind, tag) for kind, tags in result.signal_planted.items() for tag in tags}
    flagged = {
        (kind, tag or unit)
        for kind, tag, unit in DeviceFlag.objects.open().values_list(
            "kind", "device__asset_tag", "vehicle__unit_number"
        )
    }
    assert flagged == planted
    assert set(result.signal_planted) == set(DeviceFlag.Kind.values), "every device flag kind is planted"
    assert 3 <= report.counts["device_battery_due"].raised <= 5
    assert report.counts["device_firmware_below_minimum"].raised == 2
    assert verify_chain() is None, "the seed's audit events chain intact"
