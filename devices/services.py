"""Every state change of a signal device's life, and a vehicle's service status.

Same shape as inventory.services: one transaction, the device's row locked first (then the officer,
vehicle or camera it is being tied to), its status checked against the device's lifecycle
(devices/lifecycle.py), the change and its audit event written together. A refusal is a DomainError
whose message says what to do; a race the locks cannot see (two pairings of one device) hits a
constraint in the database and reads the same.

The audit events of a device are written on the device (object devices.Device), with the officer
(an issue) or the camera (a pairing) it concerns, so the officer's and the camera's pages show them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assignments.models import Officer
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc.errors import DomainError, InvalidInput
from inventory.firmware import validate_firmware_version
from inventory.lifecycle import CAMERA as CAMERA_LIFECYCLE
from inventory.lifecycle import Transition
from inventory.models import Camera

from .lifecycle import DEVICE
from .models import Device, DeviceKind, Pairing, Vehicle

# What a device's issue looks like in an audit event's before/after.
HOLDER_FIELDS = ("status", "officer", "vehicle", "issued_at")


def _lock(device: Device) -> Device:
    return Device.objects.select_for_update().select_related("model").get(pk=device.pk)


def _holder_label(device: Device) -> str:
    if device.officer_id is not None:
        officer = Officer.objects.get(pk=device.officer_id)
        return f"{officer.display_name} (badge {officer.badge_number})"
    if device.vehicle_id is not None:
        return str(Vehicle.objects.get(pk=device.vehicle_id)).lower()
    return "nobody"


def check_transition(name: str, device: Device, *, by: Actor) -> Transition:
    """The device lifecycle's transition `name` when `by` may make it from the device's status now;
    else its refusal. Call it with the device locked."""
    return DEVICE.check(name, device.status, by=by, tag=device.asset_tag, holder=lambda: _holder_label(device))


def _holder_values(device: Device) -> dict[str, Any]:
    """The issue fields as the audit trail keeps them: the officer's badge and the vehicle's number."""
    officer, vehicle = device.officer, device.vehicle
    return {
        "status": device.status,
        "officer": officer.badge_number if officer is not None else None,
        "vehicle": vehicle.unit_number if vehicle is not None else None,
    }


def _clear_holder(device: Device) -> None:
    device.officer, device.vehicle, device.issued_at = None, None, None


def _seen(device: Device) -> str:
    """In a person's hands now (issued, installed, returned, found): the "not seen" flag's date, as a
    camera's check-in sets it. Bookkeeping, not part of the audited change; returns the field to save."""
    now = timezone.now()
    device.last_seen_at = max(device.last_seen_at or now, now)
    return "last_seen_at"


def _save(device: Device, *fields: str) -> None:
    device.save(update_fields=list(fields))


# --- issue, install, return ----------------------------------------------------------------------


@transaction.atomic
def issue_to_officer(*, device: Device, officer: Officer, by: Actor, reason: str = "") -> Device:
    """Issue a personal device (a holster sensor, a signal weapon, a mount, a spare battery) to an officer."""
    device = _lock(device)
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    transition = check_transition("issue_to_officer", device, by=by)
    kind = device.model.kind
    if kind not in DeviceKind.personal():
        raise InvalidInput(
            f"{device.asset_tag} is a {DeviceKind(kind).label.lower()}: it is installed in a vehicle, "
            "not issued to an officer.",
            code="not_personal",
        )
    if not officer.is_active:
        raise DomainError(
            f"{officer.display_name} (badge {officer.badge_number}) is inactive and cannot be issued a device.",
            code="officer_inactive",
        )
    return _hand_over(device, transition, officer=officer, vehicle=None, by=by, reason=reason)


@transaction.atomic
def install_in_vehicle(*, device: Device, vehicle: Vehicle, by: Actor, reason: str = "") -> Device:
    """Install a vehicle signal unit (a light-bar or door trigger) in a vehicle."""
    device = _lock(device)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    transition = check_transition("install_in_vehicle", device, by=by)
    if device.model.kind != DeviceKind.VEHICLE_UNIT:
        raise InvalidInput(
            f"{device.asset_tag} is a {device.model.get_kind_display().lower()}: only a vehicle signal unit is "
            "installed in a vehicle. Issue it to an officer instead.",
            code="not_vehicle_unit",
        )
    return _hand_over(device, transition, officer=None, vehicle=vehicle, by=by, reason=reason)


