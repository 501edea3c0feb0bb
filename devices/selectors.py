"""Reads of signal devices and vehicles: the lists (with what each row shows, in a fixed number of
queries), one device's or vehicle's page, and what the camera page, the officer page and the kiosk
show of the devices around a camera or an officer."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assignments import name_search
from assignments.models import Officer
from audit.actions import Action
from audit.models import AuditEvent
from inventory.models import Camera

from .lifecycle import DEVICE, ISSUED_STATUS
from .models import Device, DeviceFlag, DeviceKind, DeviceModel, Pairing, Vehicle, add_months

# A vehicle unit does not work while one of these is open on it (raised by the sweep).
NOT_WORKING_FLAGS = (DeviceFlag.Kind.BATTERY_DUE, DeviceFlag.Kind.FIRMWARE_BELOW_MINIMUM)

HISTORY_PER_PAGE = 25


# --- the device list -------------------------------------------------------------------------------


def _open_pairings() -> Prefetch:
    return Prefetch("pairings", queryset=Pairing.objects.open().select_related("camera"), to_attr="open_pairings")


def _open_flags() -> Prefetch:
    return Prefetch("flags", queryset=DeviceFlag.objects.open().order_by("kind"), to_attr="open_flags")


def device_list() -> QuerySet[Device]:
    """Devices with their model, holder, pairing and open flags: three queries a page whatever its size."""
    return (
        Device.objects.select_related("model", "officer", "vehicle")
        # One sortable holder: the officer's last name, else the vehicle's number ("" in stock).
        .annotate(holder_name=Coalesce("officer__last_name", "vehicle__unit_number"))
        .prefetch_related(_open_pairings(), _open_flags())
    )


def device_models_by_id() -> dict[int, DeviceModel]:
    """Every device model (a handful), by id: the export reads each device's as values, not a join per row."""
    return {model.pk: model for model in DeviceModel.objects.all()}


def open_pairing_cameras(devices: QuerySet[Device]) -> dict[int, str]:
    """{device id: the asset tag of the camera it is paired with} for these devices, in one query."""
    rows = (
        Pairing.objects.open()
        .filter(device_id__in=devices.order_by().values("pk"))
        .order_by()
        .values_list("device_id", "camera__asset_tag")
    )
    return dict(rows.iterator(chunk_size=2000))


def open_device_flag_kinds(devices: QuerySet[Device]) -> dict[int, list[str]]:
    """{device id: its open flags' kinds, in kind order} for these devices, in one query."""
    kinds: dict[int, list[str]] = {}
    rows = (
        DeviceFlag.objects.open()
        .filter(device_id__in=devices.order_by().values("pk"))
        .order_by("device_id", "kind")
        .values_list("device_id", "kind")
    )
    for device_id, kind in rows.iterator(chunk_size=2000):
        kinds.setdefault(device_id, []).append(kind)
    return kinds


def search_devices(queryset: QuerySet[Device], text: str) -> QuerySet[Device]:
    """Asset tag, serial number, the officer it is issued to (as the tables show one: "Ofc. Emily
    Murphy", "#4411") or the vehicle it is in (unit number or plate).

    A UNION of narrow lookups, as the camera search does, so that each can use its own index.
    """
    text = " ".join(text.split())
    if not text:
        return queryset
    found = (
        Device.objects.filter(asset_tag__icontains=text)
        .values("pk")
        .order_by()
        .union(Device.objects.filter(serial_number__icontains=text).values("pk").order_by())
        .union(
            Device.objects.filter(Q(vehicle__unit_number__iexact=text.lstrip("#")) | Q(vehicle__plate__iexact=text))
            .values("pk")
            .order_by()
        )
    )
    name = name_search.parse(text)
    if name.words or name.rank:
        holder = Q(officer__rank=name.rank) if name.rank else Q()
        for word in name.words:
            holder &= (
                Q(officer__first_name__icontains=word)
                | Q(officer__last_name__icontains=word)
                | Q(officer__badge_number__iexact=word)
            )
        found = found.union(Device.objects.filter(holder).values("pk").order_by())
    return queryset.filter(pk__in=found)


def battery_due_by(queryset: QuerySet[Device], day: date) -> QuerySet[Device]:
    """Devices whose fitted battery is due for replacement on or before `day`.

    The due date is the fitting date plus the model's battery life (or the department default), so
    the condition is one range per distinct battery life among the models: a handful of terms.
    """
    lives = set(DeviceModel.objects.exclude(battery="none").values_list("battery_life_months", flat=True).distinct())
    condition = Q(pk__in=[])
    for months in lives:
        life = months or settings.DEVICE_BATTERY_LIFE_MONTHS
        # Fitted on or before the latest day whose replacement date is `day` or earlier.
        latest = _latest_fitting_due_by(day, life)
        same_life = Q(model__battery_life_months=months) if months else Q(model__battery_life_months__isnull=True)
        condition |= same_life & Q(battery_fitted_on__lte=latest)
    return queryset.exclude(model__battery="none").filter(condition)


