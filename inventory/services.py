"""Every state change of a camera's physical life: charging, maintenance, retirement, loss.

Same shape as assignments.services: one transaction, rows locked, state checked, audit written.
Which status changes are allowed, the refusals and the audit actions are the camera's lifecycle
(inventory/lifecycle.py); `check_transition` asks it, for these services and assignments' alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from assignments import tallies
from assignments.models import Checkout, PersonalIssue
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc import records
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.timefmt import when

from .firmware import validate_firmware_version
from .lifecycle import CAMERA, Refusal, Transition
from .models import Camera, ChargeEvent, Dock, Flag, MaintenanceRecord

CHARGE_ACTIONS: dict[str, Action] = {
    ChargeEvent.Kind.DOCKED: Action.CAMERA_DOCKED,
    ChargeEvent.Kind.UNDOCKED: Action.CAMERA_UNDOCKED,
    ChargeEvent.Kind.FULL_CHARGE: Action.CAMERA_FULL_CHARGE,
    ChargeEvent.Kind.BATTERY: Action.CAMERA_BATTERY,
}


def _lock(camera: Camera) -> Camera:
    # Only the camera's row: a plain FOR UPDATE would lock its CameraModel row too, which every camera of
    # that model shares, so two services on two cameras would queue on it and, holding the audit chain's
    # advisory lock in the other order, deadlock (stocktake/tests/test_concurrency.py found it).
    return Camera.objects.select_for_update(of=("self",)).select_related("model").get(pk=camera.pk)


def _mark_returns_docked(camera: Camera, at: datetime) -> None:
    """Keep Checkout.first_docked_at: this dock is the first after every return of the camera not yet
    docked, and earlier than the dock kept on any return it follows (a dock recorded late, `at` past).

    A camera is docked only while not checked out, so in practice this is its latest return.
    """
    Checkout.objects.filter(camera=camera, checked_in_at__lte=at).filter(
        Q(first_docked_at__isnull=True) | Q(first_docked_at__gt=at)
    ).update(first_docked_at=at)


def _refusal_facts(camera: Camera) -> dict[str, object]:
    """What a camera's refusal may say; the facts that need a query are read only when one is used."""
    checkout: Callable[[], Checkout | None] = cache(
        lambda: Checkout.objects.open().select_related("officer").filter(camera=camera).first()
    )
    record: Callable[[], MaintenanceRecord | None] = cache(
        lambda: MaintenanceRecord.objects.open().filter(camera=camera).first()
    )

    def out_to() -> str:
        held = checkout()
        if held is None:
            return ""
        return f" to {held.officer.display_name} (badge {held.officer.badge_number}) since {when(held.checked_out_at)}"

    return {
        "tag": camera.asset_tag,
        "incident": camera.lost_incident_number,
        "holder": lambda: cast(Checkout, checkout()).officer,
        "out_to": out_to,
        "open_record": lambda: cast(MaintenanceRecord, record()).get_kind_display().lower(),
        "since": lambda: when(cast(MaintenanceRecord, record()).opened_at),
    }


def check_transition(name: str, camera: Camera, *, by: Actor) -> Transition:
    """The camera lifecycle's transition `name` when `by` may make it from the camera's status now;
    else its refusal, which says why and what to do. Call it with the camera locked."""
    return CAMERA.check(name, camera.status, by=by, **_refusal_facts(camera))


def refusal_as_if(name: str, camera: Camera, *, status: str) -> DomainError:
    """The refusal of `name` had the camera been in `status` (a race the database caught for the service)."""
    return cast(Refusal, CAMERA[name].refusal(status)).error(
        status=CAMERA.label(status).lower(), **_refusal_facts(camera)
    )


def _refuse_bad_charge_input(*, kind: str, dock: Dock | None, bay: int | None, battery_percent: int | None) -> None:
    if battery_percent is not None and not 0 <= battery_percent <= 100:
        raise InvalidInput("Battery level is a percentage from 0 to 100.", code="bad_battery")
    if bay is not None and dock is None:
        raise InvalidInput("A bay number needs the dock it belongs to; name the dock too.", code="bay_needs_dock")
    if dock is not None and bay is not None and not 1 <= bay <= dock.bays:
        raise InvalidInput(f"{dock.name} has bays 1 to {dock.bays}.", code="bad_bay")
    if kind == ChargeEvent.Kind.DOCKED and dock is None:
        raise InvalidInput("Choose the dock the camera was put in.", code="dock_required")


