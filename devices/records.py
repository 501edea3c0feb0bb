"""Adding devices and vehicles and editing what describes them, in bulk, through hartford_bwc.records.

The console's add and edit pages and the imports write through these: one transaction, writes in
batches, one append to the audit trail however many rows (as inventory.services.register_cameras).
A device's state (status, holder, pairing, loss) and a vehicle's service changes only through the
lifecycle's actions (devices.services), never here; a new device may start issued (an import of what
is already out there).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.functions import Upper
from django.utils import timezone

from audit.actions import Action
from audit.actor import Actor
from hartford_bwc import records
from hartford_bwc.errors import InvalidInput

from .models import Device, DeviceKind, Vehicle

#: What describes a device, as a person types it (the console's form, an import's row).
DEVICE_DESCRIPTION = (
    "asset_tag",
    "serial_number",
    "model",
    "firmware_version",
    "battery_fitted_on",
    "purchase_batch",
    "purchased_on",
    "supplier",
    "purchase_price",
    "warranty_ends_on",
    "notes",
)
#: Whom or what a new device is issued to (at most one; neither: in stock).
DEVICE_HOLDER = ("officer", "vehicle")

#: What describes a vehicle; `in_service` may be given for a new one only.
VEHICLE_DESCRIPTION = ("unit_number", "assigned_unit", "plate", "fleet_number", "notes")


def _only(values: Mapping[str, Any], allowed: Sequence[str], *, what: str) -> None:
    if extra := sorted(set(values) - set(allowed)):
        raise InvalidInput(
            f"{', '.join(extra)} cannot be set here: a {what}'s state changes only through its actions.",
            code="not_description",
        )


def _refuse_taken(
    model: type[Model], field: str, wanted: dict[str, int | None], *, message: str, code: str, also: str = ""
) -> None:
    """Refuse a value of `field` another record holds in any case (HPD-SIG-0412 and hpd-sig-0412 are one label).

    `wanted` maps each value to the record that may keep it (None for a new record). `message` is
    formatted with the holder's `value` and `also` (another of its fields).
    """
    upper: dict[str, int | None] = {}
    for value, pk in wanted.items():
        key = value.upper()
        if key in upper:
            raise InvalidInput(
                f"{value} is given twice ({field.replace('_', ' ')}); each is on one record only.", code=code
            )
        upper[key] = pk
    keys = list(upper)
    for start in range(0, len(keys), records.BATCH_SIZE):
        chunk = keys[start : start + records.BATCH_SIZE]
        holders: QuerySet = model._default_manager.annotate(key_upper=Upper(field)).filter(key_upper__in=chunk)
        for holder in holders.only("pk", field, *([also] if also else [])):
            if holder.pk != upper[getattr(holder, field).upper()]:
                raise InvalidInput(
                    message.format(value=getattr(holder, field), also=getattr(holder, also) if also else holder),
                    code=code,
                )


def _refuse_taken_device_keys(changes: Sequence[tuple[int | None, Mapping[str, Any]]]) -> None:
    tags = {values["asset_tag"]: pk for pk, values in changes if "asset_tag" in values}
    serials = {values["serial_number"]: pk for pk, values in changes if "serial_number" in values}
    _refuse_taken(
        Device,
        "asset_tag",
        tags,
        message="Asset tag {value} already belongs to the device with serial number {also}.",
        code="asset_tag_taken",
        also="serial_number",
    )
    _refuse_taken(
        Device,
        "serial_number",
        serials,
        message="Serial number {value} is already on file: {also}.",
        code="serial_number_taken",
        also="asset_tag",
    )


def _holder_fits(values: Mapping[str, Any]) -> None:
    """The database allows one holder; which one fits the kind is the form's rule, kept here for every caller."""
    officer, vehicle, model = values.get("officer"), values.get("vehicle"), values.get("model")
    if officer is not None and vehicle is not None:
        raise InvalidInput("A device is issued to an officer or installed in a vehicle, not both.", code="two_holders")
    if model is None:
        return
    if officer is not None and model.kind == DeviceKind.VEHICLE_UNIT:
        raise InvalidInput(f"{values.get('asset_tag')}: a vehicle signal unit goes into a vehicle.", code="bad_holder")
    if vehicle is not None and model.kind != DeviceKind.VEHICLE_UNIT:
        raise InvalidInput(
            f"{values.get('asset_tag')}: only a vehicle signal unit goes into a vehicle.", code="bad_holder"
        )


@transaction.atomic
def register_devices(
    *,
    devices: Sequence[Mapping[str, Any]],
    by: Actor,
    action: Action = Action.DEVICE_CREATE,
    reason: str = "",
    on_progress: records.Progress | None = None,
) -> list[Device]:
    """Add devices (each a mapping of DEVICE_DESCRIPTION fields, and optionally its holder), audited one by one.

    A new device is in stock, or issued at once to the officer or vehicle given.
    """
    now = timezone.now()
    rows = []
    for values in devices:
        _only(values, (*DEVICE_DESCRIPTION, *DEVICE_HOLDER), what="device")
        _holder_fits(values)
        issued = values.get("officer") is not None or values.get("vehicle") is not None
        status = Device.Status.ISSUED if issued else Device.Status.IN_STOCK
        rows.append({**values, "status": status, "issued_at": now if issued else None})
    _refuse_taken_device_keys([(None, values) for values in devices])
    return records.create_many(
        Device,
        rows,
        by=by,
        action=action,
        shown=(*DEVICE_DESCRIPTION, "status", *DEVICE_HOLDER),
        reason=reason,
        links=lambda device: {"officer": device.officer},
        on_progress=on_progress,
        conflict="Another device with one of these asset tags or serial numbers was added a moment ago; "
        "nothing was added. Check the list and try again.",
    )


