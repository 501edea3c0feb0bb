"""Every state change of a stocktake: start a count, scan, finish, and fix a difference it found.

Same shape as inventory.services: one transaction, the count locked, state checked, audit written.
A fix calls the inventory, assignments or devices service that owns the change (report lost, found,
check in, dock, undock; a device's report lost, found, return to stock), inside the same transaction
as the line's resolution.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.utils import timezone

from assignments import services as assignments
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from devices import services as devices
from devices.models import Device, DeviceStatus, Vehicle
from hartford_bwc import control_characters
from hartford_bwc.errors import DomainError, InvalidInput
from inventory import services as inventory
from inventory import shelves
from inventory.models import Camera, ChargeEvent, Dock, Shelf

from .models import Stocktake, StocktakeLine
from .selectors import expected_cameras, expected_devices

# Asset tags and serials: letters and digits, with dots, dashes, slashes and underscores inside. A code
# that starts with = + - @ would be a formula in the CSV a quartermaster opens; none is a real code.
CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9._/-]*\Z")


def clean_code(raw: str) -> str:
    """The scanned code as stored (upper case, trimmed), or a refusal that says what was wrong."""
    code = raw.strip().upper()
    if not code:
        raise InvalidInput("Scan a barcode or type an asset tag or serial number.", code="code_required")
    if control_characters.has_any(code):
        raise InvalidInput(
            "That scan holds control characters, so it is not a barcode: scan again.", code="code_control"
        )
    limit = settings.STOCKTAKE_MAX_CODE_LENGTH
    if len(code) > limit:
        raise InvalidInput(
            f"That code is {len(code):,} characters long; an asset tag or serial has at most {limit}.",
            code="code_too_long",
        )
    if not CODE_PATTERN.match(code):
        raise InvalidInput(
            "A code is letters and digits (with . - / _ inside); that scan is not one: scan again.",
            code="code_bad_characters",
        )
    return code


def _lock_open(stocktake: Stocktake) -> Stocktake:
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if not stocktake.is_open:
        raise DomainError(f"Stocktake {stocktake.pk} is finished; start a new count to scan again.", code="finished")
    return stocktake


@transaction.atomic
def start(
    *, place: str, by: Actor, dock: Dock | None = None, shelf: Shelf | None = None, vehicle: Vehicle | None = None
) -> Stocktake:
    """Open a count of one place: a dock bank, a named shelf, the spare or maintenance shelf, the vendor box,
    a vehicle's signal units."""
    if place not in Stocktake.Place.values:
        raise InvalidInput("Choose the place to count.", code="place_required")
    if place == Stocktake.Place.DOCK and dock is None:
        raise InvalidInput("Choose the dock to count.", code="dock_required")
    if place == Stocktake.Place.VEHICLE and vehicle is None:
        raise InvalidInput("Name the vehicle to count (its unit number).", code="vehicle_required")
    if place == Stocktake.Place.SHELF and shelf is None:
        raise InvalidInput("Choose the shelf to count.", code="shelf_required")
    if place == Stocktake.Place.SHELF and shelf is not None:
        shelf = Shelf.objects.get(pk=shelf.pk)  # as it is now, not as the form read it
        if not shelf.is_active:
            raise DomainError(f"Shelf {shelf.name} is retired; choose another.", code="shelf_retired")
    if place != Stocktake.Place.DOCK:
        dock = None
    if place != Stocktake.Place.SHELF:
        shelf = None
    if place != Stocktake.Place.VEHICLE:
        vehicle = None
    stocktake = Stocktake.objects.create(place=place, dock=dock, shelf=shelf, vehicle=vehicle, started_by=by.user)
    after = {"place": place, "dock": dock and dock.name, "shelf": shelf and shelf.name}
    if vehicle is not None:
        after["vehicle"] = vehicle.unit_number
    audit.record(by=by, action=Action.STOCKTAKE_START, obj=stocktake, after=after)
    return stocktake


@dataclass(frozen=True)
class ScanResult:
    line: StocktakeLine
    repeated: bool

    @property
    def message(self) -> str:
        line = self.line
        if line.device is not None:
            device = line.device
            where = device.holder_label or device.get_status_display().lower()
            what = f"{device.asset_tag} ({device.model}, recorded as {where})"
        elif line.camera is not None:
            what = line.camera.asset_tag
        else:
            what = f"{line.code} (unknown here)"
        return f"{what}: already counted." if self.repeated else f"{what}: counted."


def _find_camera(code: str) -> Camera | None:
    return Camera.objects.filter(Q(asset_tag__iexact=code) | Q(serial_number__iexact=code)).first()


def _find_device(code: str) -> Device | None:
    return (
        Device.objects.select_related("model", "officer", "vehicle")
        .filter(Q(asset_tag__iexact=code) | Q(serial_number__iexact=code))
        .first()
    )


