"""Vendor reconciliation: the camera vendor's device export against the records here.

The vendor's system keeps its own copy of who has which camera, its firmware and when it last
docked; the two drift. Read the export (CSV/XLSX, through the imports' parser and its refusals),
then compare set-wise: one query for the cameras named, one for their holders, one for the cameras
in service that the export does not name, whatever the size of the file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from assignments.models import Checkout, Officer, PersonalIssue
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

    def as_json(self) -> dict[str, Any]:
        values = asdict(self)
        values["last_docked"] = self.last_docked.isoformat() if self.last_docked else None
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> VendorRow:
        day = values.get("last_docked")
        return cls(
            line=int(values["line"]),
            serial=str(values["serial"]),
            assigned_to=str(values.get("assigned_to", "")),
            firmware=str(values.get("firmware", "")),
            last_docked=date.fromisoformat(day) if day else None,
        )


@dataclass
class Disagreement:
    kind: str
    serial: str
    here: str
    there: str
    camera: Camera | None = None
    fixes: list[str] = field(default_factory=list)
    # The vendor's value a fix would record (a firmware version, a badge number).
    vendor_value: str = ""


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


@dataclass(frozen=True)
class Context:
    """What a row is compared with besides its camera: read once for the whole file."""

    holders: dict[int, str]
    active_badges: set[str]
    stale_before: date


def _compare_row(row: VendorRow, camera: Camera, context: Context) -> list[Disagreement]:
    found = []
    holder = context.holders.get(camera.pk, "")
    if row.assigned_to and row.assigned_to.upper() != holder.upper():
        # Nobody holds it here and the vendor names an officer on file: record that officer's issue here.
        fixes = ["issue-personal"] if not holder and row.assigned_to.upper() in context.active_badges else []
        found.append(
            Disagreement(
                "assigned_elsewhere",
                row.serial,
                f"badge {holder}" if holder else "nobody",
                row.assigned_to,
                camera,
                fixes,
                row.assigned_to,
            )
        )
    if row.firmware and row.firmware != camera.firmware_version:
        found.append(
            Disagreement(
                "firmware",
                row.serial,
                camera.firmware_version or "unknown",
                row.firmware,
                camera,
                ["record-firmware"],
                row.firmware,
            )
        )
    in_service = camera.status not in (Camera.Status.LOST, Camera.Status.RETIRED)
    if in_service and (row.last_docked is None or row.last_docked < context.stale_before):
        there = f"last docked {timefmt.day(row.last_docked)}" if row.last_docked else "never docked"
        fixes = ["send-to-inspection", "report-lost"] if camera.status == Camera.Status.AVAILABLE else ["report-lost"]
        found.append(
            Disagreement("not_docked_there", row.serial, camera.get_status_display().lower(), there, camera, fixes)
        )
    return found


def context_for(cameras: list[Camera], rows: list[VendorRow], *, now: datetime | None = None) -> Context:
    """Holders here (two queries) and the active badges the export names (one)."""
    now = now or timezone.now()
    named = {row.assigned_to.upper() for row in rows if row.assigned_to}
    badges = Officer.objects.filter(badge_number__in=named, is_active=True).values_list("badge_number", flat=True)
    return Context(
        holders=holders_of(cameras),
        active_badges={badge.upper() for badge in badges} if named else set(),
        stale_before=timezone.localtime(now).date() - timedelta(days=settings.VENDOR_NOT_DOCKED_DAYS),
    )


def compare_one(row: VendorRow, camera: Camera) -> list[Disagreement]:
    """The disagreements of one row with its camera as the records stand now (a fix re-checks with this)."""
    return _compare_row(row, camera, context_for([camera], [row]))


def reconcile(rows: list[VendorRow], *, now: datetime | None = None) -> list[Disagreement]:
    """Every disagreement between the export and the records, grouped by kind (KINDS' order)."""
    serials = {row.serial for row in rows}
    cameras = {
        camera.serial_number.upper(): camera for camera in Camera.objects.filter(serial_number__upper__in=serials)
    }
    context = context_for(list(cameras.values()), rows, now=now)
    found: list[Disagreement] = []
    for row in rows:
        camera = cameras.get(row.serial)
        if camera is None:
            found.append(Disagreement("unknown_here", row.serial, "no camera with this serial", f"line {row.line}"))
            continue
        found.extend(_compare_row(row, camera, context))
    for camera in Camera.objects.in_service().exclude(serial_number__in=serials).order_by("serial_number"):
        found.append(
            Disagreement(
                "unknown_there", camera.serial_number, camera.get_status_display().lower(), "not in the export", camera
            )
        )
    order = list(KINDS)
    return sorted(found, key=lambda d: (order.index(d.kind), d.serial))