def _hand_over(
    device: Device, transition: Transition, *, officer: Officer | None, vehicle: Vehicle | None, by: Actor, reason: str
) -> Device:
    """Give a locked, checked device to its one holder (an officer or a vehicle) and audit it: the issue
    event names the officer; both keep the holder before and after."""
    before = _holder_values(device)
    device.status = cast(str, transition.target)
    device.officer, device.vehicle, device.issued_at = officer, vehicle, timezone.now()
    _save(device, "status", "officer", "vehicle", "issued_at", _seen(device))
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=device,
        officer=officer,
        before=before,
        after=_holder_values(device),
        reason=reason,
    )
    return device


@transaction.atomic
def return_to_stock(*, device: Device, by: Actor, reason: str = "", from_vehicle: Vehicle | None = None) -> Device:
    """Take a device back from its officer, or out of its vehicle, into stock. Its pairing stays.

    `from_vehicle`: the vehicle the caller saw it in (the vehicle page); refused if it is not there now.
    """
    device = _lock(device)
    transition = check_transition("return_to_stock", device, by=by)
    if from_vehicle is not None and device.vehicle_id != from_vehicle.pk:
        raise DomainError(f"{device.asset_tag} is not installed in {from_vehicle}.", code="not_installed_here")
    before = _holder_values(device)
    officer = device.officer
    device.status = cast(str, transition.target)
    _clear_holder(device)
    _save(device, "status", "officer", "vehicle", "issued_at", _seen(device))
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=device,
        officer=officer,
        before=before,
        after=_holder_values(device),
        reason=reason,
    )
    return device


# --- maintenance, loss, retirement ---------------------------------------------------------------


@transaction.atomic
def open_maintenance(*, device: Device, problem: str, by: Actor) -> Device:
    """Take a device out of use for repair or inspection; an issued device leaves its holder."""
    device = _lock(device)
    problem = problem.strip()
    if not problem:
        raise InvalidInput("Say what is wrong with the device.", code="problem_required")
    transition = check_transition("open_maintenance", device, by=by)
    before = _holder_values(device)
    officer = device.officer
    device.status = cast(str, transition.target)
    _clear_holder(device)
    _save(device, "status", "officer", "vehicle", "issued_at")
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=device,
        officer=officer,
        before=before,
        after={**_holder_values(device), "problem": problem},
        reason=problem,
    )
    return device


@transaction.atomic
def close_maintenance(*, device: Device, by: Actor, notes: str = "") -> Device:
    """The device is repaired (or found fine): back in stock, ready to issue."""
    device = _lock(device)
    transition = check_transition("return_to_service", device, by=by)
    before = {"status": device.status}
    device.status = cast(str, transition.target)
    _save(device, "status")
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=device,
        before=before,
        after={"status": device.status},
        reason=notes.strip(),
    )
    return device


def _unpair_in_place(device: Device, *, by: Actor, reason: str) -> Pairing | None:
    """Close the device's open pairing, audited on the camera too; None when it had none."""
    pairing = Pairing.objects.select_for_update().select_related("camera").open().filter(device=device).first()
    if pairing is None:
        return None
    pairing.unpaired_at = max(timezone.now(), pairing.paired_at)
    pairing.save(update_fields=["unpaired_at"])
    audit.record(
        by=by,
        action=Action.DEVICE_UNPAIR,
        obj=device,
        camera=pairing.camera,
        before={"camera": pairing.camera.asset_tag},
        after={"camera": None},
        reason=reason,
    )
    return pairing


