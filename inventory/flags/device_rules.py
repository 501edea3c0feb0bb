"""The signal devices' flag conditions, as querysets over the whole fleet (never a loop over devices).

- battery due: an in-service device whose model has a battery (a coin cell, or a rechargeable pack:
  both wear out), fitted (or, with no fitting recorded, bought) at least the model's battery life ago
  (DEVICE_BATTERY_LIFE_MONTHS when the model names none); due on the day the months are complete;
- firmware below minimum: an in-service device whose firmware reads lower than its model's minimum;
- vehicle without signal: a vehicle in service with no *working* vehicle unit installed;
- not seen: an in-service device (in stock, issued or in maintenance) last seen (scanned in a
  stocktake, or in hand at an issue, install, return or when found) NOT_SEEN_FLAG_DAYS ago or more;
  never seen, it counts from the day it joined the inventory (as a camera does);
- out without replacement (a trigger lost, in maintenance, or retired in the last
  DEVICE_RETIRED_REPLACEMENT_DAYS, whose last holder has no other trigger of that kind issued) reads
  the device's history, so it lives in `inventory.flags.devices`.

A *working* device is issued and meets neither the battery nor the firmware condition: the same
test as the sweep's flags, computed from the rows (not from the open flags, which this very sweep is
about to change), so the vehicle rule and the signal-readiness report agree with the flags.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from devices.lifecycle import ISSUED_STATUS
from devices.models import BatteryKind, Device, DeviceKind, DeviceModel, Vehicle
from hartford_bwc.months import add_months

from ..firmware import parse_firmware_version

log = logging.getLogger(__name__)


def battery_life_months(model_months: int | None) -> int:
    return model_months or settings.DEVICE_BATTERY_LIFE_MONTHS


def battery_due_on(fitted: date, model_months: int | None) -> date:
    """The day a battery fitted on `fitted` is due for replacement."""
    return add_months(fitted, battery_life_months(model_months))


@dataclass
class DeviceFacts:
    """What the device rules work out once per sweep or report (two small queries, on first use)."""

    today: date
    _battery: Q | None = field(default=None, repr=False)
    _firmware: Q | None = field(default=None, repr=False)

    def battery_due(self) -> Q:
        """Devices (aliased with `fitted`, see `with_fitted`) whose battery is due today."""
        if self._battery is None:
            by_months: dict[int, list[int]] = defaultdict(list)
            rows = DeviceModel.objects.exclude(battery=BatteryKind.NONE).values_list("pk", "battery_life_months")
            for pk, months in rows.order_by():
                by_months[battery_life_months(months)].append(pk)
            condition = Q(pk__in=[])
            for months, model_ids in sorted(by_months.items()):
                # Due on the day the months are complete: fitted on or before today less the months.
                condition |= Q(model_id__in=model_ids, fitted__lte=add_months(self.today, -months))
            self._battery = condition
        return self._battery

    def firmware_low(self) -> Q:
        """Devices whose firmware reads lower than their model's minimum (versions compared as numbers)."""
        if self._firmware is None:
            pairs = (
                Device.objects.in_service()
                .exclude(model__minimum_firmware="")
                .exclude(firmware_version="")
                .order_by()
                .values_list("model_id", "model__minimum_firmware", "firmware_version")
                .distinct()
            )
            low: dict[int, list[str]] = defaultdict(list)
            for model_id, minimum, version in pairs:
                floor, parsed = parse_firmware_version(minimum), parse_firmware_version(version)
                if parsed is None or floor is None:
                    log.warning("Device firmware %r (minimum %r) cannot be compared; not flagged.", version, minimum)
                    continue
                if parsed < floor:
                    low[model_id].append(version)
            condition = Q(pk__in=[])
            for model_id, versions in sorted(low.items()):
                condition |= Q(model_id=model_id, firmware_version__in=sorted(versions))
            self._firmware = condition
        return self._firmware

    def working(self, devices: QuerySet[Device] | None = None) -> QuerySet[Device]:
        """Issued devices that meet neither the battery nor the firmware condition."""
        devices = Device.objects.all() if devices is None else devices
        return (
            with_fitted(devices.filter(status=ISSUED_STATUS)).exclude(self.battery_due()).exclude(self.firmware_low())
        )


def with_fitted(devices: QuerySet[Device]) -> QuerySet[Device]:
    # No fitting recorded: the battery came with the device.
    return devices.alias(fitted=Coalesce("battery_fitted_on", "purchased_on"))


def battery_due(facts: DeviceFacts) -> QuerySet[Device]:
    return with_fitted(Device.objects.in_service().order_by()).filter(facts.battery_due())


def firmware_low(facts: DeviceFacts) -> QuerySet[Device]:
    return Device.objects.in_service().order_by().filter(facts.firmware_low())


def working_vehicle_units(facts: DeviceFacts) -> QuerySet[Device]:
    return facts.working(Device.objects.filter(model__kind=DeviceKind.VEHICLE_UNIT))


def vehicles_without_signal(facts: DeviceFacts) -> QuerySet[Vehicle]:
    """Vehicles in service with no working vehicle unit installed."""
    working = working_vehicle_units(facts).filter(vehicle=OuterRef("pk"))
    return Vehicle.objects.filter(in_service=True).order_by().filter(~Exists(working))


def not_seen_cutoff(now: datetime) -> datetime:
    # Flagged on the 90th day: seen at or before now - 90 days (the camera rule's boundary).
    return now - timedelta(days=settings.NOT_SEEN_FLAG_DAYS)


def not_seen(now: datetime) -> QuerySet[Device]:
    """In-service devices not seen for NOT_SEEN_FLAG_DAYS (never seen: since they were added)."""
    return (
        Device.objects.in_service()
        .order_by()
        .alias(seen=Coalesce("last_seen_at", "created_at"))
        .filter(seen__lte=not_seen_cutoff(now))
    )
