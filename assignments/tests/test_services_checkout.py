"""check_out and check_in: every transition, every refusal and its message."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from assignments.models import Checkout
from assignments.services import check_in, check_out, issue_personal
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, ShiftFactory
from inventory.models import Camera, MaintenanceRecord
from kiosk.models import Kiosk

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


@pytest.fixture
def camera():
    return CameraFactory(asset_tag="HPD-BWC-0412")


@pytest.fixture
def officer():
    return OfficerFactory(first_name="Dana", last_name="Reyes", badge_number="2231")


def test_check_out_opens_a_checkout_and_marks_the_camera_out(camera, officer, system_actor):
    dock = DockFactory()
    Camera.objects.filter(pk=camera.pk).update(dock=dock, dock_bay=3)

    checkout = check_out(camera=camera, officer=officer, by=system_actor)

    camera.refresh_from_db()
    assert camera.status == Camera.Status.CHECKED_OUT
    assert camera.dock_id is None and camera.dock_bay is None
    assert checkout.is_open
    assert Checkout.objects.open().get(camera=camera) == checkout
    assert checkout.due_back_at == checkout.checked_out_at + timedelta(hours=12)


def test_check_out_records_who_did_it(camera, officer, staff_actor):
    checkout = check_out(camera=camera, officer=officer, by=staff_actor)
    assert checkout.out_by == staff_actor.user
    assert checkout.out_kiosk is None


def test_check_out_at_a_kiosk_records_the_kiosk(camera, officer):
    kiosk = Kiosk.objects.create(name="Front desk", enrolled_at=timezone.now())
    checkout = check_out(camera=camera, officer=officer, by=Actor.at_kiosk(kiosk, officer))
    assert checkout.out_kiosk == kiosk
    assert checkout.out_by is None


def test_due_back_is_end_of_shift_plus_grace(camera, system_actor):
    officer = OfficerFactory(shift=ShiftFactory(name="Day"))
    with time_machine.travel(datetime(2026, 5, 12, 6, 55, tzinfo=NY), tick=False):
        checkout = check_out(camera=camera, officer=officer, by=system_actor)
    assert checkout.due_back_at == datetime(2026, 5, 12, 16, 0, tzinfo=NY)


def test_second_checkout_of_same_camera_is_refused_naming_the_holder(camera, officer, system_actor):
    with time_machine.travel(datetime(2026, 5, 12, 6, 58, tzinfo=NY), tick=False):
        check_out(camera=camera, officer=officer, by=system_actor)
    other = OfficerFactory()
    with (
        time_machine.travel(datetime(2026, 5, 12, 7, 30, tzinfo=NY), tick=False),
        pytest.raises(DomainError) as refused,
    ):
        check_out(camera=camera, officer=other, by=system_actor)
    assert str(refused.value) == "HPD-BWC-0412 is already checked out to Ofc. Dana Reyes (badge 2231) since 06:58."
    assert refused.value.code == "already_out"
    assert Checkout.objects.count() == 1


def test_refusal_shows_the_date_when_the_camera_went_out_on_another_day(camera, officer, system_actor):
    with time_machine.travel(datetime(2026, 5, 11, 22, 5, tzinfo=NY), tick=False):
        check_out(camera=camera, officer=officer, by=system_actor)
    with time_machine.travel(datetime(2026, 5, 12, 7, 0, tzinfo=NY), tick=False), pytest.raises(DomainError) as refused:
        check_out(camera=camera, officer=OfficerFactory(), by=system_actor)
    assert str(refused.value).endswith("since May 11 22:05.")


def test_refusal_on_a_later_day_keeps_the_hour_two_digits(camera, officer, system_actor):
    with time_machine.travel(datetime(2026, 5, 1, 6, 58, tzinfo=NY), tick=False):
        check_out(camera=camera, officer=officer, by=system_actor)
    with time_machine.travel(datetime(2026, 5, 2, 7, 0, tzinfo=NY), tick=False), pytest.raises(DomainError) as refused:
        check_out(camera=camera, officer=OfficerFactory(), by=system_actor)
    assert str(refused.value).endswith("since May 1 06:58.")


def test_officer_who_already_holds_a_camera_is_refused_another(camera, officer, system_actor):
    with time_machine.travel(datetime(2026, 5, 12, 6, 58, tzinfo=NY), tick=False):
        check_out(camera=camera, officer=officer, by=system_actor)
        second = CameraFactory(asset_tag="HPD-BWC-0007")
        with pytest.raises(DomainError) as refused:
            check_out(camera=second, officer=officer, by=system_actor)
    assert str(refused.value) == (
        "Ofc. Dana Reyes already holds HPD-BWC-0412 (since 06:58). Return it before taking another."
    )
    assert refused.value.code == "officer_holds_camera"
    second.refresh_from_db()
    assert second.status == Camera.Status.AVAILABLE


def test_officer_scanning_the_camera_they_hold_is_told_so(camera, officer, system_actor):
    with time_machine.travel(datetime(2026, 5, 12, 6, 58, tzinfo=NY), tick=False):
        check_out(camera=camera, officer=officer, by=system_actor)
        with pytest.raises(DomainError) as refused:
            check_out(camera=camera, officer=officer, by=system_actor)
    assert str(refused.value) == "You already hold HPD-BWC-0412 since 06:58."
    assert refused.value.code == "holds_it"


def test_inactive_officer_is_refused(camera, system_actor):
    officer = OfficerFactory(first_name="Lee", last_name="Park", badge_number="3001", is_active=False)
    with pytest.raises(DomainError) as refused:
        check_out(camera=camera, officer=officer, by=system_actor)
    assert str(refused.value) == (
        "Ofc. Lee Park (badge 3001) is inactive and cannot take a camera. See the quartermaster."
    )
    assert not Checkout.objects.exists()


@pytest.mark.parametrize(
    ("status", "extra", "message", "code"),
    [
        (
            Camera.Status.IN_MAINTENANCE,
            {},
            "HPD-BWC-0412 is in maintenance and cannot be checked out. Take a spare.",
            "in_maintenance",
        ),
        (Camera.Status.RETIRED, {}, "HPD-BWC-0412 is retired and cannot be checked out. Take a spare.", "retired"),
        (
            Camera.Status.LOST,
            {"lost_incident_number": "HPD-26-012345"},
            "HPD-BWC-0412 is reported lost (incident HPD-26-012345). Hand it to the quartermaster.",
            "lost",
        ),
    ],
)
def test_camera_out_of_service_is_refused(camera, officer, system_actor, status, extra, message, code):
    Camera.objects.filter(pk=camera.pk).update(status=status, **extra)
    with pytest.raises(DomainError) as refused:
        check_out(camera=camera, officer=officer, by=system_actor)
    assert str(refused.value) == message
    assert refused.value.code == code
    assert not Checkout.objects.exists()


def test_someone_elses_personal_camera_is_refused(camera, officer, system_actor):
    owner = OfficerFactory(first_name="Ana", last_name="Silva", rank="sergeant")
    issue_personal(officer=owner, camera=camera, by=system_actor)
    with pytest.raises(DomainError) as refused:
        check_out(camera=camera, officer=officer, by=system_actor)
    assert str(refused.value) == "HPD-BWC-0412 is the personal camera of Sgt. Ana Silva. Take a spare instead."
    assert refused.value.code == "someone_elses_personal"


def test_someone_elses_personal_camera_may_go_out_when_allowed(camera, officer, system_actor):
    issue_personal(officer=OfficerFactory(), camera=camera, by=system_actor)
    checkout = check_out(camera=camera, officer=officer, by=system_actor, allow_others_personal=True)
    assert checkout.officer == officer


def test_own_personal_camera_goes_out(camera, officer, system_actor):
    issue_personal(officer=officer, camera=camera, by=system_actor)
    assert check_out(camera=camera, officer=officer, by=system_actor).camera == camera


def test_uncharged_camera_is_refused(officer, system_actor):
    camera = CameraFactory(asset_tag="HPD-BWC-0099", last_full_charge_at=None)
    with pytest.raises(DomainError) as refused:
        check_out(camera=camera, officer=officer, by=system_actor)
    assert str(refused.value) == (
        "HPD-BWC-0099 is not charged enough to go out. Leave it in the dock and take a charged spare."
    )
    assert refused.value.code == "not_charged"


def test_camera_not_recharged_since_its_return_is_refused(officer, system_actor):
    now = timezone.now()
    camera = CameraFactory(last_full_charge_at=now - timedelta(hours=10), last_returned_at=now - timedelta(hours=1))
    with pytest.raises(DomainError, match="not charged enough"):
        check_out(camera=camera, officer=officer, by=system_actor)


def test_telemetry_below_minimum_is_refused_and_above_accepted(officer, system_actor, settings):
    settings.MIN_CHECKOUT_BATTERY_PERCENT = 80
    low = CameraFactory(battery_percent=79)
    with pytest.raises(DomainError, match="not charged enough"):
        check_out(camera=low, officer=officer, by=system_actor)
    high = CameraFactory(battery_percent=80, last_full_charge_at=None)
    assert check_out(camera=high, officer=officer, by=system_actor).camera == high


def test_uncharged_camera_may_go_out_when_allowed(officer, system_actor):
    camera = CameraFactory(last_full_charge_at=None)
    assert check_out(camera=camera, officer=officer, by=system_actor, allow_uncharged=True).camera == camera


def test_race_lost_at_the_database_becomes_the_same_refusal(camera, officer, system_actor):
    """A checkout that slipped past the Python checks (the camera row still says available)."""
    winner = OfficerFactory(first_name="Kim", last_name="Cho", badge_number="4100")
    with time_machine.travel(datetime(2026, 5, 12, 6, 58, tzinfo=NY), tick=False):
        Checkout.objects.create(
            camera=camera,
            officer=winner,
            checked_out_at=timezone.now(),
            due_back_at=timezone.now() + timedelta(hours=9),
        )
        with pytest.raises(DomainError) as refused:
            check_out(camera=camera, officer=officer, by=system_actor)
    assert str(refused.value) == "HPD-BWC-0412 is already checked out to Ofc. Kim Cho (badge 4100) since 06:58."
    camera.refresh_from_db()
    assert camera.status == Camera.Status.AVAILABLE
    assert Checkout.objects.count() == 1
    assert not AuditEvent.objects.filter(action="checkout.check_out").exists()


# --- check_in ---------------------------------------------------------------------------------


def test_check_in_working_closes_the_checkout_and_frees_the_camera(camera, officer, system_actor):
    out_at = datetime(2026, 5, 12, 6, 58, tzinfo=NY)
    with time_machine.travel(out_at, tick=False):
        check_out(camera=camera, officer=officer, by=system_actor)
    Camera.objects.filter(pk=camera.pk).update(last_full_charge_at=out_at - timedelta(hours=2))
    back_at = datetime(2026, 5, 12, 15, 20, tzinfo=NY)
    with time_machine.travel(back_at, tick=False):
        checkout = check_in(camera=camera, by=system_actor)

    assert checkout.checked_in_at == back_at
    assert checkout.condition == Checkout.Condition.WORKING
    camera.refresh_from_db()
    assert camera.status == Camera.Status.AVAILABLE
    assert camera.last_returned_at == back_at
    assert not camera.is_charged, "a returned camera needs a charge before it goes out again"
    assert not Checkout.objects.open().exists()


def test_check_in_by_staff_records_who_took_it_back(camera, officer, system_actor, staff_actor):
    check_out(camera=camera, officer=officer, by=system_actor)
    checkout = check_in(camera=camera, by=staff_actor)
    assert checkout.in_by == staff_actor.user


def test_damaged_check_in_sends_the_camera_to_maintenance(camera, officer, system_actor):
    check_out(camera=camera, officer=officer, by=system_actor)
    checkout = check_in(
        camera=camera, by=system_actor, condition=Checkout.Condition.DAMAGED, damage_description="  Lens cracked  "
    )
    assert checkout.damage_description == "Lens cracked"
    camera.refresh_from_db()
    assert camera.status == Camera.Status.IN_MAINTENANCE
    record = MaintenanceRecord.objects.get(camera=camera)
    assert record.is_open
    assert record.kind == MaintenanceRecord.Kind.REPAIR
    assert record.performed_by == MaintenanceRecord.PerformedBy.AWAITING_TRIAGE
    assert record.problem == "Lens cracked"


def test_damaged_check_in_without_description_is_refused(camera, officer, system_actor):
    check_out(camera=camera, officer=officer, by=system_actor)
    with pytest.raises(DomainError) as refused:
        check_in(camera=camera, by=system_actor, condition=Checkout.Condition.DAMAGED, damage_description="  ")
    assert str(refused.value) == "Say what is wrong with the camera."
    assert Checkout.objects.open().count() == 1


def test_check_in_with_unknown_condition_is_refused(camera, officer, system_actor):
    check_out(camera=camera, officer=officer, by=system_actor)
    with pytest.raises(DomainError) as refused:
        check_in(camera=camera, by=system_actor, condition="lost")
    assert str(refused.value) == "Say whether the camera is working or damaged."


def test_check_in_of_a_camera_not_out_is_refused(camera, system_actor):
    with pytest.raises(DomainError) as refused:
        check_in(camera=camera, by=system_actor)
    assert str(refused.value) == (
        "HPD-BWC-0412 is not checked out, so there is nothing to return. If it was just returned, put it in a dock."
    )
    assert refused.value.code == "not_checked_out"


def test_officer_can_take_another_camera_after_returning(camera, officer, system_actor):
    check_out(camera=camera, officer=officer, by=system_actor)
    check_in(camera=camera, by=system_actor)
    other = CameraFactory()
    assert check_out(camera=other, officer=officer, by=system_actor).camera == other
    assert Checkout.objects.filter(officer=officer).count() == 2
