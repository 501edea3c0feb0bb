"""The kiosk's confirmation screen finds the camera's paired triggers and the officer's own through
indexes on PostgreSQL, never by reading every device (issue 11: 57,000 devices at 30,000 cameras made
the screen's query a 65 ms scan). As inventory/tests/test_page_indexes.py: sequential scans are priced
out and the plan is read, on statistics where most triggers are out; no timings here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import requires_postgres
from devices.models import Device
from devices.selectors import signal_links
from hartford_bwc.factories import CameraFactory, DeviceFactory, OfficerFactory, PairingFactory

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db]


def device_reads(plan: dict) -> list[str]:
    """How each read of the device table in `plan` is keyed: its index condition, or the scan's kind."""
    found = []
    if plan.get("Relation Name") == Device._meta.db_table:
        found.append(plan.get("Index Cond") or plan.get("Recheck Cond") or plan["Node Type"])
    for child in plan.get("Plans", []):
        found += device_reads(child)
    return found


def out(officer, **kwargs) -> Device:
    return DeviceFactory(status="issued", officer=officer, issued_at=timezone.now(), **kwargs)


def test_the_triggers_for_a_check_out_are_found_without_reading_every_device():
    officer, camera = OfficerFactory(), CameraFactory()
    mine = out(officer)
    paired = out(OfficerFactory())
    PairingFactory(camera=camera, device=paired)
    # Most of a fleet's triggers are out with someone: 3,000 issued to others, and the planner told so.
    other, template = OfficerFactory(), out(OfficerFactory())
    Device.objects.bulk_create(
        [
            Device(
                asset_tag=f"HPD-SIG-9{n:05d}",
                serial_number=f"SGX{n:07d}",
                model=template.model,
                status="issued",
                officer=other,
                issued_at=template.issued_at,
                battery_fitted_on=template.battery_fitted_on,
                purchased_on=template.purchased_on,
            )
            for n in range(3000)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE devices_device")
        cursor.execute("ANALYZE devices_pairing")

    with CaptureQueriesContext(connection) as captured:
        links = signal_links(camera=camera, officer=officer)

    assert [d.asset_tag for d in links.paired] == [paired.asset_tag]
    assert [d.asset_tag for d in [*links.own_any_camera, *links.own_not_paired]] == [mine.asset_tag]
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
        plan = cursor.fetchone()[0][0]["Plan"]
    # Keyed by the officer or by the candidates' ids: never by status alone (every issued trigger, most of
    # the fleet's), as the OR of the officer and an EXISTS on pairings was.
    reads = device_reads(plan)
    assert reads and all("officer_id =" in read or "(id =" in read for read in reads), reads