@transaction.atomic
def report_lost(*, device: Device, incident_number: str, by: Actor, reason: str = "") -> Device:
    """Record a lost or stolen device under its incident report number; it leaves its holder and camera."""
    device = _lock(device)
    incident_number = incident_number.strip()
    if not incident_number:
        raise InvalidInput("Enter the incident report number.", code="incident_required")
    transition = check_transition("report_lost", device, by=by)
    before = _holder_values(device)
    officer = device.officer
    device.status = cast(str, transition.target)
    device.lost_incident_number = incident_number
    _clear_holder(device)
    _save(device, "status", "officer", "vehicle", "issued_at", "lost_incident_number")
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=device,
        officer=officer,
        before=before,
        after={**_holder_values(device), "incident_number": incident_number},
        reason=reason,
    )
    _unpair_in_place(device, by=by, reason=f"Reported lost (incident {incident_number}).")
    return device


@transaction.atomic
def report_found(*, device: Device, by: Actor, notes: str = "") -> Device:
    """A lost device is back: it is checked in maintenance before it goes out again."""
    device = _lock(device)
    transition = check_transition("report_found", device, by=by)
    before = {"status": device.status}
    device.status = cast(str, transition.target)
    _save(device, "status", _seen(device))
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=device,
        before=before,
        after={"status": device.status, "incident_number": device.lost_incident_number},
        reason=notes.strip(),
    )
    return device


@transaction.atomic
def retire(*, device: Device, reason: str, by: Actor) -> Device:
    """Take a device out of the inventory for good; its history stays, its pairing ends."""
    device = _lock(device)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Give a reason for retiring the device.", code="reason_required")
    transition = check_transition("retire", device, by=by)
    before = {"status": device.status}
    device.status = cast(str, transition.target)
    _save(device, "status")
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=device,
        before=before,
        after={"status": device.status},
        reason=reason,
    )
    _unpair_in_place(device, by=by, reason="Retired.")
    return device


# --- battery and firmware --------------------------------------------------------------------------


@transaction.atomic
def replace_battery(*, device: Device, fitted_on: date, by: Actor) -> Device:
    """Record a new battery (a holster sensor's coin cell) fitted on `fitted_on`."""
    device = _lock(device)
    transition = check_transition("replace_battery", device, by=by)
    if not device.model.has_battery:
        raise InvalidInput(f"{device.asset_tag} ({device.model}) has no battery to replace.", code="no_battery")
    if fitted_on > timezone.localdate():
        raise InvalidInput("The battery cannot have been fitted in the future; enter the day it went in.")
    if device.purchased_on is not None and fitted_on < device.purchased_on:
        raise InvalidInput(
            f"{device.asset_tag} was bought on {device.purchased_on:%Y-%m-%d}; the battery went in after that.",
            code="before_purchase",
        )
    before = {"battery_fitted_on": device.battery_fitted_on}
    device.battery_fitted_on = fitted_on
    _save(device, "battery_fitted_on")
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=device,
        before=before,
        after={"battery_fitted_on": fitted_on, "replace_by": device.battery_replace_by},
    )
    return device


@transaction.atomic
def update_firmware(*, device: Device, firmware_version: str, by: Actor) -> Device:
    """Record the firmware the device now runs (after an update, or as read from it)."""
    device = _lock(device)
    transition = check_transition("update_firmware", device, by=by)
    firmware_version = firmware_version.strip()
    if not firmware_version:
        raise InvalidInput("Enter the firmware version the device now runs.", code="firmware_required")
    try:
        validate_firmware_version(firmware_version)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], code="invalid_firmware_version") from error
    if firmware_version == device.firmware_version:
        raise InvalidInput(f"{device.asset_tag} already runs firmware {firmware_version}.", code="unchanged")
    before = {"firmware_version": device.firmware_version}
    device.firmware_version = firmware_version
    _save(device, "firmware_version")
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=device,
        before=before,
        after={"firmware_version": firmware_version, "below_minimum": device.firmware_below_minimum},
    )
    return device


# --- pairing with a camera -------------------------------------------------------------------------


def _pairing_error(device: Device, camera: Camera) -> DomainError:
    held = Pairing.objects.open().select_related("camera").filter(device=device).first()
    if held is not None and held.camera_id == camera.pk:
        return DomainError(f"{device.asset_tag} is already paired with {camera.asset_tag}.", code="already_paired")
    other = held.camera.asset_tag if held is not None else "another camera"
    return DomainError(
        f"{device.asset_tag} is paired with {other}; unpair it first, then pair it with {camera.asset_tag}.",
        code="paired_elsewhere",
    )