@transaction.atomic
def scan(*, stocktake: Stocktake, code: str, by: Actor) -> ScanResult:
    """Count one scanned code: a camera's or a signal device's tag or serial. Scanning the same asset
    again (by its tag or its serial) changes nothing."""
    code = clean_code(code)
    # Locked so two scanners on one count take turns, and a scan never lands after the finish.
    stocktake = _lock_open(stocktake)
    camera = _find_camera(code)
    device = _find_device(code) if camera is None else None
    same = Q(code=code)
    if camera is not None:
        same |= Q(camera=camera)
    elif device is not None:
        same |= Q(device=device)
    existing = (
        StocktakeLine.objects.filter(same, stocktake=stocktake)
        .select_related("camera", "device__model", "device__officer", "device__vehicle")
        .first()
    )
    if existing is not None:
        return ScanResult(existing, repeated=True)
    now = timezone.now()
    line = StocktakeLine.objects.create(stocktake=stocktake, code=code, camera=camera, device=device, scanned_at=now)
    if camera is not None:
        Camera.objects.filter(pk=camera.pk).update(last_seen_at=now)
    if device is not None:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    after: dict[str, object] = {
        "stocktake": stocktake.pk,
        "code": code,
        "known": camera is not None or device is not None,
    }
    if device is not None:
        after["device"] = device.asset_tag
    audit.record(
        by=by,
        action=Action.STOCKTAKE_SCAN,
        obj=line,
        camera=camera,
        officer=device.officer if device is not None else None,
        after=after,
    )
    return ScanResult(line, repeated=False)


def _insert_not_seen(stocktake: Stocktake, expected, scanned, *, asset: str, dock: bool) -> None:
    """One INSERT ... SELECT: a line for every expected asset (camera or device) not scanned, whatever
    their number. `asset` is the line's column for it; `dock`: the asset has a dock and a shelf to record (a camera)."""
    columns = {  # the line's column: its value, from the asset's row or a constant
        "stocktake_id": Value(stocktake.pk),
        asset: F("pk"),
        "code": F("asset_tag"),
        "recorded_status": F("status"),
        **({"recorded_dock_id": F("dock_id"), "recorded_shelf_id": F("shelf_id")} if dock else {}),
        "outcome": Value(StocktakeLine.Outcome.NOT_SEEN.value),
        "resolution": Value(""),
    }
    aliases = {f"line_{name}": value for name, value in columns.items()}
    missing = expected.exclude(pk__in=scanned).annotate(**aliases).values_list(*aliases)
    try:
        sql, params = missing.query.sql_with_params()
    except EmptyResultSet:
        return  # no place of this kind holds such assets (a vehicle holds no camera)
    with connection.cursor() as cursor:
        # The table and column names come from the model; every value is a parameter.
        cursor.execute(f"INSERT INTO {StocktakeLine._meta.db_table} ({', '.join(columns)}) {sql}", params)


@transaction.atomic
def finish(*, stocktake: Stocktake, by: Actor) -> Stocktake:
    """Close the count and sort every line, set-based: a fixed number of queries at any fleet size."""
    stocktake = _lock_open(stocktake)
    lines = StocktakeLine.objects.filter(stocktake=stocktake)
    Outcome = StocktakeLine.Outcome
    lines.filter(camera__isnull=True, device__isnull=True).update(outcome=Outcome.UNKNOWN)
    expected = expected_cameras(stocktake)
    lines.filter(camera__in=expected.values("pk")).update(outcome=Outcome.SEEN_EXPECTED)
    recorded = Camera.objects.filter(pk=OuterRef("camera_id"))
    lines.filter(camera__isnull=False, outcome=Outcome.SCANNED).update(
        outcome=Outcome.SEEN_ELSEWHERE,
        recorded_status=Subquery(recorded.values("status")[:1]),
        recorded_dock_id=Subquery(recorded.values("dock_id")[:1]),
        recorded_shelf_id=Subquery(recorded.values("shelf_id")[:1]),
    )
    _insert_not_seen(
        stocktake, expected, lines.filter(camera__isnull=False).values("camera_id"), asset="camera_id", dock=True
    )
    _finish_devices(stocktake, lines)
    stocktake.finished_at = timezone.now()
    stocktake.save(update_fields=["finished_at"])
    tally = dict(lines.order_by().values_list("outcome").annotate(n=Count("pk")))
    audit.record(
        by=by,
        action=Action.STOCKTAKE_FINISH,
        obj=stocktake,
        after={outcome.value: tally.get(outcome.value, 0) for outcome in Outcome if outcome.value},
    )
    return stocktake


