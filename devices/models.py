"""Signal devices, the vehicles that carry them, and their pairings with cameras.

A *device* is a trigger that starts a camera recording (a holster sensor, a conducted-energy weapon
with a signal magazine, a vehicle's light-bar or door unit) or an accessory that fails in practice (a
mount, a spare battery). Each has its own asset tag, serial, model, firmware where it has one, battery
where it has one, status and history, as a camera does. A *vehicle* carries vehicle units. A *pairing*
links a device to a camera where the vendor needs one (others broadcast to any camera in range).
"""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from inventory.firmware import parse_firmware_version, validate_firmware_version
from inventory.models import MONEY_VALIDATORS, not_negative

from .lifecycle import DEVICE, ISSUED_STATUS, DeviceStatus


class DeviceKind(models.TextChoices):
    HOLSTER_SENSOR = "holster_sensor", "Holster sensor"
    SIGNAL_WEAPON = "signal_weapon", "Signal weapon (conducted-energy)"
    VEHICLE_UNIT = "vehicle_unit", "Vehicle signal unit"
    MOUNT = "mount", "Mount"
    SPARE_BATTERY = "spare_battery", "Spare battery"

    @classmethod
    def triggers(cls) -> tuple[DeviceKind, ...]:
        """The kinds that start a camera recording (the rest are accessories)."""
        return (cls.HOLSTER_SENSOR, cls.SIGNAL_WEAPON, cls.VEHICLE_UNIT)

    @classmethod
    def personal(cls) -> tuple[DeviceKind, ...]:
        """The kinds issued to an officer; a vehicle unit is installed in a vehicle instead."""
        return (cls.HOLSTER_SENSOR, cls.SIGNAL_WEAPON, cls.MOUNT, cls.SPARE_BATTERY)


class BatteryKind(models.TextChoices):
    NONE = "none", "No battery"
    COIN_CELL = "coin_cell", "Coin cell (replaced)"
    RECHARGEABLE = "rechargeable", "Rechargeable"


def add_months(day: date, months: int) -> date:
    """`day` moved `months` calendar months on (Jan 31 + 1 month is the last day of February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class DeviceModel(models.Model):
    """A make and model of device, e.g. Axon Signal Sidearm, Taser 10 with a signal magazine."""

    kind = models.CharField(max_length=20, choices=DeviceKind.choices)
    maker = models.CharField(max_length=60)
    name = models.CharField(max_length=60)
    battery = models.CharField(max_length=20, choices=BatteryKind.choices, default=BatteryKind.NONE)
    battery_life_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="How long a fitted battery lasts; empty takes the department default (12 months).",
    )
    needs_pairing = models.BooleanField(
        default=False, help_text="Whether the device must be paired with a camera (some broadcast to any in range)."
    )
    minimum_firmware = models.CharField(
        max_length=20, blank=True, validators=[validate_firmware_version], help_text="Empty when it has none."
    )

    class Meta:
        ordering = ["maker", "name"]
        constraints = [
            models.UniqueConstraint(fields=["maker", "name"], name="device_model_unique_name"),
            models.CheckConstraint(
                condition=Q(battery_life_months__isnull=True)
                | Q(battery_life_months__gte=1, battery_life_months__lte=120),
                name="device_model_battery_life_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.maker} {self.name}"

    @property
    def has_battery(self) -> bool:
        return self.battery != BatteryKind.NONE

    @property
    def battery_months(self) -> int:
        """How long a fitted battery lasts: the model's figure, else the department default."""
        return self.battery_life_months or settings.DEVICE_BATTERY_LIFE_MONTHS


class Vehicle(models.Model):
    """A cruiser or other vehicle that carries a signal unit (light bar or door trigger)."""

    unit_number = models.CharField(max_length=20, unique=True, help_text="The number painted on the vehicle.")
    assigned_unit = models.ForeignKey(
        "assignments.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="vehicles"
    )
    plate = models.CharField(max_length=12, blank=True)
    fleet_number = models.CharField(max_length=20, blank=True)
    in_service = models.BooleanField(default=True, help_text="Out of service: in the garage, not on patrol.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit_number"]

    def __str__(self) -> str:
        return f"Vehicle {self.unit_number}"

    def get_absolute_url(self) -> str:
        return reverse("devices:vehicle_detail", args=[self.unit_number])


class DeviceQuerySet(models.QuerySet):
    def in_service(self) -> DeviceQuerySet:
        return self.exclude(status__in=DEVICE.out_of_service)

    def triggers(self) -> DeviceQuerySet:
        return self.filter(model__kind__in=DeviceKind.triggers())


