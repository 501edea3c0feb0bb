"""The shift days each officer took a camera on (assignments.shift_days): written by the check-out
service, untouched by returns and losses, worked out again when an officer's shift or a shift's start
changes, and always what counting the check-outs again gives."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts import roles
from assignments import shift_days, tallies
from assignments.models import WEEKDAY_COUNTS, Checkout, CheckoutShiftDay, CheckoutShiftDayTotal, Shift
from assignments.services import check_in, check_out, save_shift, update_officer
from audit.actor import Actor
from audit.models import AuditEvent
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from hartford_bwc.testing import run_at_once
from inventory.services import report_lost

KIOSK = Actor.system_process("test kiosk")

pytestmark = pytest.mark.django_db


def kept() -> tuple[list, list]:
    days = sorted(CheckoutShiftDay.objects.values_list("officer_id", "day"))
    totals = sorted(CheckoutShiftDayTotal.objects.values_list("officer_id", *WEEKDAY_COUNTS))
    return days, totals


def recounted() -> tuple[list, list]:
    """The rows as counting every check-out again gives them (the state is left as it was counted)."""
    shift_days.rebuild()
    return kept()


@pytest.fixture
def shifts():
    return {
        "day": Shift.objects.create(name="Day", starts_at=time(7), ends_at=time(15)),
        "midnight": Shift.objects.create(name="Midnight", starts_at=time(23), ends_at=time(7)),
    }


def out_and_back(camera, officer, at: datetime, held=timedelta(hours=8)) -> Checkout:
    with time_machine.travel(at, tick=False):
        checkout = check_out(camera=camera, officer=officer, by=KIOSK, allow_uncharged=True)
    with time_machine.travel(at + held, tick=False):
        check_in(camera=camera, by=KIOSK)
    return checkout


def test_a_check_out_counts_its_shift_day_once_across_local_midnight_and_the_bound(shifts):
    day, midnight = OfficerFactory(shift=shifts["day"]), OfficerFactory(shift=shifts["midnight"])
    camera = CameraFactory()
    # Day shift: its shift day starts at 03:00 local (07:00 - 4 h); 02:59 belongs to the day before.
    out_and_back(camera, day, datetime(2026, 2, 10, 7, 59, tzinfo=UTC), held=timedelta(minutes=30))  # 02:59 EST
    out_and_back(camera, day, datetime(2026, 2, 10, 8, 0, tzinfo=UTC), held=timedelta(minutes=30))  # 03:00
    out_and_back(camera, day, datetime(2026, 2, 10, 13, 0, tzinfo=UTC))  # 08:00, the same shift day again
    # Midnight shift (23:00-07:00): 19:00 local starts its shift day, so 23:30 on the 10th is the 10th's
    # and 00:30 on the 11th (a local day later) still is.
    out_and_back(camera, midnight, datetime(2026, 2, 11, 4, 30, tzinfo=UTC), held=timedelta(minutes=30))
    out_and_back(camera, midnight, datetime(2026, 2, 11, 5, 30, tzinfo=UTC))

    days, totals = kept()

    assert days == sorted([(day.pk, date(2026, 2, 9)), (day.pk, date(2026, 2, 10)), (midnight.pk, date(2026, 2, 10))])
    # Feb 9 2026 is a Monday, Feb 10 a Tuesday.
    assert totals == sorted([(day.pk, 1, 1, 0, 0, 0, 0, 0), (midnight.pk, 0, 1, 0, 0, 0, 0, 0)])
    assert recounted() == (days, totals)


def test_across_the_spring_change_of_clocks_the_shift_day_is_elapsed_hours_from_midnight(shifts):
    officer, camera = OfficerFactory(shift=shifts["day"]), CameraFactory()
    # March 8 2026: 02:00 EST becomes 03:00 EDT. The shift day starts 7 h - 4 h = 3 elapsed hours after
    # local midnight: 04:00 EDT (08:00 UTC). 03:59 EDT is still March 7's.
    out_and_back(camera, officer, datetime(2026, 3, 8, 7, 59, tzinfo=UTC), held=timedelta(minutes=30))
    out_and_back(camera, officer, datetime(2026, 3, 8, 8, 0, tzinfo=UTC))

    assert kept()[0] == [(officer.pk, date(2026, 3, 7)), (officer.pk, date(2026, 3, 8))]
    assert recounted()[0] == kept()[0]


def test_returns_and_losses_leave_the_shift_days_alone(shifts):
    officer, camera = OfficerFactory(shift=shifts["day"]), CameraFactory()
    with time_machine.travel(datetime(2026, 2, 10, 13, 0, tzinfo=UTC), tick=False) as clock:
        check_out(camera=camera, officer=officer, by=KIOSK, allow_uncharged=True)
        before = kept()
        clock.shift(timedelta(days=2))  # back two shift days later, late
        check_in(camera=camera, by=KIOSK, condition=Checkout.Condition.DAMAGED, damage_description="Cracked")
        assert kept() == before
        other = CameraFactory()
        check_out(camera=other, officer=officer, by=KIOSK, allow_uncharged=True)
        after_second = kept()
        clock.shift(timedelta(minutes=5))
        report_lost(camera=other, incident_number="IR-1", by=KIOSK)

    assert kept() == after_second
    assert after_second[0] == [(officer.pk, date(2026, 2, 10)), (officer.pk, date(2026, 2, 12))]


def test_an_officer_without_a_shift_has_no_shift_days_until_given_one(shifts):
    officer, camera = OfficerFactory(shift=None), CameraFactory()
    out_and_back(camera, officer, datetime(2026, 2, 10, 9, 0, tzinfo=UTC))  # 04:00 EST
    assert kept() == ([], [])

    update_officer(officer=officer, by=KIOSK, shift=shifts["day"])

    assert kept()[0] == [(officer.pk, date(2026, 2, 10))]  # after the day shift's 03:00 bound

    update_officer(officer=officer, by=KIOSK, shift=shifts["midnight"])

    assert kept()[0] == [(officer.pk, date(2026, 2, 9))]  # before the midnight shift's 19:00 bound
    assert recounted() == kept()

    update_officer(officer=officer, by=KIOSK, shift=None)

    assert kept() == ([], [])


def test_moving_a_shifts_start_recounts_its_officers_shift_days(shifts):
    on_day = [OfficerFactory(shift=shifts["day"]) for _ in range(2)]
    on_midnight = OfficerFactory(shift=shifts["midnight"])
    camera = CameraFactory()
    for officer in [*on_day, on_midnight]:
        out_and_back(camera, officer, datetime(2026, 2, 10, 9, 30, tzinfo=UTC))  # 04:30 EST
    assert kept()[0] == sorted(
        [(on_day[0].pk, date(2026, 2, 10)), (on_day[1].pk, date(2026, 2, 10)), (on_midnight.pk, date(2026, 2, 9))]
    )

    shift = shifts["day"]
    shift.starts_at = time(9)  # its shift days now start at 05:00: 04:30 is the day before's
    save_shift(shift=shift, fields=["starts_at"], by=KIOSK)

    assert kept()[0] == sorted(
        [(on_day[0].pk, date(2026, 2, 9)), (on_day[1].pk, date(2026, 2, 9)), (on_midnight.pk, date(2026, 2, 9))]
    )
    assert recounted() == kept()

    shift.ends_at = time(17)  # the end decides no shift day: nothing to recount
    save_shift(shift=shift, fields=["ends_at"], by=KIOSK)
    assert kept() == recounted()


def test_a_shifts_start_moved_in_the_admin_recounts_its_officers_and_is_audited(shifts):
    officer, camera = OfficerFactory(shift=shifts["day"]), CameraFactory()
    out_and_back(camera, officer, datetime(2026, 2, 10, 9, 30, tzinfo=UTC))  # 04:30 EST: Feb 10's
    client = Client()
    client.force_login(UserFactory(username="admin1", role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:assignments_shift_change", args=[shifts["day"].pk]),
        {"name": "Day", "starts_at": "09:00", "ends_at": "15:00"},
    )

    assert response.status_code == 302
    assert kept()[0] == [(officer.pk, date(2026, 2, 9))]  # its shift days now start at 05:00
    event = AuditEvent.objects.get(action="shift.admin_edit")
    assert (event.actor_label, event.after) == ("admin1", {"starts_at": "09:00:00"})


def test_recount_checkouts_counts_the_shift_days_of_history_written_outside_the_services(shifts):
    officer, camera = OfficerFactory(shift=shifts["day"]), CameraFactory()
    out = datetime(2026, 2, 10, 15, 0, tzinfo=UTC)
    Checkout.objects.create(camera=camera, officer=officer, checked_out_at=out, due_back_at=out + timedelta(hours=9))
    assert not CheckoutShiftDay.objects.exists()

    call_command("recount_checkouts")

    assert kept() == ([(officer.pk, date(2026, 2, 10))], [(officer.pk, 0, 1, 0, 0, 0, 0, 0)])


def test_the_demo_seed_leaves_the_shift_days_in_step_with_its_history():
    from demo.services import seed_fleet

    seed_fleet(cameras=30, days=5)  # bulk history, then current problems through the services

    seeded = kept()
    assert seeded[0]
    assert recounted() == seeded


@pytest.mark.postgres
@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_twenty_check_outs_at_once_and_again_count_each_shift_day_once():
    shift = Shift.objects.create(name="Day", starts_at=time(7), ends_at=time(15))
    pairs = [(CameraFactory(), OfficerFactory(shift=shift)) for _ in range(20)]
    with time_machine.travel(datetime(2026, 2, 10, 13, 0, tzinfo=UTC), tick=False):
        for _ in range(2):  # the second round: the same shift day, already counted
            outcomes = run_at_once(
                [
                    lambda camera=camera, officer=officer: check_out(
                        camera=camera, officer=officer, by=KIOSK, allow_uncharged=True
                    )
                    for camera, officer in pairs
                ]
            )
            assert all(isinstance(outcome, Checkout) for outcome in outcomes)
            run_at_once([lambda camera=camera: check_in(camera=camera, by=KIOSK) for camera, _ in pairs])

    days, totals = kept()
    assert len(days) == 20
    assert [row[1:] for row in totals] == [(0, 1, 0, 0, 0, 0, 0)] * 20
    assert recounted() == (days, totals)
    tallies.rebuild()
    assert kept() == (days, totals)