def register_device(*, by: Actor, reason: str = "", **values: Any) -> Device:
    """Add one device (the console's "Add device")."""
    [device] = register_devices(devices=[values], by=by, reason=reason)
    return device


@transaction.atomic
def update_devices(
    *,
    changes: Sequence[tuple[Device, Mapping[str, Any]]],
    by: Actor,
    action: Action = Action.DEVICE_EDIT,
    reason: str = "",
    on_progress: records.Progress | None = None,
    locked: bool = False,
) -> list[records.Edit]:
    """Edit what describes each device (never its state); each device that changed is one audit event.

    `locked`: the caller read these devices with select_for_update in this transaction (an import's plan).
    """
    for _, values in changes:
        _only(values, DEVICE_DESCRIPTION, what="device")
    _refuse_taken_device_keys([(device.pk, values) for device, values in changes])
    return records.edit_many(
        Device,
        changes,
        by=by,
        action=action,
        reason=reason,
        links=lambda device: {"officer": device.officer} if device.officer_id else {},
        on_progress=on_progress,
        related=("model", "officer"),
        locked=locked,
        conflict="Another device took one of these asset tags or serial numbers a moment ago; nothing was saved.",
    )


def update_device(*, device: Device, by: Actor, reason: str = "", **values: Any) -> Device:
    """Edit one device's record (the console's "Edit"); an edit that changes nothing writes nothing."""
    update_devices(changes=[(device, values)], by=by, reason=reason)
    return Device.objects.select_related("model", "officer", "vehicle").get(pk=device.pk)


def _refuse_taken_unit_numbers(changes: Sequence[tuple[int | None, Mapping[str, Any]]]) -> None:
    _refuse_taken(
        Vehicle,
        "unit_number",
        {values["unit_number"]: pk for pk, values in changes if "unit_number" in values},
        message="Unit number {value} is already on file: {also}.",
        code="unit_number_taken",
    )


@transaction.atomic
def register_vehicles(
    *,
    vehicles: Sequence[Mapping[str, Any]],
    by: Actor,
    action: Action = Action.VEHICLE_CREATE,
    reason: str = "",
    on_progress: records.Progress | None = None,
) -> list[Vehicle]:
    """Add vehicles (each a mapping of VEHICLE_DESCRIPTION fields, and `in_service`), audited one by one."""
    for values in vehicles:
        _only(values, (*VEHICLE_DESCRIPTION, "in_service"), what="vehicle")
    _refuse_taken_unit_numbers([(None, values) for values in vehicles])
    return records.create_many(
        Vehicle,
        [{"in_service": True, **values} for values in vehicles],
        by=by,
        action=action,
        shown=(*VEHICLE_DESCRIPTION, "in_service"),
        reason=reason,
        on_progress=on_progress,
        conflict="Another vehicle with one of these unit numbers was added a moment ago; nothing was added. "
        "Check the list and try again.",
    )


def register_vehicle(*, by: Actor, reason: str = "", **values: Any) -> Vehicle:
    """Add one vehicle (the console's "Add vehicle")."""
    [vehicle] = register_vehicles(vehicles=[values], by=by, reason=reason)
    return vehicle


@transaction.atomic
def update_vehicles(
    *,
    changes: Sequence[tuple[Vehicle, Mapping[str, Any]]],
    by: Actor,
    action: Action = Action.VEHICLE_EDIT,
    reason: str = "",
    on_progress: records.Progress | None = None,
    locked: bool = False,
) -> list[records.Edit]:
    """Edit what describes each vehicle (never whether it is in service); one audit event per vehicle changed."""
    for _, values in changes:
        _only(values, VEHICLE_DESCRIPTION, what="vehicle")
    _refuse_taken_unit_numbers([(vehicle.pk, values) for vehicle, values in changes])
    return records.edit_many(
        Vehicle,
        changes,
        by=by,
        action=action,
        reason=reason,
        on_progress=on_progress,
        related=("assigned_unit",),
        locked=locked,
        conflict="Another vehicle took one of these unit numbers a moment ago; nothing was saved.",
    )


def update_vehicle(*, vehicle: Vehicle, by: Actor, reason: str = "", **values: Any) -> Vehicle:
    """Edit one vehicle's record (the console's "Edit"); an edit that changes nothing writes nothing."""
    update_vehicles(changes=[(vehicle, values)], by=by, reason=reason)
    return Vehicle.objects.select_related("assigned_unit").get(pk=vehicle.pk)