def _latest_fitting_due_by(day: date, months: int) -> date:
    """The latest fitting date whose replacement date (`add_months(fitted, months)`) is on or before `day`."""
    guess = add_months(day, -months)
    # Month ends make add_months many-to-one (Jan 29-31 + 1 month = Feb 28): step forward while still due.
    while add_months(guess + timedelta(days=1), months) <= day:
        guess += timedelta(days=1)
    return guess


def firmware_versions() -> list[str]:
    return list(
        Device.objects.exclude(firmware_version="")
        .order_by("firmware_version")
        .values_list("firmware_version", flat=True)
        .distinct()
    )


# --- one device ----------------------------------------------------------------------------------


@dataclass
class History:
    events: list[AuditEvent]
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass
class DevicePage:
    device: Device
    pairing: Pairing | None
    open_flags: list[DeviceFlag]
    history: History


def device_by_tag(asset_tag: str) -> Device | None:
    return Device.objects.select_related("model", "officer__unit", "vehicle").filter(asset_tag=asset_tag).first()


def _history(queryset: QuerySet[AuditEvent], page: int) -> History:
    start = (page - 1) * HISTORY_PER_PAGE
    # One more than a page: whether an older page exists, without a COUNT.
    events = list(
        queryset.select_related("officer", "camera").order_by("-occurred_at", "-pk")[
            start : start + HISTORY_PER_PAGE + 1
        ]
    )
    return History(events=events[:HISTORY_PER_PAGE], page=page, has_next=len(events) > HISTORY_PER_PAGE)


def device_history(device: Device, *, page: int = 1) -> History:
    """The device's audit trail, newest first (audit's index on object_type, object_id)."""
    return _history(AuditEvent.objects.filter(object_type=Device._meta.label, object_id=str(device.pk)), page)


def device_page(device: Device, *, page: int = 1) -> DevicePage:
    """Everything the device page shows: its pairing, open flags and one page of its history."""
    return DevicePage(
        device=device,
        pairing=Pairing.objects.open().select_related("camera").filter(device=device).first(),
        open_flags=list(DeviceFlag.objects.open().filter(device=device).order_by("kind")),
        history=device_history(device, page=page),
    )


# --- vehicles --------------------------------------------------------------------------------------


def working_unit_condition() -> Q:
    """A device that works as a vehicle's signal unit: a vehicle unit installed (issued), with no open
    flag saying its battery is due or its firmware below the minimum."""
    broken = DeviceFlag.objects.open().filter(device=OuterRef("pk"), kind__in=NOT_WORKING_FLAGS)
    return Q(model__kind=DeviceKind.VEHICLE_UNIT, status=ISSUED_STATUS) & ~Q(Exists(broken))


def installed_devices() -> QuerySet[Device]:
    broken = DeviceFlag.objects.open().filter(device=OuterRef("pk"), kind__in=NOT_WORKING_FLAGS)
    return (
        Device.objects.filter(vehicle__isnull=False)
        .select_related("model")
        .annotate(has_problem=Exists(broken))
        .order_by("asset_tag")
    )


def vehicle_list(*, with_working_unit: bool = True) -> QuerySet[Vehicle]:
    """Vehicles with their unit and installed devices, and (`with_working_unit`) whether a signal unit in
    them works, as the annotation `has_working_unit` that sorts and filters.

    Without it a page asks for its own vehicles (vehicles_with_working_unit): for a page, PostgreSQL
    works the annotation out for every vehicle, one hashed pass over every issued signal unit (7-9 ms
    at 7,500 cruisers), as it plans for the whole list rather than the 25 rows shown.
    """
    vehicles = Vehicle.objects.select_related("assigned_unit").prefetch_related(
        Prefetch("devices", queryset=installed_devices(), to_attr="installed")
    )
    if with_working_unit:
        working = Device.objects.filter(working_unit_condition(), vehicle=OuterRef("pk"))
        vehicles = vehicles.annotate(has_working_unit=Exists(working))
    return vehicles


def vehicles_with_working_unit(vehicle_ids: Collection[int]) -> set[int]:
    """Which of these vehicles have a working signal unit, in one query."""
    working = Device.objects.filter(working_unit_condition(), vehicle_id__in=vehicle_ids)
    return set(working.values_list("vehicle_id", flat=True))


def search_vehicles(queryset: QuerySet[Vehicle], text: str) -> QuerySet[Vehicle]:
    text = " ".join(text.split()).lstrip("#")
    if not text:
        return queryset
    return queryset.filter(
        Q(unit_number__icontains=text)
        | Q(plate__icontains=text)
        | Q(fleet_number__icontains=text)
        | Q(devices__asset_tag__iexact=text)
    ).distinct()


