"""The demo's signal activation kit: device models (Axon Signal Sidearm, Taser 10, Axon Signal Vehicle,
mounts, spare batteries), holster sensors for most uniformed officers, signal weapons for some, a cruiser
with a vehicle signal unit for every four cameras or so (120 at Hartford's 475), each assigned to a unit;
and what the flag sweep must catch: batteries over due (and some close to it), a firmware below its
model's minimum or two, a lost sensor nobody replaced, a cruiser whose unit is in the shop, a spare
mount or two not seen for months.

It draws from its own random generator, after the camera fleet is written, so the camera fleet (and
every draw it makes) is the same as without it. Written with bulk_create: a few thousand rows at
30,000 cameras. Only the planted out-of-service devices get their issue events in the audit trail
(the sweep reads a device's last holder from them); the bulk issue of the rest is the seed's.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from assignments.models import Officer
from audit import services as audit
from audit.actions import Action
from devices.models import BatteryKind, Device, DeviceKind, DeviceModel, Vehicle

from .base import SEED_ACTOR, BuilderState

CRUISERS_PER_CAMERA = 120 / 475
SENSOR_SHARE, WEAPON_SHARE = 0.88, 0.35
# The uniformed units (the four patrol districts, traffic, community response): they drive cruisers.
UNIFORMED_UNITS = 6

MODELS: dict[str, dict[str, Any]] = {
    "sensor": dict(
        kind=DeviceKind.HOLSTER_SENSOR,
        maker="Axon",
        name="Signal Sidearm",
        battery=BatteryKind.COIN_CELL,
        minimum_firmware="1.2.0",
    ),
    "weapon": dict(
        kind=DeviceKind.SIGNAL_WEAPON,
        maker="Axon",
        name="Taser 10 (signal magazine)",
        battery=BatteryKind.RECHARGEABLE,
        battery_life_months=24,
        minimum_firmware="2.0.0",
    ),
    "vehicle": dict(kind=DeviceKind.VEHICLE_UNIT, maker="Axon", name="Signal Vehicle", minimum_firmware="3.0.0"),
    "mount": dict(kind=DeviceKind.MOUNT, maker="Axon", name="RapidLock magnet mount"),
    "battery": dict(kind=DeviceKind.SPARE_BATTERY, maker="Axon", name="Signal Sidearm CR2032 spare"),
}
FIRMWARE = {"sensor": "1.3.2", "weapon": "2.1.4", "vehicle": "3.1.0", "mount": "", "battery": ""}
OLD_FIRMWARE = {"sensor": "1.1.0", "weapon": "1.9.8", "vehicle": "2.8.0"}
PRICES = {"sensor": "139.00", "weapon": "1899.00", "vehicle": "449.00", "mount": "29.00", "battery": "6.50"}
TAGS = {"sensor": "HPD-HS", "weapon": "HPD-CEW", "vehicle": "HPD-VU", "mount": "HPD-MNT", "battery": "HPD-BAT"}


class Signal(BuilderState):
    """The builder step for the signal devices and cruisers (demo.builder.Builder composes it)."""

    seed: int

    def signal_devices(self) -> None:
        rng = random.Random(f"signal-{self.seed}")
        today = timezone.localdate(self.now)
        models = {key: DeviceModel.objects.create(**fields) for key, fields in MODELS.items()}
        uniformed = [o for o in self.officers if o.shift_id is not None and o.is_active]
        n_vehicles = max(2, round(self.n_cameras * CRUISERS_PER_CAMERA))
        units = self.units[:UNIFORMED_UNITS]
        vehicles = Vehicle.objects.bulk_create(
            [
                Vehicle(
                    unit_number=f"{101 + i}",
                    assigned_unit=units[i % len(units)],
                    plate=f"HPD {2001 + i}",
                    fleet_number=f"CR-{19 + i % 7}-{101 + i:04d}",
                )
                for i in range(n_vehicles)
            ],
            batch_size=5000,
        )
        devices: list[Device] = []
        counters = dict.fromkeys(TAGS, 0)

        def make(key: str, **fields) -> Device:
            counters[key] += 1
            bought = today - timedelta(days=rng.randint(60, 700))
            device = Device(
                asset_tag=f"{TAGS[key]}-{counters[key]:05d}",
                serial_number=f"{key[:2].upper()}{rng.randrange(16**8):08X}{counters[key]:05d}",
                model=models[key],
                firmware_version=FIRMWARE[key],
                purchased_on=bought,
                purchase_batch="2026 signal pilot",
                supplier="Axon Enterprise (state contract)",
                purchase_price=Decimal(PRICES[key]),
                warranty_ends_on=bought + timedelta(days=365),
                **fields,
            )
            devices.append(device)
            return device

        issued_at = self.now - timedelta(days=self.days + 1)
        sensors = [o for o in uniformed if rng.random() < SENSOR_SHARE]
        for officer in sensors:
            # Coin cells fitted over the last ten months: none due yet (the planted ones below are).
            make(
                "sensor",
                status="issued",
                officer=officer,
                issued_at=issued_at,
                battery_fitted_on=today - timedelta(days=rng.randint(10, 300)),
            )
        for officer in uniformed:
            if rng.random() < WEAPON_SHARE:
                make(
                    "weapon",
                    status="issued",
                    officer=officer,
                    issued_at=issued_at,
                    battery_fitted_on=today - timedelta(days=rng.randint(30, 600)),
                )
        for vehicle in vehicles:
            make("vehicle", status="issued", vehicle=vehicle, issued_at=issued_at)
        for _ in range(max(2, self.n_cameras // 20)):
            make("mount")
        for _ in range(max(2, self.n_cameras // 25)):
            make("battery")
        # Spares on the shelf: a sensor or two, with fresh coin cells.
        for _ in range(max(1, self.n_cameras // 100)):
            make("sensor", battery_fitted_on=today - timedelta(days=rng.randint(1, 30)))
        lost = self._signal_problems(rng, today, [d for d in devices if d.model is models["sensor"] and d.officer])
        self._signal_not_seen(rng, [d for d in devices if d.model is models["mount"]])
        Device.objects.bulk_create(devices, batch_size=5000)
        self._signal_history(devices, lost)
        self.result.devices, self.result.vehicles = len(devices), len(vehicles)

    def _signal_problems(self, rng: random.Random, today: date, sensors: list[Device]) -> list[tuple[Device, Officer]]:
        """Batteries over and near due, a firmware below minimum or two, a lost sensor with no replacement;
        returns the lost sensors with the officer who had them."""
        planted = self.result.signal_planted
        picks = rng.sample(sensors, min(len(sensors), 4 * self.plants + 3))
        over, near, picks = picks[: self.plants], picks[self.plants : 3 * self.plants], picks[3 * self.plants :]
        for device in over:
            device.battery_fitted_on = today - timedelta(days=rng.randint(366, 430))
            planted["device_battery_due"].append(device.asset_tag)
        for device in near:
            device.battery_fitted_on = today - timedelta(days=rng.randint(330, 355))
        for device in picks[:2]:
            device.firmware_version = OLD_FIRMWARE["sensor"]
            planted["device_firmware_below_minimum"].append(device.asset_tag)
        lost = []
        for device in picks[2:3]:
            # Lost on patrol three days ago; no replacement issued yet.
            assert device.officer is not None
            lost.append((device, device.officer))
            device.status, device.officer, device.issued_at = "lost", None, None
            device.lost_incident_number = f"HPD-{today:%y}-{rng.randint(10000, 99999)}"
            planted["device_out_without_replacement"].append(device.asset_tag)
        return lost

    def _signal_not_seen(self, rng: random.Random, mounts: list[Device]) -> None:
        """Spare mounts at the back of a shelf: last handled months ago, past NOT_SEEN_FLAG_DAYS."""
        for device in rng.sample(mounts, min(len(mounts), self.plants)):
            device.created_at = self.now - timedelta(days=rng.randint(300, 500))
            device.last_seen_at = self.now - timedelta(days=settings.NOT_SEEN_FLAG_DAYS + rng.randint(5, 60))
            self.result.signal_planted["device_not_seen"].append(device.asset_tag)

    def _signal_history(self, devices: list[Device], lost: list[tuple[Device, Officer]]) -> None:
        """The planted out-of-service devices' issue and loss in the audit trail, and a cruiser whose unit
        went to the shop yesterday (its vehicle has no working unit, and no replacement is fitted)."""
        planted = self.result.signal_planted
        events = []
        issued = self.now - timedelta(days=self.days + 1)
        for device, holder in lost:
            events += [
                audit.PendingEvent(Action.DEVICE_ISSUE, device, officer=holder, after={"status": "issued"}, at=issued),
                audit.PendingEvent(
                    Action.DEVICE_REPORT_LOST,
                    device,
                    officer=holder,
                    before={"status": "issued"},
                    after={"status": "lost", "lost_incident_number": device.lost_incident_number},
                    at=self.now - timedelta(days=3),
                ),
            ]
        units = [d for d in devices if d.vehicle_id is not None]
        if units:
            unit = units[len(units) // 2]
            vehicle = unit.vehicle
            assert vehicle is not None
            shop = self.now - timedelta(days=1)
            events += [
                audit.PendingEvent(
                    Action.DEVICE_INSTALL,
                    unit,
                    after={"status": "issued", "vehicle_id": vehicle.pk, "vehicle": vehicle.unit_number},
                    at=self.now - timedelta(days=self.days + 1),
                ),
                audit.PendingEvent(
                    Action.DEVICE_MAINTENANCE_OPEN,
                    unit,
                    before={"status": "issued", "vehicle": vehicle.unit_number},
                    after={"status": "in_maintenance"},
                    reason="Light-bar trigger does not fire.",
                    at=shop,
                ),
            ]
            Device.objects.filter(pk=unit.pk).update(status="in_maintenance", vehicle=None, issued_at=None)
            planted["vehicle_without_signal"].append(vehicle.unit_number)
            planted["device_out_without_replacement"].append(unit.asset_tag)
        if events:
            audit.record_many(by=SEED_ACTOR, events=events)