@transaction.atomic
def pair_with_camera(*, device: Device, camera: Camera, by: Actor) -> Pairing:
    """Pair a trigger with a camera, so the camera records when the trigger fires.

    A device whose model broadcasts to any camera in range (needs_pairing off) may still be paired:
    some departments pair every trigger to keep the vendor's records and this one alike; the page says
    the pairing is not needed. An accessory (a mount, a spare battery) triggers nothing and is refused.
    """
    device = _lock(device)
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    transition = check_transition("pair", device, by=by)
    if device.model.kind not in DeviceKind.triggers():
        raise InvalidInput(
            f"{device.asset_tag} is a {device.model.get_kind_display().lower()}; it does not trigger a camera, "
            "so there is nothing to pair.",
            code="not_a_trigger",
        )
    if camera.status in CAMERA_LIFECYCLE.out_of_service:
        raise DomainError(
            f"{camera.asset_tag} is {camera.get_status_display().lower()}; pair {device.asset_tag} with a camera "
            "in service.",
            code="camera_out_of_service",
        )
    if Pairing.objects.open().filter(device=device).exists():
        raise _pairing_error(device, camera)
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(device=device, camera=camera, paired_at=timezone.now())
    except IntegrityError:
        # The device's row lock makes this unreachable through the services; a direct write could.
        raise _pairing_error(device, camera) from None
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=device,
        camera=camera,
        before={"camera": None},
        after={"camera": camera.asset_tag, "needs_pairing": device.model.needs_pairing},
    )
    return pairing


@transaction.atomic
def unpair(*, device: Device, by: Actor, reason: str = "", from_camera: Camera | None = None) -> Pairing:
    """End the device's pairing with its camera.

    `from_camera`: the camera the caller saw it paired with (the camera page); refused if it is not now.
    """
    device = _lock(device)
    check_transition("unpair", device, by=by)
    if from_camera is not None and not Pairing.objects.open().filter(device=device, camera=from_camera).exists():
        raise DomainError(f"{device.asset_tag} is not paired with {from_camera.asset_tag}.", code="not_paired_here")
    pairing = _unpair_in_place(device, by=by, reason=reason.strip())
    if pairing is None:
        raise DomainError(f"{device.asset_tag} is not paired with a camera.", code="not_paired")
    return pairing


# --- vehicles --------------------------------------------------------------------------------------


def _lock_vehicle(vehicle: Vehicle) -> Vehicle:
    return Vehicle.objects.select_for_update().get(pk=vehicle.pk)


@transaction.atomic
def take_out_of_service(*, vehicle: Vehicle, reason: str, by: Actor) -> Vehicle:
    """The vehicle is off patrol (in the garage): it no longer needs a working signal unit."""
    vehicle = _lock_vehicle(vehicle)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why the vehicle is out of service.", code="reason_required")
    if not vehicle.in_service:
        raise DomainError(f"{vehicle} is already out of service.", code="already_out")
    vehicle.in_service = False
    vehicle.save(update_fields=["in_service"])
    audit.record(
        by=by,
        action=Action.VEHICLE_OUT_OF_SERVICE,
        obj=vehicle,
        before={"in_service": True},
        after={"in_service": False},
        reason=reason,
    )
    return vehicle


@transaction.atomic
def return_to_service(*, vehicle: Vehicle, by: Actor, notes: str = "") -> Vehicle:
    """The vehicle is back on patrol."""
    vehicle = _lock_vehicle(vehicle)
    if vehicle.in_service:
        raise DomainError(f"{vehicle} is already in service.", code="already_in_service")
    vehicle.in_service = True
    vehicle.save(update_fields=["in_service"])
    audit.record(
        by=by,
        action=Action.VEHICLE_IN_SERVICE,
        obj=vehicle,
        before={"in_service": False},
        after={"in_service": True},
        reason=notes.strip(),
    )
    return vehicle