@dataclass
class VehiclePage:
    vehicle: Vehicle
    installed: list[Device]
    has_working_unit: bool
    open_flags: list[DeviceFlag]
    units_in_stock: list[Device]
    history: History


def vehicle_by_number(unit_number: str) -> Vehicle | None:
    return vehicle_list().filter(unit_number=unit_number).first()


def units_in_stock() -> QuerySet[Device]:
    """The vehicle signal units that may be installed now."""
    return (
        Device.objects.filter(model__kind=DeviceKind.VEHICLE_UNIT)
        .filter(DEVICE.status_condition(DEVICE.sources("install_in_vehicle")))
        .select_related("model")
        .order_by("asset_tag")
    )


def vehicle_history(vehicle: Vehicle, *, page: int = 1) -> History:
    """The vehicle's own events, and every signal unit installed in it or taken out of it."""
    own = Q(object_type=Vehicle._meta.label, object_id=str(vehicle.pk))
    installs = Q(object_type=Device._meta.label, action__in=[Action.DEVICE_INSTALL, Action.DEVICE_RETURN]) & (
        Q(after__vehicle=vehicle.unit_number) | Q(before__vehicle=vehicle.unit_number)
    )
    return _history(AuditEvent.objects.filter(own | installs), page)


def vehicle_page(vehicle: Vehicle, *, page: int = 1, with_stock: bool = False) -> VehiclePage:
    """Everything the vehicle page shows; `with_stock` adds the units that could be installed (for staff
    who may install one)."""
    return VehiclePage(
        vehicle=vehicle,
        installed=list(getattr(vehicle, "installed", [])),
        has_working_unit=bool(getattr(vehicle, "has_working_unit", False)),
        open_flags=list(DeviceFlag.objects.open().filter(vehicle=vehicle).order_by("kind")),
        units_in_stock=list(units_in_stock()) if with_stock else [],
        history=vehicle_history(vehicle, page=page),
    )


# --- around a camera or an officer ------------------------------------------------------------------


def camera_pairings(camera: Camera) -> list[Pairing]:
    """The devices paired with the camera now, with their model and holder."""
    return list(
        Pairing.objects.open()
        .filter(camera=camera)
        .select_related("device__model", "device__officer", "device__vehicle")
        .order_by("device__asset_tag")
    )


def officer_devices(officer: Officer) -> list[Device]:
    """The devices issued to the officer now, each with the asset tag of the camera it is paired with
    (`paired_camera_tag`, None when unpaired): one query."""
    paired = Pairing.objects.open().filter(device=OuterRef("pk")).values("camera__asset_tag")[:1]
    return list(
        Device.objects.filter(officer=officer)
        .select_related("model")
        .annotate(paired_camera_tag=Subquery(paired))
        .order_by("model__kind", "asset_tag")
    )


@dataclass
class SignalLinks:
    """What the kiosk shows an officer who has just taken `camera`: the triggers paired with it, the
    officer's own triggers that start any camera in range, and their own that need a pairing this
    camera lacks (the quartermaster pairs them)."""

    paired: list[Device]
    own_any_camera: list[Device]
    own_not_paired: list[Device]

    def __bool__(self) -> bool:
        return bool(self.paired or self.own_any_camera or self.own_not_paired)


def signal_links(*, camera: Camera, officer: Officer) -> SignalLinks:
    """One query: the triggers out with someone (issued to an officer or installed in a vehicle) that
    are paired with the camera or issued to the officer; one on the shelf or in repair starts nothing.

    The candidates are a UNION of two index lookups (the officer's devices, the camera's open
    pairings): an OR of the two over the device table checked every issued device for a pairing, a
    scan of 57,000 devices at 30,000 cameras (65 ms on each kiosk check-out's confirmation screen).
    """
    paired_here = Pairing.objects.open().filter(camera=camera, device=OuterRef("pk"))
    candidates = (
        Device.objects.filter(officer=officer)
        .values("pk")
        .order_by()
        .union(Pairing.objects.open().filter(camera=camera).values("device_id").order_by())
    )
    devices = list(
        Device.objects.triggers()
        .filter(status=ISSUED_STATUS, pk__in=candidates)
        .annotate(paired_here=Exists(paired_here))
        .select_related("model")
        .order_by("model__kind", "asset_tag")
    )
    own = [d for d in devices if d.officer_id == officer.pk and not d.paired_here]
    return SignalLinks(
        paired=[d for d in devices if d.paired_here],
        own_any_camera=[d for d in own if not d.model.needs_pairing],
        own_not_paired=[d for d in own if d.model.needs_pairing],
    )
