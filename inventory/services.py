"""Every state change of a camera's physical life: charging, maintenance, retirement, loss.

Same shape as assignments.services: one transaction, rows locked, state checked, audit written.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assignments.models import Checkout, PersonalIssue
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.timefmt import when

from .firmware import validate_firmware_version
from .models import Camera, ChargeEvent, Dock, Flag, MaintenanceRecord

CHARGE_ACTIONS = {
    ChargeEvent.Kind.DOCKED: Action.CAMERA_DOCKED,
    ChargeEvent.Kind.UNDOCKED: Action.CAMERA_UNDOCKED,
    ChargeEvent.Kind.FULL_CHARGE: Action.CAMERA_FULL_CHARGE,
    ChargeEvent.Kind.BATTERY: Action.CAMERA_BATTERY,
}


def _lock(camera: Camera) -> Camera:
    return Camera.objects.select_for_update().select_related("model").get(pk=camera.pk)


@transaction.atomic
def record_charge(  # noqa: C901, PLR0912 (split me)
    *,
    camera: Camera,
    kind: str,
    by: Actor,
    dock: Dock | None = None,
    bay: int | None = None,
    battery_percent: int | None = None,
    at: datetime | None = None,
) -> ChargeEvent:
    """Record that a camera was docked, undocked, fully charged, or read a battery level."""
    camera = _lock(camera)
    at = at or timezone.now()
    if camera.status not in (Camera.Status.AVAILABLE, Camera.Status.IN_MAINTENANCE):
        if camera.status == Camera.Status.CHECKED_OUT:
            raise DomainError(f"{camera.asset_tag} is checked out; check it in before docking it.", code="checked_out")
        raise DomainError(f"{camera.asset_tag} is {camera.get_status_display().lower()}; it cannot be docked.")
    if battery_percent is not None and not 0 <= battery_percent <= 100:
        raise InvalidInput("Battery level is a percentage from 0 to 100.", code="bad_battery")
    fields = ["last_docked_at", "dock", "dock_bay", "last_full_charge_at", "battery_percent"]
    before = audit.field_values(camera, fields)

    if bay is not None and dock is None:
        raise InvalidInput("A bay number needs the dock it belongs to; name the dock too.", code="bay_needs_dock")
    if dock is not None and bay is not None and not 1 <= bay <= dock.bays:
        raise InvalidInput(f"{dock.name} has bays 1 to {dock.bays}.", code="bad_bay")
    if kind == ChargeEvent.Kind.DOCKED and dock is None:
        raise InvalidInput("Choose the dock the camera was put in.", code="dock_required")
    if dock is not None and kind != ChargeEvent.Kind.UNDOCKED:
        # A dock that reports a charge or a battery level has the camera in it.
        camera.dock, camera.dock_bay, camera.last_docked_at = dock, bay, at
    if kind == ChargeEvent.Kind.UNDOCKED:
        camera.dock, camera.dock_bay = None, None
    elif kind == ChargeEvent.Kind.FULL_CHARGE:
        camera.last_full_charge_at = at
        camera.battery_percent = battery_percent
    elif kind == ChargeEvent.Kind.BATTERY:
        if battery_percent is None:
            raise InvalidInput("Enter the battery level in percent.", code="battery_required")
        camera.battery_percent = battery_percent
        if battery_percent == 100:
            camera.last_full_charge_at = at
    elif kind != ChargeEvent.Kind.DOCKED:
        raise InvalidInput(f"Unknown charge event {kind!r}.")

    try:
        with transaction.atomic():
            event = ChargeEvent.objects.create(
                camera=camera, kind=kind, dock=dock, bay=bay, battery_percent=battery_percent, recorded_at=at
            )
            camera.save(update_fields=fields)
    except IntegrityError:
        occupant = Camera.objects.filter(dock=dock, dock_bay=bay).exclude(pk=camera.pk).first()
        raise DomainError(
            f"Bay {bay} of {dock.name} already holds {occupant or 'another camera'}; choose a free bay.",
            code="bay_taken",
        ) from None
    audit.record(
        by=by,
        action=CHARGE_ACTIONS[kind],
        obj=event,
        camera=camera,
        before=before,
        after=audit.field_values(camera, fields),
    )
    return event


@transaction.atomic
def open_maintenance(
    *,
    camera: Camera,
    kind: str,
    by: Actor,
    performed_by: str = MaintenanceRecord.PerformedBy.AWAITING_TRIAGE,
    rma_number: str = "",
    problem: str = "",
) -> MaintenanceRecord:
    """Take a camera out of service for inspection, repair, firmware or battery work."""
    camera = _lock(camera)
    if camera.status == Camera.Status.CHECKED_OUT:
        holder = Checkout.objects.open().select_related("officer").get(camera=camera)
        raise DomainError(
            f"{camera.asset_tag} is checked out to {holder.officer.display_name}; check it in first.",
            code="checked_out",
        )
    if camera.status in (Camera.Status.RETIRED, Camera.Status.LOST):
        raise DomainError(f"{camera.asset_tag} is {camera.get_status_display().lower()}; it cannot go to maintenance.")
    current = MaintenanceRecord.objects.open().filter(camera=camera).first()
    if current is not None:
        raise DomainError(
            f"{camera.asset_tag} already has an open {current.get_kind_display().lower()} "
            f"(since {when(current.opened_at)}); close it first.",
            code="maintenance_open",
        )
    rma_number = rma_number.strip()
    if performed_by == MaintenanceRecord.PerformedBy.VENDOR and not rma_number:
        raise InvalidInput("A vendor repair needs the RMA number.", code="rma_required")
    now = timezone.now()
    record = MaintenanceRecord.objects.create(
        camera=camera,
        kind=kind,
        performed_by=performed_by,
        rma_number=rma_number,
        problem=problem,
        opened_at=now,
        started_at=now if performed_by else None,
    )
    before = audit.field_values(camera, ("status", "dock", "dock_bay"))
    camera.status = Camera.Status.IN_MAINTENANCE
    camera.dock, camera.dock_bay = None, None
    camera.save(update_fields=["status", "dock", "dock_bay"])
    audit.record(
        by=by,
        action=Action.MAINTENANCE_OPEN,
        obj=record,
        camera=camera,
        before=before,
        after={"status": camera.status, "kind": kind, "performed_by": performed_by, "rma_number": rma_number},
        reason=problem,
    )
    return record


@transaction.atomic
def assign_maintenance(
    *, record: MaintenanceRecord, performed_by: str, by: Actor, rma_number: str = ""
) -> MaintenanceRecord:
    """Triage: send the work in-house or to the vendor under an RMA."""
    record = MaintenanceRecord.objects.select_for_update().select_related("camera").get(pk=record.pk)
    if not record.is_open:
        raise DomainError("This maintenance record is closed.")
    rma_number = rma_number.strip()
    if performed_by not in (MaintenanceRecord.PerformedBy.IN_HOUSE, MaintenanceRecord.PerformedBy.VENDOR):
        raise InvalidInput("Choose in-house or vendor.")
    if performed_by == MaintenanceRecord.PerformedBy.VENDOR and not rma_number:
        raise InvalidInput("A vendor repair needs the RMA number.", code="rma_required")
    before = {"performed_by": record.performed_by, "rma_number": record.rma_number}
    record.performed_by, record.rma_number = performed_by, rma_number
    record.started_at = timezone.now()
    record.save(update_fields=["performed_by", "rma_number", "started_at"])
    audit.record(
        by=by,
        action=Action.MAINTENANCE_ASSIGN,
        obj=record,
        camera=record.camera,
        before=before,
        after={"performed_by": performed_by, "rma_number": rma_number},
    )
    return record


@transaction.atomic
def close_maintenance(
    *,
    record: MaintenanceRecord,
    outcome: str,
    by: Actor,
    notes: str = "",
    firmware_version: str = "",
    repair_cost: Decimal | None = None,
) -> MaintenanceRecord:
    """Finish maintenance: the camera returns to service (inspected, updated) or is retired.

    `repair_cost` is what the work cost the department (None: not known, or nothing billed yet).
    """
    # Camera first, then its records: the order retire and report_lost use, so they cannot deadlock.
    camera = _lock(record.camera)
    record = MaintenanceRecord.objects.select_for_update().get(pk=record.pk)
    if not record.is_open:
        raise DomainError(f"This {record.get_kind_display().lower()} of {camera.asset_tag} is already closed.")
    if outcome not in (MaintenanceRecord.Outcome.RETURNED_TO_SERVICE, MaintenanceRecord.Outcome.RETIRED):
        raise InvalidInput("Choose whether the camera returns to service or is retired.")
    updating_firmware = record.kind == MaintenanceRecord.Kind.FIRMWARE_UPDATE and outcome == "returned_to_service"
    if updating_firmware and not firmware_version.strip():
        raise InvalidInput("Enter the firmware version the camera now runs.", code="firmware_required")
    try:
        validate_firmware_version(firmware_version)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], code="invalid_firmware_version") from error
    repair_cost = _money(repair_cost, what="The repair cost")
    now = timezone.now()
    record.closed_at, record.outcome, record.repair_cost = now, outcome, repair_cost
    record.notes = "\n".join(filter(None, [record.notes, notes.strip()]))
    record.save(update_fields=["closed_at", "outcome", "notes", "repair_cost"])

    fields = ["status", "last_inspected_at", "firmware_version"]
    before = audit.field_values(camera, fields)
    if outcome == MaintenanceRecord.Outcome.RETIRED:
        _retire_in_place(camera, now=now)
    else:
        camera.status = Camera.Status.AVAILABLE
        # Any maintenance that ends with the camera back in service includes a full function check.
        camera.last_inspected_at = now
        if firmware_version.strip():
            camera.firmware_version = firmware_version.strip()
        camera.save(update_fields=fields)
    audit.record(
        by=by,
        action=Action.MAINTENANCE_CLOSE,
        obj=record,
        camera=camera,
        before=before,
        after={
            **audit.field_values(camera, fields),
            "outcome": outcome,
            "repair_cost": None if repair_cost is None else str(repair_cost),
        },
        reason=notes,
    )
    return record


MAX_MONEY = Decimal("99999999.99")  # what a DecimalField(max_digits=10, decimal_places=2) holds


def _money(value: Decimal | None, *, what: str) -> Decimal | None:
    """An amount in dollars and cents, zero or more, or None; anything else is refused as a person reads it."""
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput(f"{what} is an amount in dollars, such as 149.50.", code="bad_amount")
    if value < 0:
        raise InvalidInput(f"{what} cannot be negative.", code="negative_amount")
    if value > MAX_MONEY:
        raise InvalidInput(f"{what} is more than {MAX_MONEY:,}; check the amount.", code="amount_too_large")
    return value.quantize(Decimal("0.01"))


def _retire_in_place(camera: Camera, *, now: datetime) -> None:
    PersonalIssue.objects.current().filter(camera=camera).update(revoked_at=now, reason="Retired")
    camera.status = Camera.Status.RETIRED
    camera.pool = Camera.Pool.SPARE
    camera.dock, camera.dock_bay = None, None
    camera.save(update_fields=["status", "pool", "dock", "dock_bay"])


@transaction.atomic
def retire(*, camera: Camera, by: Actor, reason: str) -> Camera:
    """Take a camera out of the fleet for good; its history stays."""
    camera = _lock(camera)
    if not reason.strip():
        raise InvalidInput("Give a reason for retiring the camera.", code="reason_required")
    if camera.status == Camera.Status.CHECKED_OUT:
        holder = Checkout.objects.open().select_related("officer").get(camera=camera)
        raise DomainError(
            f"{camera.asset_tag} is checked out to {holder.officer.display_name} "
            f"(badge {holder.officer.badge_number}); check it in before retiring it.",
            code="checked_out",
        )
    if camera.status == Camera.Status.RETIRED:
        raise DomainError(f"{camera.asset_tag} is already retired.")
    now = timezone.now()
    before = audit.field_values(camera, ("status", "pool"))
    MaintenanceRecord.objects.open().filter(camera=camera).update(
        closed_at=now, outcome=MaintenanceRecord.Outcome.RETIRED
    )
    _retire_in_place(camera, now=now)
    audit.record(
        by=by,
        action=Action.CAMERA_RETIRE,
        obj=camera,
        camera=camera,
        before=before,
        after=audit.field_values(camera, ("status", "pool")),
        reason=reason,
    )
    return camera


@transaction.atomic
def report_lost(*, camera: Camera, incident_number: str, by: Actor, reason: str = "") -> Camera:
    """Record a lost or stolen camera under its incident report number."""
    camera = _lock(camera)
    incident_number = incident_number.strip()
    if not incident_number:
        raise InvalidInput("Enter the incident report number.", code="incident_required")
    if camera.status in (Camera.Status.LOST, Camera.Status.RETIRED):
        raise DomainError(f"{camera.asset_tag} is already {camera.get_status_display().lower()}.")
    now = timezone.now()
    before = audit.field_values(camera, ("status", "pool"))
    holder = Checkout.objects.select_for_update().filter(camera=camera).open().first()
    if holder is not None:
        holder.checked_in_at = max(now, holder.checked_out_at)
        holder.condition = Checkout.Condition.LOST
        holder.save(update_fields=["checked_in_at", "condition"])
    MaintenanceRecord.objects.open().filter(camera=camera).update(
        closed_at=now, outcome=MaintenanceRecord.Outcome.RETIRED, notes="Camera reported lost."
    )
    PersonalIssue.objects.current().filter(camera=camera).update(revoked_at=now, reason="Lost")
    camera.status = Camera.Status.LOST
    camera.pool = Camera.Pool.SPARE
    camera.lost_incident_number = incident_number
    camera.dock, camera.dock_bay = None, None
    camera.save(update_fields=["status", "pool", "lost_incident_number", "dock", "dock_bay"])
    audit.record(
        by=by,
        action=Action.CAMERA_REPORT_LOST,
        obj=camera,
        camera=camera,
        officer=holder.officer if holder else None,
        before=before,
        after={"status": camera.status, "incident_number": incident_number},
        reason=reason,
    )
    return camera


@transaction.atomic
def report_found(*, camera: Camera, by: Actor, notes: str = "") -> MaintenanceRecord:
    """A lost camera is back: it is inspected before it returns to service."""
    camera = _lock(camera)
    if camera.status != Camera.Status.LOST:
        raise DomainError(f"{camera.asset_tag} is not reported lost.")
    now = timezone.now()
    camera.status = Camera.Status.IN_MAINTENANCE
    camera.save(update_fields=["status"])
    record = MaintenanceRecord.objects.create(
        camera=camera,
        kind=MaintenanceRecord.Kind.INSPECTION,
        performed_by=MaintenanceRecord.PerformedBy.IN_HOUSE,
        problem=f"Found after loss (incident {camera.lost_incident_number}). {notes}".strip(),
        opened_at=now,
        started_at=now,
    )
    audit.record(
        by=by,
        action=Action.CAMERA_REPORT_FOUND,
        obj=camera,
        camera=camera,
        before={"status": Camera.Status.LOST},
        after={"status": camera.status, "inspection": record.pk},
        reason=notes,
    )
    return record


@transaction.atomic
def acknowledge_flag(*, flag: Flag, by: Actor) -> Flag:
    """A supervisor has seen the flag; the sweep still resolves it when its condition clears."""
    flag = Flag.objects.select_for_update().select_related("camera").get(pk=flag.pk)
    if flag.acknowledged_at is not None:
        raise DomainError("This flag is already acknowledged.")
    flag.acknowledged_at = timezone.now()
    flag.acknowledged_by = by.user
    flag.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record(by=by, action=Action.FLAG_ACKNOWLEDGE, obj=flag, camera=flag.camera, after={"acknowledged": True})
    return flag
