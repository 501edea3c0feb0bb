"""The reports' check-out counts (assignments.tallies): kept by the services in step with the rows,
the same as counting the rows again, and not lost when check-outs and returns happen at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from assignments import tallies
from assignments.models import Checkout, CheckoutDay, CheckoutHour, CheckoutTotal
from assignments.services import check_in, check_out
from audit.actor import Actor
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory, OfficerFactory
from hartford_bwc.testing import run_at_once
from inventory.services import report_lost

KIOSK = Actor.system_process("test kiosk")


def snapshot() -> tuple[list, list, list]:
    totals = sorted(
        CheckoutTotal.objects.values_list("officer_id", "camera_id", "checkouts", "returns", "late", "held")
    )
    days = sorted(
        CheckoutDay.objects.values_list(
            "day", "officer_id", "camera_id", "checkouts", "returns", "late", "held", "first_out", "last_out", "last_in"
        )
    )
    return days, sorted(CheckoutHour.objects.values_list("hour", "checkouts")), totals


@pytest.mark.django_db
def test_the_services_counts_equal_the_rows_counted_again_across_local_midnight():
    officers = [OfficerFactory() for _ in range(3)]
    cameras = [CameraFactory() for _ in range(3)]
    # 23:30 and 00:30 New York time (EST, UTC-5) are different days there, the same UTC day.
    with time_machine.travel(datetime(2026, 2, 10, 4, 30, tzinfo=UTC), tick=False) as clock:
        check_out(camera=cameras[0], officer=officers[0], by=KIOSK, allow_uncharged=True)
        check_out(camera=cameras[1], officer=officers[1], by=KIOSK, allow_uncharged=True)
        clock.shift(timedelta(hours=1))  # 00:30 on the 10th, local
        check_in(camera=cameras[0], by=KIOSK)
        check_out(camera=cameras[0], officer=officers[0], by=KIOSK, allow_uncharged=True)
        clock.shift(timedelta(hours=20))  # past due: a late return
        check_in(camera=cameras[1], by=KIOSK, condition=Checkout.Condition.DAMAGED, damage_description="Cracked")
        check_out(camera=cameras[2], officer=officers[2], by=KIOSK, allow_uncharged=True)
        clock.shift(timedelta(minutes=5))
        report_lost(camera=cameras[2], incident_number="IR-1", by=KIOSK)
    kept = snapshot()

    assert [row[:6] for row in kept[0]] == sorted(
        [
            (datetime(2026, 2, 9).date(), officers[0].pk, cameras[0].pk, 1, 1, 0),
            (datetime(2026, 2, 9).date(), officers[1].pk, cameras[1].pk, 1, 1, 1),
            (datetime(2026, 2, 10).date(), officers[0].pk, cameras[0].pk, 1, 0, 0),
            (datetime(2026, 2, 10).date(), officers[2].pk, cameras[2].pk, 1, 1, 0),
        ]
    )
    assert sum(n for _, n in kept[1]) == 4
    assert [row[2:5] for row in kept[2]] == [(2, 1, 0), (1, 1, 1), (1, 1, 0)]
    assert tallies.rebuild() == (4, 3)
    assert snapshot() == kept


@pytest.mark.postgres
@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_twenty_check_outs_and_returns_at_once_lose_no_count():
    pairs = [(CameraFactory(), OfficerFactory()) for _ in range(20)]
    with time_machine.travel(datetime(2026, 2, 10, 15, 0, tzinfo=UTC), tick=False):
        # All in one hour: every check-out adds to the same hour row at the same moment.
        run_at_once(
            [
                lambda camera=camera, officer=officer: check_out(
                    camera=camera, officer=officer, by=KIOSK, allow_uncharged=True
                )
                for camera, officer in pairs
            ]
        )
        assert CheckoutHour.objects.get().checkouts == 20
        run_at_once([lambda camera=camera: check_in(camera=camera, by=KIOSK) for camera, _ in pairs])
        # And each officer takes their camera again: a second check-out on the same day row as its return.
        run_at_once(
            [
                lambda camera=camera, officer=officer: check_out(
                    camera=camera, officer=officer, by=KIOSK, allow_uncharged=True
                )
                for camera, officer in pairs
            ]
        )
    kept = snapshot()
    assert CheckoutHour.objects.get().checkouts == 40
    assert sorted(CheckoutDay.objects.values_list("checkouts", "returns")) == [(2, 1)] * 20
    assert sorted(CheckoutTotal.objects.values_list("checkouts", "returns")) == [(2, 1)] * 20
    tallies.rebuild()
    assert snapshot() == kept


@pytest.mark.django_db
def test_recount_checkouts_counts_history_written_outside_the_services(capsys):
    officer, camera = OfficerFactory(), CameraFactory()
    out = datetime(2026, 2, 10, 15, 0, tzinfo=UTC)
    Checkout.objects.create(
        camera=camera,
        officer=officer,
        checked_out_at=out,
        due_back_at=out + timedelta(hours=9),
        checked_in_at=out + timedelta(hours=10),
        condition="working",
    )
    assert not CheckoutDay.objects.exists()

    call_command("recount_checkouts")

    assert capsys.readouterr().out == "1 day rows, 1 hour rows\n"
    assert CheckoutDay.objects.values_list("checkouts", "returns", "late", "held").get() == (
        1,
        1,
        1,
        timedelta(hours=10),
    )
    assert CheckoutTotal.objects.values_list("checkouts", "late").get() == (1, 1)


@pytest.mark.django_db
def test_the_demo_seed_leaves_the_counts_in_step_with_its_history():
    from demo.services import seed_fleet

    seed_fleet(cameras=30, days=5)  # bulk history, then current problems through the services

    kept = snapshot()
    assert sum(row[3] for row in kept[0]) == Checkout.objects.count() > 0
    tallies.rebuild()
    assert snapshot() == kept