@transaction.atomic
def record_charge(
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
    check_transition("record_charge", camera, by=by)
    _refuse_bad_charge_input(kind=kind, dock=dock, bay=bay, battery_percent=battery_percent)
    fields = ["last_docked_at", "dock", "dock_bay", "last_full_charge_at", "battery_percent"]
    before = audit.field_values(camera, fields)
    if dock is not None and kind != ChargeEvent.Kind.UNDOCKED:
        # A dock that reports a charge or a battery level has the camera in it (and off any shelf).
        camera.dock, camera.dock_bay, camera.last_docked_at = dock, bay, at
        camera.last_seen_at = max(camera.last_seen_at or at, at)
        if camera.shelf_id is not None:
            before["shelf"], camera.shelf = camera.shelf_id, None
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
            # last_seen_at is bookkeeping for the "not seen" flag, not part of the event's audited change.
            camera.save(update_fields=[*fields, "last_seen_at", "shelf"])
            if kind == ChargeEvent.Kind.DOCKED:
                _mark_returns_docked(camera, at)
    except IntegrityError:
        occupant = Camera.objects.filter(dock=dock, dock_bay=bay).exclude(pk=camera.pk).first()
        raise DomainError(
            f"Bay {bay} of {cast(Dock, dock).name} already holds {occupant or 'another camera'}; choose a free bay.",
            code="bay_taken",
        ) from None
    audit.record(
        by=by,
        action=CHARGE_ACTIONS[kind],
        obj=event,
        camera=camera,
        before=before,
        after=audit.field_values(camera, fields) | ({"shelf": None} if "shelf" in before else {}),
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
    transition = check_transition("open_maintenance", camera, by=by)
    if MaintenanceRecord.objects.open().filter(camera=camera).exists():
        # A record left open on a camera back on the shelf: the same refusal as in maintenance.
        raise refusal_as_if("open_maintenance", camera, status=Camera.Status.IN_MAINTENANCE)
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
    camera.status = cast(str, transition.target)
    camera.dock, camera.dock_bay = None, None
    camera.save(update_fields=["status", "dock", "dock_bay"])
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=record,
        camera=camera,
        before=before,
        after={"status": camera.status, "kind": kind, "performed_by": performed_by, "rma_number": rma_number},
        reason=problem,
    )
    return record


def _open_record(name: str, camera: Camera, *, by: Actor) -> MaintenanceRecord:
    """The camera's open maintenance record, locked, for the maintenance step `name`; refused when none is open."""
    transition = check_transition(name, camera, by=by)
    record = MaintenanceRecord.objects.select_for_update().select_related("camera").filter(camera=camera).open()
    if (found := record.first()) is None:
        raise transition.otherwise.error(tag=camera.asset_tag)
    return found


@transaction.atomic
def assign_maintenance(
    *,
    performed_by: str,
    by: Actor,
    record: MaintenanceRecord | None = None,
    camera: Camera | None = None,
    rma_number: str = "",
) -> MaintenanceRecord:
    """Triage: send the work in-house or to the vendor under an RMA. `record`, or `camera`'s open record."""
    if record is None:
        record = _open_record("assign_maintenance", cast(Camera, camera), by=by)
    record = MaintenanceRecord.objects.select_for_update().select_related("camera").get(pk=record.pk)
    if not record.is_open:
        raise DomainError("This maintenance record is closed.")
    transition = check_transition("assign_maintenance", record.camera, by=by)
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
        action=cast(Action, transition.action),
        obj=record,
        camera=record.camera,
        before=before,
        after={"performed_by": performed_by, "rma_number": rma_number},
    )
    return record


# How a maintenance record's outcome moves the camera (inventory/lifecycle.py).
CLOSE_TRANSITIONS: dict[str, str] = {
    MaintenanceRecord.Outcome.RETURNED_TO_SERVICE: "return_to_service",
    MaintenanceRecord.Outcome.RETIRED: "retire_from_maintenance",
}


