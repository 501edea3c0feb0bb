"""Stocktake services: scanning (idempotent, hostile codes refused), the finished count's result, and its fixes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignments.models import Checkout
from audit.actions import Action
from audit.models import AuditEvent
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.factories import CameraFactory, CameraModelFactory, DockFactory
from hartford_bwc.testing import fleet_state
from inventory.models import Camera, MaintenanceRecord

from .. import services
from ..models import Stocktake, StocktakeLine
from .count import craft_count, quartermaster

pytestmark = pytest.mark.django_db
Outcome = StocktakeLine.Outcome


def outcomes(stocktake) -> dict[str, str]:
    return dict(StocktakeLine.objects.filter(stocktake=stocktake).values_list("code", "outcome"))


def test_a_finished_count_sorts_every_line_into_its_result():
    count = craft_count()
    assert outcomes(count.stocktake) == {
        "HPD-BWC-0001": Outcome.SEEN_EXPECTED,
        "HPD-BWC-0002": Outcome.NOT_SEEN,
        "HPD-BWC-0003": Outcome.SEEN_ELSEWHERE,
        "HPD-BWC-0004": Outcome.SEEN_ELSEWHERE,
        "HPD-BWC-0005": Outcome.SEEN_ELSEWHERE,
        "HPD-BWC-0006": Outcome.SEEN_ELSEWHERE,
        "NOPE-1": Outcome.UNKNOWN,
    }
    recorded = {
        line.code: line.recorded_label
        for line in StocktakeLine.objects.filter(outcome=Outcome.SEEN_ELSEWHERE).select_related("recorded_dock")
    }
    assert recorded == {
        "HPD-BWC-0003": "available, in dock Bank B",
        "HPD-BWC-0004": "checked out",
        "HPD-BWC-0005": "lost",
        "HPD-BWC-0006": "in maintenance",
    }
    count.stocktake.refresh_from_db()
    assert count.stocktake.finished_at is not None
    finish = AuditEvent.objects.get(action=Action.STOCKTAKE_FINISH)
    assert finish.after == {"seen_expected": 1, "seen_elsewhere": 4, "not_seen": 1, "unknown": 1}


def test_scanning_the_same_camera_again_by_tag_or_serial_changes_nothing():
    count = craft_count(finish=False)
    before = StocktakeLine.objects.count(), AuditEvent.objects.count()
    for code in ("HPD-BWC-0001", " hpd-bwc-0001 ", "SER0001", "nope-1"):
        result = services.scan(stocktake=count.stocktake, code=code, by=count.by)
        assert result.repeated
    assert (StocktakeLine.objects.count(), AuditEvent.objects.count()) == before
    assert result.message == "NOPE-1 (unknown here): already counted."


def test_a_scan_marks_the_camera_seen_now():
    count = craft_count(finish=False)
    count.here.refresh_from_db()
    assert timezone.now() - count.here.last_seen_at < timedelta(minutes=1)
    count.missing.refresh_from_db()
    assert count.missing.last_seen_at is None


@pytest.mark.parametrize(
    ("code", "refusal"),
    [
        ("", "Scan a barcode"),
        ("HPD\x00BWC", "control characters"),
        ("HPD-BWC-0001\x1b[2J", "control characters"),
        ("A" * 10_000_000, "10,000,000 characters long"),
        ('=HYPERLINK("http://x")', "not one"),
        ("+1+1", "not one"),
        ("@SUM(A1)", "not one"),
    ],
)
def test_hostile_codes_are_refused_and_nothing_is_written(code, refusal):
    count = craft_count(finish=False)
    before = StocktakeLine.objects.count(), AuditEvent.objects.count()
    with pytest.raises(InvalidInput, match=refusal):
        services.scan(stocktake=count.stocktake, code=code, by=count.by)
    assert (StocktakeLine.objects.count(), AuditEvent.objects.count()) == before


def test_a_finished_count_takes_no_more_scans_and_cannot_finish_twice():
    count = craft_count()
    with pytest.raises(DomainError, match="is finished"):
        services.scan(stocktake=count.stocktake, code="HPD-BWC-0007", by=count.by)
    with pytest.raises(DomainError, match="is finished"):
        services.finish(stocktake=count.stocktake, by=count.by)


def test_a_dock_count_needs_its_dock():
    with pytest.raises(InvalidInput, match="Choose the dock"):
        services.start(place=Stocktake.Place.DOCK, by=quartermaster())


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (Stocktake.Place.SPARE_SHELF, {"SHELF"}),
        (Stocktake.Place.MAINTENANCE_SHELF, {"BENCH"}),
        (Stocktake.Place.VENDOR_BOX, {"RMA"}),
    ],
)
def test_each_shelf_expects_the_cameras_its_records_put_there(place, expected):
    by = quartermaster()
    CameraFactory(asset_tag="SHELF")
    CameraFactory(asset_tag="DOCKED", dock=DockFactory(), dock_bay=1)
    bench = CameraFactory(asset_tag="BENCH", status=Camera.Status.IN_MAINTENANCE)
    rma = CameraFactory(asset_tag="RMA", status=Camera.Status.IN_MAINTENANCE)
    MaintenanceRecord.objects.create(camera=bench, kind="repair", performed_by="in_house")
    MaintenanceRecord.objects.create(camera=rma, kind="repair", performed_by="vendor", rma_number="RMA-9")
    stocktake = services.start(place=place, by=by)
    services.finish(stocktake=stocktake, by=by)
    assert set(outcomes(stocktake)) == expected


# --- fixes ---------------------------------------------------------------------------------------


def line(count, code) -> StocktakeLine:
    return StocktakeLine.objects.select_related("stocktake", "camera").get(stocktake=count.stocktake, code=code)


def test_each_difference_offers_the_fixes_that_apply():
    count = craft_count()
    offered = {code: services.fixes_for(line(count, code)) for code in outcomes(count.stocktake)}
    assert offered == {
        "HPD-BWC-0001": [],
        "HPD-BWC-0002": ["report-lost"],
        "HPD-BWC-0003": ["move-here"],
        "HPD-BWC-0004": ["check-in"],
        "HPD-BWC-0005": ["report-found"],
        "HPD-BWC-0006": ["move-here"],
        "NOPE-1": [],
    }


def test_report_lost_fix_records_the_loss_through_the_service_and_audits_the_resolution():
    count = craft_count()
    services.fix(line=line(count, "HPD-BWC-0002"), fix="report-lost", by=count.by, incident_number="HPD-26-77")
    count.missing.refresh_from_db()
    assert (count.missing.status, count.missing.lost_incident_number) == (Camera.Status.LOST, "HPD-26-77")
    resolved = line(count, "HPD-BWC-0002")
    assert resolved.resolution == "reported lost under incident HPD-26-77"
    assert AuditEvent.objects.filter(action=Action.CAMERA_REPORT_LOST, camera=count.missing).exists()
    assert AuditEvent.objects.get(action=Action.STOCKTAKE_FIX).after["fix"] == "report-lost"


def test_report_lost_without_an_incident_number_is_refused_and_changes_nothing():
    count = craft_count()
    before = fleet_state()
    with pytest.raises(InvalidInput, match="incident report number"):
        services.fix(line=line(count, "HPD-BWC-0002"), fix="report-lost", by=count.by)
    assert fleet_state() == before
    assert line(count, "HPD-BWC-0002").resolved_at is None


def test_found_check_in_and_move_fixes_go_through_their_services():
    count = craft_count()
    services.fix(line=line(count, "HPD-BWC-0005"), fix="report-found", by=count.by)
    services.fix(line=line(count, "HPD-BWC-0004"), fix="check-in", by=count.by, confirmed=True)
    services.fix(line=line(count, "HPD-BWC-0003"), fix="move-here", by=count.by)
    for camera in (count.lost, count.out, count.other):
        camera.refresh_from_db()
    assert count.lost.status == Camera.Status.IN_MAINTENANCE
    assert count.out.status == Camera.Status.AVAILABLE
    assert count.out.dock == count.dock  # checked in, and recorded where it was counted
    assert not Checkout.objects.open().filter(camera=count.out).exists()
    assert (count.other.dock, count.other.dock_bay) == (count.dock, None)
    assert line(count, "HPD-BWC-0004").resolution.startswith("checked in from")
    assert AuditEvent.objects.filter(action=Action.STOCKTAKE_FIX).count() == 3


def test_a_fix_applies_once_and_only_where_it_fits():
    count = craft_count()
    services.fix(line=line(count, "HPD-BWC-0003"), fix="move-here", by=count.by)
    with pytest.raises(DomainError, match="already resolved"):
        services.fix(line=line(count, "HPD-BWC-0003"), fix="move-here", by=count.by)
    with pytest.raises(DomainError, match="does not apply"):
        services.fix(line=line(count, "HPD-BWC-0001"), fix="report-lost", by=count.by, incident_number="X")


def test_fixes_wait_for_the_count_to_finish():
    count = craft_count(finish=False)
    with pytest.raises(DomainError, match="Finish the count"):
        services.fix(line=line(count, "HPD-BWC-0003"), fix="move-here", by=count.by)


def test_a_spare_shelf_count_offers_to_move_a_camera_the_records_put_in_a_dock_onto_it():
    by = quartermaster()
    docked = CameraFactory(asset_tag="HPD-BWC-0100", dock=DockFactory(), dock_bay=3)
    stocktake = services.start(place=Stocktake.Place.SPARE_SHELF, by=by)
    services.scan(stocktake=stocktake, code="HPD-BWC-0100", by=by)
    services.finish(stocktake=stocktake, by=by)
    found = StocktakeLine.objects.select_related("stocktake").get(camera=docked)
    assert services.fixes_for(found) == ["move-here"]
    services.fix(line=found, fix="move-here", by=by)
    docked.refresh_from_db()
    assert docked.dock is None and docked.shelf is None
    assert StocktakeLine.objects.get(pk=found.pk).resolution == "moved to the spare shelf"


# --- finish is set-based -------------------------------------------------------------------------


def build_shelf(size: int) -> None:
    model = CameraModelFactory()
    Camera.objects.bulk_create(
        [Camera(asset_tag=f"HPD-BWC-S{i:05d}", serial_number=f"SHELF{i:07d}", model=model) for i in range(size)],
        batch_size=2000,
    )


@pytest.mark.parametrize("size", [50, 3000])
def test_finishing_a_count_takes_the_same_queries_at_any_fleet_size(size):
    build_shelf(size)
    by = quartermaster()
    stocktake = services.start(place=Stocktake.Place.SPARE_SHELF, by=by)
    for i in range(10):
        services.scan(stocktake=stocktake, code=f"HPD-BWC-S{i:05d}", by=by)
    services.scan(stocktake=stocktake, code="UNKNOWN-1", by=by)
    with CaptureQueriesContext(connection) as queries:
        services.finish(stocktake=stocktake, by=by)
    # The savepoint and its release (the test's transaction), the count locked, 3 UPDATEs (unknown,
    # expected, elsewhere), 1 INSERT ... SELECT (not seen), the same 2 UPDATEs and INSERT for signal
    # devices, the count saved, the tally, and the audit append: the last hash and the INSERT
    # (PostgreSQL: its advisory lock too).
    audit_queries = 3 if connection.vendor == "postgresql" else 2
    assert len(queries) == 2 + 10 + audit_queries, "\n".join(q["sql"][:60] for q in queries)
    assert StocktakeLine.objects.filter(stocktake=stocktake, outcome=Outcome.NOT_SEEN).count() == size - 10
