"""A vendor device export for the demo fleet, with a handful of each disagreement the reconciliation finds.

The vendor's copy agrees with the records for most cameras; `PER_KIND` cameras each are missing from
it, assigned to another badge there, on other firmware there, or last docked long ago there, and
`PER_KIND` serials are the vendor's only. Built from the fleet in the database (its serials are random
per seed), with dates relative to `now` so the file never goes stale.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from hartford_bwc.spreadsheet import csv_bytes
from inventory.models import Camera
from stocktake.vendor import holders_of

PER_KIND = 3
HEADERS = ["serial", "assigned_to", "firmware", "last_docked"]


def vendor_export_rows(now: datetime | None = None) -> list[list[str]]:
    today = timezone.localtime(now or timezone.now()).date()
    stale = today - timedelta(days=settings.VENDOR_NOT_DOCKED_DAYS + 20)
    cameras = list(Camera.objects.in_service().order_by("asset_tag"))
    holders = holders_of(cameras)
    rows = []
    for n, camera in enumerate(cameras[PER_KIND:], start=PER_KIND):  # the first few: unknown there
        badge, firmware, docked = holders.get(camera.pk, ""), camera.firmware_version, today
        group = n // PER_KIND
        if group == 1:
            badge = f"9{n:04d}"  # assigned to another badge there
        elif group == 2:
            firmware = "4.0.9" if firmware != "4.0.9" else "4.1.1"
        elif group == 3:
            docked = stale
        rows.append([camera.serial_number, badge, firmware, docked.isoformat()])
    rows += [[f"VND{9000 + i:07d}", "", "4.1.0", today.isoformat()] for i in range(PER_KIND)]  # unknown here
    return rows


def vendor_export_csv(now: datetime | None = None) -> bytes:
    return csv_bytes(HEADERS, vendor_export_rows(now))
