"""The maintenance report's repair cost: totals per model and batch, warranty repairs apart (issue 14, item 21)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts import roles
from hartford_bwc.factories import CameraFactory, CameraModelFactory
from hartford_bwc.testing import sign_in
from inventory.models import MaintenanceRecord
from reports.forms import Period
from reports.selectors import maintenance

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
MARCH = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))


def _repair(camera, closed: datetime | None, cost: str | None, kind: str = "repair") -> MaintenanceRecord:
    return MaintenanceRecord.objects.create(
        camera=camera,
        kind=kind,
        performed_by="vendor",
        rma_number="RMA-1",
        opened_at=datetime(2026, 2, 1, tzinfo=NY),
        closed_at=closed,
        outcome="returned_to_service" if closed else "",
        repair_cost=Decimal(cost) if cost is not None else None,
    )


@pytest.fixture
def fleet():
    """Two models; Body 3 in two batches. Warranty ends 15 March for the 2023 batch, 2028 for the rest."""
    body3, body4 = CameraModelFactory(name="Body 3"), CameraModelFactory(name="Body 4")
    b3_2023 = [CameraFactory(model=body3, purchase_batch="2023", warranty_ends_on=date(2026, 3, 15)) for _ in range(2)]
    b3_none = CameraFactory(model=body3, purchase_batch="2024", warranty_ends_on=None)
    b4 = CameraFactory(model=body4, purchase_batch="2025", warranty_ends_on=date(2028, 1, 1))
    mid = datetime(2026, 3, 10, 12, tzinfo=NY)
    _repair(b3_2023[0], mid, "0.00")  # under warranty, nothing billed
    _repair(b3_2023[1], datetime(2026, 3, 15, 23, tzinfo=NY), "40.00")  # the warranty's last evening: under it
    _repair(b3_2023[1], datetime(2026, 3, 20, tzinfo=NY), "310.00", kind="battery_replacement")  # after it
    _repair(b3_none, mid, "120.50")  # no warranty on file: the department pays
    _repair(b3_none, datetime(2026, 2, 20, tzinfo=NY), "999.00")  # closed before the range
    _repair(b4, mid, None)  # under warranty, no cost entered
    _repair(b4, datetime(2026, 3, 11, tzinfo=NY), "75.00", kind="inspection")  # routine, not a failure
    _repair(CameraFactory(model=body4, purchase_batch="2025"), None, None)  # still open
    return {"b3_2023": b3_2023, "b4": b4}


def test_costs_are_totalled_per_model_and_batch_with_warranty_repairs_apart(fleet):
    rows = maintenance.repair_costs_by_model_batch(MARCH)
    by_key = {(row["model"], row["batch"]): row for row in rows}
    assert list(by_key) == [("Body 3", "2023"), ("Body 3", "2024"), ("Body 4", "2025")]
    assert by_key["Body 3", "2023"] == {
        "model": "Body 3",
        "batch": "2023",
        "closed": 3,
        "costed": 3,
        "cost": Decimal("310.00"),
        "warranty_repairs": 2,
        "warranty_cost": Decimal("40.00"),
        "total": Decimal("350.00"),
    }
    assert (by_key["Body 3", "2024"]["cost"], by_key["Body 3", "2024"]["warranty_repairs"]) == (Decimal("120.50"), 0)
    body4 = by_key["Body 4", "2025"]
    assert (body4["closed"], body4["costed"], body4["cost"], body4["warranty_repairs"]) == (1, 0, 0, 1)
    assert maintenance.cost_totals(rows) == {
        "closed": 5,
        "costed": 4,
        "cost": Decimal("430.50"),
        "warranty_repairs": 3,
        "warranty_cost": Decimal("40.00"),
        "total": Decimal("470.50"),
    }


def test_warranty_repairs_are_listed_latest_first(fleet):
    listed = list(maintenance.warranty_repairs(MARCH))
    # Two closed at the same moment: the later record first.
    assert [(r.camera, r.repair_cost) for r in listed] == [
        (fleet["b3_2023"][1], Decimal("40.00")),
        (fleet["b4"], None),
        (fleet["b3_2023"][0], Decimal("0.00")),
    ]


def test_the_report_page_shows_the_totals_and_the_warranty_repairs(client, fleet):
    sign_in(client, roles.SUPERVISOR)
    response = client.get("/reports/maintenance/?start=2026-03-01&end=2026-03-31")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    assert "Repair cost in range $430.50 5 repairs closed, 4 with a cost entered" in text
    assert "Warranty repairs 3 $40.00 billed while under warranty" in text
    assert "Body 3 2023 3 3 $310.00 2 $40.00 $350.00" in text
    assert f"{fleet['b3_2023'][1].asset_tag} Body 3 Repair Vendor (RMA) RMA-1" in text
    export = client.get("/reports/maintenance/?start=2026-03-01&end=2026-03-31&_export=csv&_table=costs")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().splitlines()
    assert lines[0].endswith("Under warranty,Billed under warranty,Total cost")
    assert "Body 3,2023,3,3,310.00,2,40.00,350.00" in lines
