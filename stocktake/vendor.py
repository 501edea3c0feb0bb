"""Vendor reconciliation: the camera vendor's device export against the records here.

The vendor's system keeps its own copy of who has which camera, its firmware and when it last
docked; the two drift. Read the export (CSV/XLSX, through the imports' parser and its refusals),
then compare set-wise: one query for the cameras named, one for their holders, one for the cameras
in service that the export does not name, whatever the size of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from assignments.models import Checkout, PersonalIssue
from hartford_bwc import timefmt
from hartford_bwc.errors import InvalidInput
from imports.parsing import parse_upload
from inventory.models import Camera


@dataclass(frozen=True)
class VendorRow:
    line: int
    serial: str
    assigned_to: str
    firmware: str
    last_docked: date | None


@dataclass
class Disagreement:
    kind: str
    serial: str
    here: str
    there: str
    camera: Camera | None = None
    fixes: list[str] = field(default_factory=list)


KINDS = {
    "assigned_elsewhere": "Assigned to another officer there",
    "firmware": "Firmware differs",
    "unknown_here": "Serial unknown here",
    "unknown_there": "In service here, unknown to the vendor",
    "not_docked_there": "In service here, not docked there",
}


def _day(text: str, line: int) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise InvalidInput(
            f"Line {line}: last_docked {text!r} is not a date; write it as YYYY-MM-DD.", code="bad_date"
        ) from None


def read_export(*, filename: str, data: bytes) -> list[VendorRow]:
    """The export's rows; a file that cannot be read is refused as a whole (ImportRefused/InvalidInput)."""
    parsed = parse_upload(kind="vendor", filename=filename, data=data)
    rows = []
    for row in parsed.rows:
        values, line = row["values"], row["line"]
        rows.append(
            VendorRow(
                line=line,
                serial=values.get("serial", "").strip().upper(),
                assigned_to=values.get("assigned_to", "").strip(),
                firmware=values.get("firmware", "").strip(),
                last_docked=_day(values.get("last_docked", ""), line),
            )
        )
    return rows


def holders_of(cameras: list[Camera]) -> dict[int, str]:
    """The badge each camera is with here: out on a checkout, else its personal issue (two queries)."""
    ids = [camera.pk for camera in cameras]
    holders = dict(
        PersonalIssue.objects.current().filter(camera__in=ids).values_list("camera_id", "officer__badge_number")
    )
    holders.update(Checkout.objects.open().filter(camera__in=ids).values_list("camera_id", "officer__badge_number"))
    return holders


def _compare_row(row: VendorRow, camera: Camera, holder: str, stale_before: date) -> list[Disagreement]:
    found = []
    if row.assigned_to and row.assigned_to.upper() != holder.upper():
        found.append(
            Disagreement(
                "assigned_elsewhere", row.serial, f"badge {holder}" if holder else "nobody", row.assigned_to, camera
            )
        )
    if row.firmware and row.firmware != camera.firmware_version:
        found.append(Disagreement("firmware", row.serial, camera.firmware_version or "unknown", row.firmware, camera))
    in_service = camera.status not in (Camera.Status.LOST, Camera.Status.RETIRED)
    if in_service and (row.last_docked is None or row.last_docked < stale_before):
        there = f"last docked {timefmt.day(row.last_docked)}" if row.last_docked else "never docked"
        found.append(
            Disagreement(
                "not_docked_there", row.serial, camera.get_status_display().lower(), there, camera, ["report-lost"]
            )
        )
    return found


def reconcile(rows: list[VendorRow], *, now: datetime | None = None) -> list[Disagreement]:
    """Every disagreement between the export and the records, grouped by kind (KINDS' order)."""
    now = now or timezone.now()
    stale_before = timezone.localtime(now).date() - timedelta(days=settings.VENDOR_NOT_DOCKED_DAYS)
    serials = {row.serial for row in rows}
    cameras = {
        camera.serial_number.upper(): camera for camera in Camera.objects.filter(serial_number__upper__in=serials)
    }
    holders = holders_of(list(cameras.values()))
    found: list[Disagreement] = []
    for row in rows:
        camera = cameras.get(row.serial)
        if camera is None:
            found.append(Disagreement("unknown_here", row.serial, "no camera with this serial", f"line {row.line}"))
            continue
        found.extend(_compare_row(row, camera, holders.get(camera.pk, ""), stale_before))
    for camera in Camera.objects.in_service().exclude(serial_number__in=serials).order_by("serial_number"):
        found.append(
            Disagreement(
                "unknown_there",
                camera.serial_number,
                camera.get_status_display().lower(),
                "not in the export",
                camera,
                ["report-lost"],
            )
        )
    order = list(KINDS)
    return sorted(found, key=lambda d: (order.index(d.kind), d.serial))