class Device(models.Model):
    # The statuses and the rules between them are the device's lifecycle (devices/lifecycle.py).
    Status = DeviceStatus

    asset_tag = models.CharField(max_length=30, unique=True, help_text="The label on the device.")
    serial_number = models.CharField(max_length=60, unique=True, help_text="The manufacturer's serial number.")
    model = models.ForeignKey(DeviceModel, on_delete=models.PROTECT, related_name="devices")
    firmware_version = models.CharField(max_length=20, blank=True, validators=[validate_firmware_version])
    battery_fitted_on = models.DateField(
        null=True, blank=True, help_text="When the current battery went in (coin cells are replaced)."
    )
    status = models.CharField(max_length=20, choices=DeviceStatus.choices, default=DEVICE.initial, db_index=True)
    # Issued to one officer (personal) or installed in one vehicle, never both; neither while in stock.
    officer = models.ForeignKey(
        "assignments.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    vehicle = models.ForeignKey(Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="devices")
    issued_at = models.DateTimeField(null=True, blank=True)
    purchase_batch = models.CharField(max_length=40, blank=True)
    purchased_on = models.DateField(null=True, blank=True)
    supplier = models.CharField(max_length=80, blank=True)
    purchase_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=MONEY_VALIDATORS, help_text="In dollars."
    )
    warranty_ends_on = models.DateField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    lost_incident_number = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["asset_tag"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ISSUED_STATUS, issued_at__isnull=False)
                & (Q(officer__isnull=False, vehicle__isnull=True) | Q(officer__isnull=True, vehicle__isnull=False))
                | ~Q(status=ISSUED_STATUS) & Q(officer__isnull=True, vehicle__isnull=True),
                name="device_issued_to_one_holder",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeviceStatus.LOST) | ~Q(lost_incident_number=""),
                name="device_lost_has_incident_number",
            ),
            models.CheckConstraint(condition=DEVICE.status_condition(DeviceStatus.values), name="device_status_known"),
            models.CheckConstraint(condition=not_negative("purchase_price"), name="device_purchase_price_not_negative"),
        ]
        indexes = [
            models.Index(fields=["officer"], condition=Q(officer__isnull=False), name="device_by_officer"),
            models.Index(fields=["vehicle"], condition=Q(vehicle__isnull=False), name="device_by_vehicle"),
            # The list's firmware choices (SELECT DISTINCT firmware_version): index only, 6 ms where the
            # table took 45-65 ms at 57,000 devices.
            models.Index(fields=["firmware_version"], name="device_firmware_version"),
        ]

    def __str__(self) -> str:
        return self.asset_tag

    def get_absolute_url(self) -> str:
        return reverse("devices:device_detail", args=[self.asset_tag])

    @property
    def battery_replace_by(self) -> date | None:
        """When the fitted battery is due for replacement (None: no battery, or no fitting recorded)."""
        if not self.model.has_battery or self.battery_fitted_on is None:
            return None
        return add_months(self.battery_fitted_on, self.model.battery_months)

    @property
    def firmware_below_minimum(self) -> bool:
        """The recorded firmware is older than the model's minimum (False when either is unknown)."""
        have, need = parse_firmware_version(self.firmware_version), parse_firmware_version(self.model.minimum_firmware)
        return have is not None and need is not None and have < need

    @property
    def holder_label(self) -> str:
        """Whom or what the device is issued to, in words ("" in stock)."""
        if self.officer_id is not None:
            return f"{self.officer.display_name} (badge {self.officer.badge_number})"
        if self.vehicle_id is not None:
            return str(self.vehicle)
        return ""


class PairingQuerySet(models.QuerySet):
    def open(self) -> PairingQuerySet:
        return self.filter(unpaired_at__isnull=True)


class Pairing(models.Model):
    """A device paired with a camera, from `paired_at` until `unpaired_at` (open while empty)."""

    camera = models.ForeignKey("inventory.Camera", on_delete=models.PROTECT, related_name="pairings")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="pairings")
    paired_at = models.DateTimeField(default=timezone.now)
    unpaired_at = models.DateTimeField(null=True, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-paired_at"]
        constraints = [
            # A device is paired with one camera at a time; a camera may have several devices.
            models.UniqueConstraint(
                fields=["device"], condition=Q(unpaired_at__isnull=True), name="pairing_one_open_per_device"
            ),
            models.CheckConstraint(
                condition=Q(unpaired_at__isnull=True) | Q(unpaired_at__gte=models.F("paired_at")),
                name="pairing_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["camera"], condition=Q(unpaired_at__isnull=True), name="pairing_open_by_camera")
        ]

    def __str__(self) -> str:
        return f"{self.device} ↔ {self.camera}"


class DeviceFlagQuerySet(models.QuerySet):
    def open(self) -> DeviceFlagQuerySet:
        return self.filter(resolved_at__isnull=True)


class DeviceFlag(models.Model):
    """A condition on a device or a vehicle that needs a person; raised and resolved by the sweep, never
    duplicated (one open flag per device or vehicle and kind), kept after it is resolved."""

    class Kind(models.TextChoices):
        BATTERY_DUE = "device_battery_due", "Device battery due for replacement"
        FIRMWARE_BELOW_MINIMUM = "device_firmware_below_minimum", "Device firmware below minimum"
        OUT_WITHOUT_REPLACEMENT = "device_out_without_replacement", "Device out of service, no replacement issued"
        VEHICLE_WITHOUT_SIGNAL = "vehicle_without_signal", "Vehicle in service without a working signal unit"
        NOT_SEEN = "device_not_seen", "Device not seen in a stocktake or hand-over"

    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.PROTECT, related_name="flags")
    vehicle = models.ForeignKey(Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)

    objects = DeviceFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(device__isnull=False, vehicle__isnull=True) | Q(device__isnull=True, vehicle__isnull=False),
                name="device_flag_on_device_or_vehicle",
            ),
            models.CheckConstraint(
                condition=Q(kind="vehicle_without_signal", vehicle__isnull=False)
                | ~Q(kind="vehicle_without_signal") & Q(device__isnull=False),
                name="device_flag_kind_fits_subject",
            ),
            models.UniqueConstraint(
                fields=["device", "kind"],
                condition=Q(resolved_at__isnull=True, device__isnull=False),
                name="device_flag_one_open_per_device_kind",
            ),
            models.UniqueConstraint(
                fields=["vehicle", "kind"],
                condition=Q(resolved_at__isnull=True, vehicle__isnull=False),
                name="device_flag_one_open_per_vehicle_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind"], condition=Q(resolved_at__isnull=True), name="device_flag_open_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.device or self.vehicle}"
