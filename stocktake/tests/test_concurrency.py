"""Two clicks on one fix at the same moment (a double click, two quartermasters), on PostgreSQL with real
threads and connections: one fix is applied, the other is told what happened; nothing is done twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import verify_chain
from conftest import requires_postgres
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory
from hartford_bwc.spreadsheet import csv_bytes
from hartford_bwc.testing import run_at_once
from inventory.models import Camera, ChargeEvent, MaintenanceRecord

from .. import services, vendor, vendor_fixes
from ..models import StocktakeLine
from .count import craft_count

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db(transaction=True)]


def test_two_move_here_clicks_at_once_move_the_camera_once():
    count = craft_count()
    line = StocktakeLine.objects.get(stocktake=count.stocktake, code="HPD-BWC-0003")
    outcomes = run_at_once([lambda: services.fix(line=line, fix="move-here", by=count.by)] * 2)
    wins = [o for o in outcomes if isinstance(o, StocktakeLine)]
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(wins) == 1 and len(refusals) == 1, outcomes
    assert str(refusals[0]) == "HPD-BWC-0003 is already resolved: moved to dock Bank A."
    assert ChargeEvent.objects.filter(camera=count.other, kind=ChargeEvent.Kind.DOCKED).count() == 1
    assert AuditEvent.objects.filter(action=Action.STOCKTAKE_FIX).count() == 1
    assert verify_chain() is None


def test_report_lost_and_check_in_racing_on_one_count_each_land_once():
    count = craft_count()
    missing = StocktakeLine.objects.get(stocktake=count.stocktake, code="HPD-BWC-0002")
    out = StocktakeLine.objects.get(stocktake=count.stocktake, code="HPD-BWC-0004")
    outcomes = run_at_once(
        [
            lambda: services.fix(line=missing, fix="report-lost", by=count.by, incident_number="HPD-26-1"),
            lambda: services.fix(line=missing, fix="report-lost", by=count.by, incident_number="HPD-26-2"),
            lambda: services.fix(line=out, fix="check-in", by=count.by, confirmed=True),
            lambda: services.fix(line=out, fix="check-in", by=count.by, confirmed=True),
        ]
    )
    assert sum(isinstance(o, StocktakeLine) for o in outcomes) == 2, outcomes
    assert all(isinstance(o, StocktakeLine | DomainError) for o in outcomes), outcomes
    assert Camera.objects.get(pk=count.missing.pk).status == Camera.Status.LOST
    assert Camera.objects.get(pk=count.out.pk).status == Camera.Status.AVAILABLE
    assert AuditEvent.objects.filter(action=Action.CAMERA_REPORT_LOST).count() == 1
    assert verify_chain() is None


def test_two_vendor_fixes_at_once_change_the_camera_once():
    CameraFactory(asset_tag="HPD-BWC-0301", serial_number="STALE1")
    stale = (timezone.localdate() - timedelta(days=60)).isoformat()
    rows = vendor.read_export(
        filename="v.csv",
        data=csv_bytes(["serial", "assigned_to", "firmware", "last_docked"], [["STALE1", "", "", stale]]),
    )
    by = craft_count().by
    export = vendor_fixes.keep_export(filename="v.csv", rows=rows, by=by)
    # A double click on "Send to inspection" (report lost after it would be a fix of its own: it still applies).
    outcomes = run_at_once(
        [lambda: vendor_fixes.fix(export=export, serial="STALE1", fix="send-to-inspection", by=by)] * 2
    )
    wins = [o for o in outcomes if isinstance(o, str)]
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(wins) == 1 and len(refusals) == 1, outcomes
    assert str(refusals[0]).startswith("HPD-BWC-0301: nothing to send to inspection any more")
    assert MaintenanceRecord.objects.filter(camera__serial_number="STALE1").count() == 1
    assert AuditEvent.objects.filter(action=Action.STOCKTAKE_VENDOR_FIX).count() == 1
    assert verify_chain() is None