def _finish_devices(stocktake: Stocktake, lines) -> None:
    """The devices' part of the finish, as the cameras': seen and expected, seen elsewhere, not seen."""
    Outcome = StocktakeLine.Outcome
    scanned = lines.filter(device__isnull=False)
    expected = expected_devices(stocktake)
    if expected is not None:
        scanned.filter(device__in=expected.values("pk")).update(outcome=Outcome.SEEN_EXPECTED)
    recorded = Device.objects.filter(pk=OuterRef("device_id"))
    scanned.filter(outcome=Outcome.SCANNED).update(
        outcome=Outcome.SEEN_ELSEWHERE, recorded_status=Subquery(recorded.values("status")[:1])
    )
    if expected is not None:
        _insert_not_seen(stocktake, expected, scanned.values("device_id"), asset="device_id", dock=False)


# --- fixes: one click each, through the service that owns the change -------------------------------
# A camera's through inventory and assignments; a signal device's through devices.services (report
# lost, report found, return to stock); anything else about a device is done on its page.


@dataclass(frozen=True)
class Fix:
    title: str
    applies: Callable[[StocktakeLine], bool]
    run: Callable[[StocktakeLine, Actor, str], str]
    needs_incident_number: bool = False
    # Asked again before it runs: the page shows what will happen and a second button.
    needs_confirmation: bool = False

    def title_for(self, stocktake: Stocktake) -> str:
        """The button's text: "Move to this dock" or "... shelf", as the count is of one or the other."""
        return self.title.replace("{place}", "dock" if stocktake.place == Stocktake.Place.DOCK else "shelf")


def _elsewhere(line: StocktakeLine, *statuses: str) -> bool:
    return line.outcome == StocktakeLine.Outcome.SEEN_ELSEWHERE and line.recorded_status in statuses


def _is_camera(line: StocktakeLine) -> bool:
    return line.camera_id is not None


def _is_device(line: StocktakeLine) -> bool:
    return line.device_id is not None


def _device(line: StocktakeLine) -> Device:
    """The device a device fix acts on (its `applies` says the line has one)."""
    if line.device is None:
        raise DomainError(f"{line.code} is not a signal device on file; nothing to fix.", code="unknown_code")
    return line.device


def _camera(line: StocktakeLine) -> Camera:
    """The camera a fix acts on: every fix applies only to a line with one (its `applies` says so)."""
    if line.camera is None:
        raise DomainError(f"{line.code} is not a camera on file; nothing to fix.", code="unknown_code")
    return line.camera


def _report_lost(line: StocktakeLine, by: Actor, incident_number: str) -> str:
    reason = f"Not seen in stocktake {line.stocktake_id}."
    if _is_device(line):
        devices.report_lost(device=_device(line), incident_number=incident_number, by=by, reason=reason)
    else:
        inventory.report_lost(camera=_camera(line), incident_number=incident_number, by=by, reason=reason)
    return f"reported lost under incident {incident_number.strip()}"


def _report_found(line: StocktakeLine, by: Actor, incident_number: str) -> str:
    notes = f"Seen in stocktake {line.stocktake_id}."
    if _is_device(line):
        device = devices.report_found(device=_device(line), by=by, notes=notes)
        return f"reported found; now {device.get_status_display().lower()}"
    inventory.report_found(camera=_camera(line), by=by, notes=notes)
    return "reported found; sent to inspection"


def _return_to_stock(line: StocktakeLine, by: Actor, incident_number: str) -> str:
    device = _device(line)
    holder = device.holder_label
    devices.return_to_stock(device=device, by=by, reason=f"Seen on the spare shelf in stocktake {line.stocktake_id}.")
    return f"returned to stock from {holder}" if holder else "returned to stock"


def _put_here(line: StocktakeLine, by: Actor) -> str:
    """Record the camera where it was counted; the part of the resolution that says where (or "")."""
    stocktake, camera = line.stocktake, _camera(line)
    reason = f"Seen in stocktake {stocktake.pk}."
    if stocktake.place == Stocktake.Place.DOCK:
        dock = cast(Dock, stocktake.dock)
        inventory.record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, by=by)
        return f"moved to dock {dock.name}"
    if stocktake.place == Stocktake.Place.SHELF:
        shelf = cast(Shelf, stocktake.shelf)
        shelves.shelve(camera=camera, shelf=shelf, by=by, reason=reason)
        return f"moved to shelf {shelf.name}"
    camera.refresh_from_db(fields=["dock", "shelf"])
    if camera.dock_id is None and camera.shelf_id is None:
        return ""
    shelves.shelve(camera=camera, shelf=None, by=by, reason=reason)
    return f"moved to the {stocktake.place_label.lower()}"


def _check_in(line: StocktakeLine, by: Actor, incident_number: str) -> str:
    checkout = assignments.check_in(camera=_camera(line), by=by)
    done = f"checked in from {checkout.officer.display_name} (badge {checkout.officer.badge_number})"
    where = _put_here(line, by) if line.stocktake.place in MOVABLE_TO else ""
    return f"{done} and {where}" if where else done


