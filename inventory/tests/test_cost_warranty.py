"""Cost and warranty (issue 14, item 21): what a camera cost, who sold it, when its warranty ends, and
what each repair cost, entered when the record is closed."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts import roles
from audit.models import AuditEvent
from hartford_bwc.errors import InvalidInput
from hartford_bwc.factories import CameraFactory
from hartford_bwc.testing import messages_of, sign_in, violates
from inventory.models import Camera, MaintenanceRecord, under_warranty_condition
from inventory.services import close_maintenance, open_maintenance

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


@pytest.fixture
def qm(client):
    sign_in(client, roles.QUARTERMASTER)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_closing_a_repair_records_its_cost_and_audits_it(system_actor):
    camera = CameraFactory()
    record = open_maintenance(camera=camera, kind="repair", performed_by="in_house", by=system_actor)
    close_maintenance(record=record, outcome="returned_to_service", repair_cost=Decimal("149.5"), by=system_actor)
    record.refresh_from_db()
    assert record.repair_cost == Decimal("149.50")
    event = AuditEvent.objects.get(action="maintenance.close")
    assert event.after["repair_cost"] == "149.50"


def test_closing_without_a_cost_leaves_it_unknown(system_actor):
    record = open_maintenance(camera=CameraFactory(), kind="inspection", performed_by="in_house", by=system_actor)
    close_maintenance(record=record, outcome="returned_to_service", by=system_actor)
    record.refresh_from_db()
    assert record.repair_cost is None
    assert AuditEvent.objects.get(action="maintenance.close").after["repair_cost"] is None


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        (Decimal("-1"), "The repair cost cannot be negative."),
        (Decimal("100000000"), "The repair cost is more than 99,999,999.99; check the amount."),
        (Decimal("NaN"), "The repair cost is an amount in dollars, such as 149.50."),
        ("12", "The repair cost is an amount in dollars, such as 149.50."),
    ],
)
def test_a_cost_that_is_not_an_amount_is_refused_and_the_record_stays_open(system_actor, cost, message):
    record = open_maintenance(camera=CameraFactory(), kind="repair", performed_by="in_house", by=system_actor)
    with pytest.raises(InvalidInput) as refused:
        close_maintenance(record=record, outcome="returned_to_service", repair_cost=cost, by=system_actor)
    assert str(refused.value) == message
    record.refresh_from_db()
    assert record.is_open and record.repair_cost is None
    assert record.camera.status == Camera.Status.IN_MAINTENANCE


def test_the_database_refuses_negative_amounts():
    camera = CameraFactory()
    with violates("camera_purchase_price_not_negative"):
        Camera.objects.filter(pk=camera.pk).update(purchase_price=Decimal("-0.01"))
    record = MaintenanceRecord.objects.create(camera=camera, kind="repair")
    with violates("maintenance_repair_cost_not_negative"):
        MaintenanceRecord.objects.filter(pk=record.pk).update(repair_cost=Decimal("-5"))


@pytest.mark.parametrize(
    ("closed_local", "ends", "under"),
    [
        (datetime(2026, 6, 30, 23, 30, tzinfo=NY), date(2026, 6, 30), True),  # the warranty's last day, late
        (datetime(2026, 7, 1, 0, 30, tzinfo=NY), date(2026, 6, 30), False),  # 04:30 UTC on 1 July: the day after
        (datetime(2026, 5, 1, 12, tzinfo=NY), None, False),  # no warranty on file
    ],
)
def test_under_warranty_is_the_same_rule_in_python_and_in_the_database(closed_local, ends, under):
    camera = CameraFactory(warranty_ends_on=ends)
    record = MaintenanceRecord.objects.create(
        camera=camera,
        kind="repair",
        performed_by="in_house",
        opened_at=datetime(2026, 4, 1, tzinfo=NY),
        closed_at=closed_local,
        outcome="returned_to_service",
    )
    assert record.under_warranty is under
    assert MaintenanceRecord.objects.filter(under_warranty_condition(), pk=record.pk).exists() is under


def test_console_close_takes_a_repair_cost_and_the_page_shows_cost_and_warranty(qm, system_actor):
    camera = CameraFactory(
        supplier="Axon Enterprise", purchase_price=Decimal("1049.50"), warranty_ends_on=date(2099, 12, 31)
    )
    open_maintenance(camera=camera, kind="repair", performed_by="in_house", by=system_actor)
    page = f"/inventory/cameras/{camera.asset_tag}/"
    refused = qm.post(
        page + "maintenance-close/",
        {"maintenance-close-outcome": "returned_to_service", "maintenance-close-repair_cost": "-3"},
    )
    assert refused.status_code == 422
    assert MaintenanceRecord.objects.get(camera=camera).is_open

    done = qm.post(
        page + "maintenance-close/",
        {"maintenance-close-outcome": "returned_to_service", "maintenance-close-repair_cost": "212.40"},
        follow=True,
    )
    assert "is back in service" in " ".join(messages_of(done))
    assert MaintenanceRecord.objects.get(camera=camera).repair_cost == Decimal("212.40")
    text = _text(qm.get(page))
    assert "Supplier Axon Enterprise" in text
    assert "Purchase price $1,049.50" in text
    assert "Warranty ends Dec 31, 2099" in text
    assert "Repair closed: returned to service, $212.40 (under warranty)" in text


@time_machine.travel(datetime(2026, 3, 4, 12, tzinfo=NY), tick=False)
def test_the_page_says_when_a_warranty_has_expired(qm):
    camera = CameraFactory(warranty_ends_on=date(2026, 3, 3))
    assert "(expired)" in _text(qm.get(f"/inventory/cameras/{camera.asset_tag}/"))
    Camera.objects.filter(pk=camera.pk).update(warranty_ends_on=date(2026, 3, 4))
    assert "(expired)" not in _text(qm.get(f"/inventory/cameras/{camera.asset_tag}/"))
