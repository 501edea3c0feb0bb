"""insert_rows: COPY on PostgreSQL, bulk_create on SQLite; same rows either way, same rules enforced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from assignments.models import Checkout
from demo.bulk import foreign_keys_checked_at_end, insert_rows
from demo.history import CHARGE_ROW, CHECKOUT_ROW
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory
from hartford_bwc.testing import violates
from inventory.models import Camera, ChargeEvent

pytestmark = pytest.mark.django_db
OUT = datetime(2026, 5, 12, 10, 58, 30, 123456, tzinfo=UTC)


def test_rows_arrive_exactly_as_given():
    camera, officer, dock = CameraFactory(), OfficerFactory(), DockFactory()
    returned = OUT + timedelta(hours=9)
    count = insert_rows(
        Checkout,
        CHECKOUT_ROW,
        [
            (camera.pk, officer.pk, OUT, OUT + timedelta(hours=10), returned, "damaged", "Lens cracked"),
            (camera.pk, officer.pk, returned, returned + timedelta(hours=12), None, "", ""),
        ],
    )
    assert count == 2
    closed, still_out = Checkout.objects.order_by("checked_out_at")
    assert (closed.checked_out_at, closed.checked_in_at, closed.condition) == (OUT, returned, "damaged")
    assert closed.damage_description == "Lens cracked"
    assert still_out.is_open and still_out.out_kiosk is None and still_out.out_by is None

    assert insert_rows(ChargeEvent, CHARGE_ROW, iter([(camera.pk, "docked", dock.pk, 7, OUT)])) == 1
    event = ChargeEvent.objects.get()
    assert (event.dock, event.bay, event.recorded_at, event.battery_percent) == (dock, 7, OUT, None)


def test_no_rows_is_fine():
    assert insert_rows(ChargeEvent, CHARGE_ROW, []) == 0


def test_the_database_rules_still_apply():
    """Bulk loading (COPY or bulk_create) is no way around the partial unique index or the triggers."""
    camera, officer = CameraFactory(), OfficerFactory()
    open_row = (camera.pk, officer.pk, OUT, OUT + timedelta(hours=9), None, "", "")
    insert_rows(Checkout, CHECKOUT_ROW, [open_row])
    with violates("checkout_one_open_per_camera", sqlite="UNIQUE constraint failed: assignments_checkout.camera_id"):
        insert_rows(Checkout, CHECKOUT_ROW, [(camera.pk, OfficerFactory().pk, *open_row[2:])])

    retired = CameraFactory(status=Camera.Status.RETIRED, last_full_charge_at=None)
    with violates("may not be checked out from its status"):
        insert_rows(Checkout, CHECKOUT_ROW, [(retired.pk, OfficerFactory().pk, *open_row[2:])])


def _foreign_keys() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, condeferred"
            " FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2"
        )
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the block is a no-op elsewhere")
def test_foreign_keys_checked_at_end_puts_back_every_constraint_as_it_was_and_checks_the_rows():
    camera, officer = CameraFactory(), OfficerFactory()
    before = _foreign_keys()
    returned = OUT + timedelta(hours=9)
    with foreign_keys_checked_at_end(Checkout, ChargeEvent):
        # Inside the block the keys are not checked row by row (no queued check per row)...
        assert not [row for row in _foreign_keys() if row[0] in ("assignments_checkout", "inventory_chargeevent")]
        insert_rows(Checkout, CHECKOUT_ROW, [(camera.pk, officer.pk, OUT, returned, returned, "working", "")])
    assert _foreign_keys() == before  # same names, same definitions, still DEFERRABLE INITIALLY DEFERRED
    assert Checkout.objects.get().camera == camera

    # ...but a row without its parent is refused when the block ends, naming the key.
    orphan = (camera.pk, officer.pk + 1000, OUT, returned, returned, "working", "")
    with (
        pytest.raises(IntegrityError, match="assignments_checkout_officer_id"),
        transaction.atomic(),
        foreign_keys_checked_at_end(Checkout),
    ):
        insert_rows(Checkout, CHECKOUT_ROW, [orphan])
    assert _foreign_keys() == before