@transaction.atomic
def close_maintenance(
    *,
    outcome: str,
    by: Actor,
    record: MaintenanceRecord | None = None,
    camera: Camera | None = None,
    notes: str = "",
    firmware_version: str = "",
    repair_cost: Decimal | None = None,
) -> MaintenanceRecord:
    """Finish maintenance: the camera returns to service (inspected, updated) or is retired.
    `record`, or `camera`'s open record. `repair_cost` is what the work cost the department (None: not
    known, or nothing billed yet).
    """
    # Camera first, then its records: the order retire and report_lost use, so they cannot deadlock.
    camera = _lock(record.camera if record is not None else cast(Camera, camera))
    if record is None:
        record = _open_record(CLOSE_TRANSITIONS.get(outcome, "return_to_service"), camera, by=by)
    record = MaintenanceRecord.objects.select_for_update().get(pk=record.pk)
    if not record.is_open:
        raise DomainError(f"This {record.get_kind_display().lower()} of {camera.asset_tag} is already closed.")
    if outcome not in CLOSE_TRANSITIONS:
        raise InvalidInput("Choose whether the camera returns to service or is retired.")
    transition = check_transition(CLOSE_TRANSITIONS[outcome], camera, by=by)
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
        _retire_in_place(camera, now=now, transition=transition)
    else:
        camera.status = cast(str, transition.target)
        # Any maintenance that ends with the camera back in service includes a full function check.
        camera.last_inspected_at = now
        if firmware_version.strip():
            camera.firmware_version = firmware_version.strip()
        camera.save(update_fields=fields)
    audit.record(
        by=by,
        action=cast(Action, transition.action),
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


def _retire_in_place(camera: Camera, *, now: datetime, transition: Transition) -> None:
    PersonalIssue.objects.current().filter(camera=camera).update(revoked_at=now, reason="Retired")
    camera.status = cast(str, transition.target)
    camera.pool = Camera.Pool.SPARE
    camera.dock, camera.dock_bay, camera.shelf = None, None, None
    camera.save(update_fields=["status", "pool", "dock", "dock_bay", "shelf"])


@transaction.atomic
def retire(*, camera: Camera, by: Actor, reason: str) -> Camera:
    """Take a camera out of the fleet for good; its history stays."""
    camera = _lock(camera)
    if not reason.strip():
        raise InvalidInput("Give a reason for retiring the camera.", code="reason_required")
    transition = check_transition("retire", camera, by=by)
    now = timezone.now()
    before = audit.field_values(camera, ("status", "pool"))
    MaintenanceRecord.objects.open().filter(camera=camera).update(
        closed_at=now, outcome=MaintenanceRecord.Outcome.RETIRED
    )
    _retire_in_place(camera, now=now, transition=transition)
    audit.record(
        by=by,
        action=cast(Action, transition.action),
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
    transition = check_transition("report_lost", camera, by=by)
    now = timezone.now()
    before = audit.field_values(camera, ("status", "pool"))
    holder = Checkout.objects.select_for_update().filter(camera=camera).open().first()
    if holder is not None:
        holder.checked_in_at = max(now, holder.checked_out_at)
        holder.condition = Checkout.Condition.LOST
        holder.save(update_fields=["checked_in_at", "condition"])
        tallies.count_return(holder)
    MaintenanceRecord.objects.open().filter(camera=camera).update(
        closed_at=now, outcome=MaintenanceRecord.Outcome.RETIRED, notes="Camera reported lost."
    )
    PersonalIssue.objects.current().filter(camera=camera).update(revoked_at=now, reason="Lost")
    camera.status = cast(str, transition.target)
    camera.pool = Camera.Pool.SPARE
    camera.lost_incident_number = incident_number
    camera.dock, camera.dock_bay, camera.shelf = None, None, None
    camera.save(update_fields=["status", "pool", "lost_incident_number", "dock", "dock_bay", "shelf"])
    audit.record(
        by=by,
        action=cast(Action, transition.action),
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
    transition = check_transition("report_found", camera, by=by)
    now = timezone.now()
    before = {"status": camera.status}
    camera.status = cast(str, transition.target)
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
        action=cast(Action, transition.action),
        obj=camera,
        camera=camera,
        before=before,
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


# --- a camera's record: adding cameras and editing what describes them ---------------------------

#: What describes a camera, as a person types it (the console's form, an import's row). Its state
#: (status, pool, dock, charge, inspection, loss) is not here: only the lifecycle's actions change it.
CAMERA_DESCRIPTION = (
    "asset_tag",
    "serial_number",
    "model",
    "firmware_version",
    "purchase_batch",
    "purchased_on",
    "supplier",
    "purchase_price",
    "warranty_ends_on",
    "notes",
)

#: How the camera services add and edit cameras' records (hartford_bwc.records).
CAMERA_RECORDS = records.Records(
    Camera,
    shown=(*CAMERA_DESCRIPTION, "status", "pool"),
    links=lambda camera: {"camera": camera},
    related=("model",),
    added_conflict="Another camera with one of these asset tags or serial numbers was added a moment ago; "
    "nothing was added. Check the list and try again.",
    edited_conflict="Another camera took one of these asset tags or serial numbers a moment ago; nothing was saved.",
)


def _description_only(values: Mapping[str, Any]) -> None:
    if extra := sorted(set(values) - set(CAMERA_DESCRIPTION)):
        raise InvalidInput(
            f"{', '.join(extra)} cannot be set here: a camera's state changes only through its actions.",
            code="not_description",
        )


IDENTIFIERS = ("asset_tag", "serial_number")


def _refuse_taken_identifiers(rows: Sequence[tuple[int | None, Mapping[str, Any]]]) -> None:
    """Refuse an asset tag or serial number another camera holds in any case (HPD-BWC-0412 and
    hpd-bwc-0412 are one label), naming that camera: one query per batch of rows, through the UPPER
    indexes (hartford_bwc.anycase). The indexes themselves catch a race.

    `rows` pairs each row's values with the camera that may keep them (None for a new camera).
    """
    keep = {field: {values[field].upper(): pk for pk, values in rows if field in values} for field in IDENTIFIERS}
    for start in range(0, len(rows), records.BATCH_SIZE):
        wanted = Q()
        for field in IDENTIFIERS:
            if upper := [
                values[field].upper() for _, values in rows[start : start + records.BATCH_SIZE] if field in values
            ]:
                wanted |= Q(**{f"{field}__upper__in": upper})
        if not wanted:
            continue
        for holder in Camera.objects.filter(wanted).only("pk", *IDENTIFIERS):
            if keep["asset_tag"].get(holder.asset_tag.upper(), holder.pk) != holder.pk:
                raise InvalidInput(
                    f"Asset tag {holder.asset_tag} already belongs to the camera with serial number "
                    f"{holder.serial_number}.",
                    code="asset_tag_taken",
                )
            if keep["serial_number"].get(holder.serial_number.upper(), holder.pk) != holder.pk:
                raise InvalidInput(
                    f"Serial number {holder.serial_number} is already on file: {holder.asset_tag}.",
                    code="serial_number_taken",
                )


@transaction.atomic
def register_cameras(
    *,
    cameras: Sequence[Mapping[str, Any]],
    by: Actor,
    action: Action = Action.CAMERA_CREATE,
    reason: str = "",
    on_progress: records.Progress | None = None,
) -> list[Camera]:
    """Add cameras to the fleet (each a mapping of CAMERA_DESCRIPTION fields), audited one by one.

    A new camera is available in the spare pool: the one state a camera starts in. It becomes someone's
    personal camera only when it is issued (assignments.services.issue_personal).
    """
    for values in cameras:
        _description_only(values)
    _refuse_taken_identifiers([(None, values) for values in cameras])
    rows = [{**values, "status": Camera.Status.AVAILABLE, "pool": Camera.Pool.SPARE} for values in cameras]
    return CAMERA_RECORDS.create(rows, by=by, action=action, reason=reason, on_progress=on_progress)


def register_camera(*, by: Actor, reason: str = "", **values: Any) -> Camera:
    """Add one camera (the console's "Add camera")."""
    [camera] = register_cameras(cameras=[values], by=by, reason=reason)
    return camera


@transaction.atomic
def update_cameras(
    *,
    changes: Sequence[tuple[Camera, Mapping[str, Any]]],
    by: Actor,
    action: Action = Action.CAMERA_EDIT,
    reason: str = "",
    on_progress: records.Progress | None = None,
    locked: bool = False,
) -> list[records.Edit]:
    """Edit what describes each camera (never its state); each camera that changed is one audit event.

    `locked`: the caller read these cameras with select_for_update in this transaction (an import's plan).
    """
    for _, values in changes:
        _description_only(values)
    _refuse_taken_identifiers([(camera.pk, values) for camera, values in changes])
    return CAMERA_RECORDS.edit(changes, by=by, action=action, reason=reason, on_progress=on_progress, locked=locked)


def update_camera(*, camera: Camera, by: Actor, reason: str = "", **values: Any) -> Camera:
    """Edit one camera's record (the console's "Edit"); an edit that changes nothing writes nothing."""
    update_cameras(changes=[(camera, values)], by=by, reason=reason)
    return Camera.objects.select_related("model", "dock").get(pk=camera.pk)
