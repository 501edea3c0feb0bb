"""Vendor reconciliation's state changes: keep an uploaded export, and fix one disagreement in one click.

Each fix locks the camera, compares its export row with the records again under that lock, and runs
only if the disagreement (and this fix for it) is still there: a double click, or two quartermasters
at once, change the camera once and the second is told the records already agree. The change itself
goes through the service that owns it (inventory, assignments), inside the same transaction as the
audit event that names the export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from assignments import services as assignments
from assignments.models import Officer
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc.errors import DomainError, InvalidInput
from inventory import services as inventory
from inventory.firmware import validate_firmware_version
from inventory.models import Camera, MaintenanceRecord

from . import vendor
from .models import VendorExport


@transaction.atomic
def keep_export(*, filename: str, rows: list[vendor.VendorRow], by: Actor) -> VendorExport:
    """Store the rows read from an upload (nothing in the fleet changes), to compare and fix from."""
    export = VendorExport.objects.create(
        filename=filename[:200], uploaded_by=by.user, rows=[row.as_json() for row in rows], row_count=len(rows)
    )
    audit.record(
        by=by, action=Action.STOCKTAKE_VENDOR_UPLOAD, obj=export, after={"filename": export.filename, "rows": len(rows)}
    )
    return export


def rows_of(export: VendorExport) -> list[vendor.VendorRow]:
    return [vendor.VendorRow.from_json(values) for values in export.rows]


def _record_firmware(camera: Camera, found: vendor.Disagreement, by: Actor, incident_number: str) -> str:
    try:
        validate_firmware_version(found.vendor_value)
    except ValidationError as error:
        raise InvalidInput(
            f"The vendor's firmware {found.vendor_value!r} is not a version: {' '.join(error.messages)}",
            code="bad_firmware",
        ) from None
    inventory.update_camera(
        camera=camera,
        by=by,
        reason="Firmware as the vendor's device export reports it.",
        firmware_version=found.vendor_value,
    )
    return f"firmware recorded as {found.vendor_value}"


def _issue_personal(camera: Camera, found: vendor.Disagreement, by: Actor, incident_number: str) -> str:
    officer = Officer.objects.filter(badge_number__iexact=found.vendor_value, is_active=True).first()
    if officer is None:
        raise DomainError(f"No active officer has badge {found.vendor_value}.", code="no_such_officer")
    assignments.issue_personal(
        officer=officer, camera=camera, by=by, reason="Assigned to this officer in the vendor's system."
    )
    return f"issued to {officer.display_name} (badge {officer.badge_number})"


def _send_to_inspection(camera: Camera, found: vendor.Disagreement, by: Actor, incident_number: str) -> str:
    inventory.open_maintenance(
        camera=camera,
        kind=MaintenanceRecord.Kind.INSPECTION,
        performed_by=MaintenanceRecord.PerformedBy.IN_HOUSE,
        by=by,
        problem=f"Not docked at the vendor: {found.there}.",
    )
    return "sent to inspection"


def _report_lost(camera: Camera, found: vendor.Disagreement, by: Actor, incident_number: str) -> str:
    inventory.report_lost(
        camera=camera, incident_number=incident_number, by=by, reason=f"Vendor export: {found.there}."
    )
    return f"reported lost under incident {incident_number.strip()}"


@dataclass(frozen=True)
class VendorFix:
    title: str
    run: Callable[[Camera, vendor.Disagreement, Actor, str], str]
    needs_incident_number: bool = False


FIXES: dict[str, VendorFix] = {
    "record-firmware": VendorFix("Record the vendor's firmware", _record_firmware),
    "issue-personal": VendorFix("Issue to that officer", _issue_personal),
    "send-to-inspection": VendorFix("Send to inspection", _send_to_inspection),
    "report-lost": VendorFix("Report lost", _report_lost, needs_incident_number=True),
}


@transaction.atomic
def fix(*, export: VendorExport, serial: str, fix: str, by: Actor, incident_number: str = "") -> str:
    """Apply `fix` to the disagreement about `serial` in `export`; what was done, as a sentence."""
    if fix not in FIXES:
        raise DomainError("There is no such fix.", code="no_such_fix")
    serial = serial.strip().upper()
    row = next((row for row in rows_of(export) if row.serial == serial), None)
    if row is None:
        raise DomainError(f"Serial {serial[:60]} is not in this export.", code="not_in_export")
    # Locked before comparing: a second click waits here, then finds the records already agree.
    camera = Camera.objects.select_for_update().filter(serial_number__iexact=serial).first()
    if camera is None:
        raise DomainError(f"No camera has serial {serial}: add it first.", code="unknown_here")
    found = next((d for d in vendor.compare_one(row, camera) if fix in d.fixes), None)
    if found is None:
        raise DomainError(
            f"{camera.asset_tag}: nothing to {FIXES[fix].title.lower()} any more; the records changed "
            f"(now {camera.get_status_display().lower()}). The comparison below is up to date.",
            code="already_resolved",
        )
    done = FIXES[fix].run(camera, found, by, incident_number)
    audit.record(
        by=by,
        action=Action.STOCKTAKE_VENDOR_FIX,
        obj=export,
        camera=camera,
        before={"kind": found.kind, "here": found.here, "there": found.there},
        after={"serial": serial, "fix": fix, "resolution": done},
    )
    return f"{camera.asset_tag}: {done}."