def _move_here(line: StocktakeLine, by: Actor, incident_number: str) -> str:
    return _put_here(line, by) or "already recorded here"


ON_SHELF = (Camera.Status.AVAILABLE, Camera.Status.IN_MAINTENANCE)
# The places a camera can be moved to, and the statuses a camera there has (None: any on the shelf).
MOVABLE_TO: dict[str, tuple[str, ...]] = {
    Stocktake.Place.DOCK: ON_SHELF,
    Stocktake.Place.SHELF: ON_SHELF,
    Stocktake.Place.SPARE_SHELF: (Camera.Status.AVAILABLE,),
    Stocktake.Place.MAINTENANCE_SHELF: (Camera.Status.IN_MAINTENANCE,),
}


def _movable(line: StocktakeLine) -> bool:
    """A camera seen here, recorded on the shelf elsewhere (another dock or shelf), and this place takes its status."""
    statuses = MOVABLE_TO.get(line.stocktake.place, ())
    if not _is_camera(line) or not _elsewhere(line, *statuses):
        return False
    if line.stocktake.place in (Stocktake.Place.DOCK, Stocktake.Place.SHELF):
        return True
    return line.recorded_dock_id is not None or line.recorded_shelf_id is not None


FIXES: dict[str, Fix] = {
    "report-lost": Fix(
        "Report lost",
        lambda line: line.outcome == StocktakeLine.Outcome.NOT_SEEN,
        _report_lost,
        needs_incident_number=True,
    ),
    # A camera's and a device's "lost" are the same value.
    "report-found": Fix("Report found", lambda line: _elsewhere(line, Camera.Status.LOST), _report_found),
    "check-in": Fix(
        "Check in",
        lambda line: _is_camera(line) and _elsewhere(line, Camera.Status.CHECKED_OUT),
        _check_in,
        needs_confirmation=True,
    ),
    "move-here": Fix("Move to this {place}", _movable, _move_here),
    # A device on the spare shelf (the quartermaster's stock) recorded with an officer or in a vehicle.
    "return-to-stock": Fix(
        "Return to stock",
        lambda line: (
            _is_device(line)
            and line.stocktake.place == Stocktake.Place.SPARE_SHELF
            and _elsewhere(line, DeviceStatus.ISSUED)
        ),
        _return_to_stock,
        needs_confirmation=True,
    ),
}


def fixes_for(line: StocktakeLine) -> list[str]:
    """The one-click fixes offered for a line of a finished count (no query: the line's own fields)."""
    if line.resolved_at is not None or line.stocktake.is_open or not (_is_camera(line) or _is_device(line)):
        return []
    return [slug for slug, fix in FIXES.items() if fix.applies(line)]


def add_camera_prefill(code: str) -> dict[str, str]:
    """What "Add camera" is given for an unknown code: an asset tag if it looks like one, else a serial."""
    if code.startswith(settings.ASSET_TAG_PREFIX.upper()):
        return {"asset_tag": code}
    return {"serial_number": code}


@transaction.atomic
def fix(
    *, line: StocktakeLine, fix: str, by: Actor, incident_number: str = "", confirmed: bool = False
) -> StocktakeLine:
    """Apply one fix to a difference the count found, and mark the line resolved.

    The line is locked first: of two clicks at once (a double click, two quartermasters), the second
    waits, then finds the line resolved and is told so; nothing is done twice.
    """
    line = (
        StocktakeLine.objects.select_for_update(of=("self",))
        .select_related("stocktake__dock", "stocktake__shelf", "camera", "device__officer", "device__vehicle")
        .get(pk=line.pk)
    )
    if line.stocktake.is_open:
        raise DomainError("Finish the count before fixing what it found.", code="count_open")
    if line.resolved_at is not None:
        raise DomainError(f"{line.code} is already resolved: {line.resolution}.", code="already_resolved")
    if fix not in fixes_for(line):
        raise DomainError(f"That fix does not apply to {line.code}.", code="fix_not_applicable")
    if FIXES[fix].needs_confirmation and not confirmed:
        raise DomainError(f"Confirm before you {FIXES[fix].title.lower()} {line.code}.", code="confirm_required")
    resolution = FIXES[fix].run(line, by, incident_number)
    line.resolved_at = timezone.now()
    line.resolution = resolution
    line.save(update_fields=["resolved_at", "resolution"])
    audit.record(
        by=by,
        action=Action.STOCKTAKE_FIX,
        obj=line,
        camera=line.camera,
        after={
            "stocktake": line.stocktake_id,
            "fix": fix,
            "resolution": resolution,
            **({"device": line.device.asset_tag} if line.device is not None else {}),
        },
    )
    return line
