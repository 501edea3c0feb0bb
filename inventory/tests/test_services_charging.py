"""record_charge: docking, undocking, full charges and battery readings."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from assignments.services import check_in, check_out
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory
from inventory.models import Camera, ChargeEvent
from inventory.services import record_charge

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera():
    return CameraFactory(asset_tag="HPD-BWC-0412", last_full_charge_at=None)


@pytest.fixture
def dock():
    return DockFactory(name="Dock 01", bays=8)


def test_docking_puts_the_camera_in_a_bay(camera, dock, system_actor):
    event = record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=3, by=system_actor)
    camera.refresh_from_db()
    assert (camera.dock, camera.dock_bay) == (dock, 3)
    assert camera.last_docked_at == event.recorded_at
    assert camera.location_label == "Dock 01, bay 3"


def test_undocking_clears_the_bay(camera, dock, system_actor):
    record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=3, by=system_actor)
    record_charge(camera=camera, kind=ChargeEvent.Kind.UNDOCKED, by=system_actor)
    camera.refresh_from_db()
    assert camera.dock is None and camera.dock_bay is None
    assert ChargeEvent.objects.filter(camera=camera).count() == 2


def test_full_charge_makes_a_returned_camera_ready(camera, system_actor):
    Camera.objects.filter(pk=camera.pk).update(last_returned_at=timezone.now() - timedelta(hours=9))
    camera.refresh_from_db()
    assert not camera.is_charged
    record_charge(camera=camera, kind=ChargeEvent.Kind.FULL_CHARGE, by=system_actor)
    camera.refresh_from_db()
    assert camera.is_charged
    assert Camera.objects.ready().filter(pk=camera.pk).exists()


def test_a_full_charge_reported_by_a_dock_puts_the_camera_in_that_bay(camera, dock, system_actor):
    event = record_charge(camera=camera, kind=ChargeEvent.Kind.FULL_CHARGE, dock=dock, bay=6, by=system_actor)
    camera.refresh_from_db()
    assert camera.location_label == "Dock 01, bay 6"
    assert camera.last_docked_at == camera.last_full_charge_at == event.recorded_at


def test_a_battery_reading_from_a_bay_outside_the_dock_is_refused(camera, dock, system_actor):
    with pytest.raises(DomainError, match="Dock 01 has bays 1 to 8."):
        record_charge(
            camera=camera, kind=ChargeEvent.Kind.BATTERY, dock=dock, bay=9, battery_percent=50, by=system_actor
        )
    assert not ChargeEvent.objects.exists()


def test_battery_reading_sets_telemetry_and_a_hundred_counts_as_full(camera, system_actor):
    record_charge(camera=camera, kind=ChargeEvent.Kind.BATTERY, battery_percent=55, by=system_actor)
    camera.refresh_from_db()
    assert camera.battery_percent == 55 and camera.last_full_charge_at is None
    at = timezone.now()
    record_charge(camera=camera, kind=ChargeEvent.Kind.BATTERY, battery_percent=100, by=system_actor, at=at)
    camera.refresh_from_db()
    assert camera.last_full_charge_at == at


def test_docking_a_checked_out_camera_is_refused(camera, system_actor, dock):
    Camera.objects.filter(pk=camera.pk).update(last_full_charge_at=timezone.now())
    check_out(camera=camera, officer=OfficerFactory(), by=system_actor)
    with pytest.raises(DomainError) as refused:
        record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=1, by=system_actor)
    assert str(refused.value) == "HPD-BWC-0412 is checked out; check it in before docking it."
    assert refused.value.code == "checked_out"
    assert not ChargeEvent.objects.exists()


@pytest.mark.parametrize(("status", "label"), [(Camera.Status.RETIRED, "retired"), (Camera.Status.LOST, "lost")])
def test_docking_a_retired_or_lost_camera_is_refused(camera, system_actor, dock, status, label):
    Camera.objects.filter(pk=camera.pk).update(status=status, lost_incident_number="HPD-26-1")
    with pytest.raises(DomainError) as refused:
        record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=1, by=system_actor)
    assert str(refused.value) == f"HPD-BWC-0412 is {label}; it cannot be docked."


def test_docking_a_camera_in_maintenance_is_allowed(camera, system_actor, dock):
    Camera.objects.filter(pk=camera.pk).update(status=Camera.Status.IN_MAINTENANCE)
    record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=2, by=system_actor)
    camera.refresh_from_db()
    assert camera.dock == dock


def test_docking_without_a_dock_is_refused(camera, system_actor):
    with pytest.raises(DomainError) as refused:
        record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, by=system_actor)
    assert str(refused.value) == "Choose the dock the camera was put in."


def test_a_bay_without_its_dock_is_refused_and_nothing_is_stored(camera, system_actor):
    with pytest.raises(DomainError) as refused:
        record_charge(camera=camera, kind=ChargeEvent.Kind.BATTERY, battery_percent=60, bay=3, by=system_actor)
    assert str(refused.value) == "A bay number needs the dock it belongs to; name the dock too."
    assert refused.value.code == "bay_needs_dock"
    assert not ChargeEvent.objects.exists()


@pytest.mark.parametrize("bay", [0, 9])
def test_bay_outside_the_dock_is_refused(camera, dock, system_actor, bay):
    with pytest.raises(DomainError) as refused:
        record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=bay, by=system_actor)
    assert str(refused.value) == "Dock 01 has bays 1 to 8."


def test_occupied_bay_is_refused_naming_the_occupant(camera, dock, system_actor):
    CameraFactory(asset_tag="HPD-BWC-0007", dock=dock, dock_bay=4)
    with pytest.raises(DomainError) as refused:
        record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=4, by=system_actor)
    assert str(refused.value) == "Bay 4 of Dock 01 already holds HPD-BWC-0007; choose a free bay."
    assert refused.value.code == "bay_taken"
    assert not ChargeEvent.objects.exists()
    camera.refresh_from_db()
    assert camera.dock is None


@pytest.mark.parametrize("percent", [-1, 101])
def test_battery_outside_zero_to_hundred_is_refused(camera, system_actor, percent):
    with pytest.raises(DomainError) as refused:
        record_charge(camera=camera, kind=ChargeEvent.Kind.BATTERY, battery_percent=percent, by=system_actor)
    assert str(refused.value) == "Battery level is a percentage from 0 to 100."


def test_battery_reading_without_a_level_is_refused(camera, system_actor):
    with pytest.raises(DomainError) as refused:
        record_charge(camera=camera, kind=ChargeEvent.Kind.BATTERY, by=system_actor)
    assert str(refused.value) == "Enter the battery level in percent."


def test_unknown_kind_is_refused(camera, system_actor):
    with pytest.raises(DomainError) as refused:
        record_charge(camera=camera, kind="sparkle", by=system_actor)
    assert str(refused.value) == "Unknown charge event 'sparkle'."
    assert not ChargeEvent.objects.exists()


def _returned(camera, officer, by, at):
    """Check `camera` out to `officer` and back in at `at` (frozen clock)."""
    with time_machine.travel(at - timedelta(hours=8), tick=False):
        check_out(camera=camera, officer=officer, by=by, allow_uncharged=True)
    with time_machine.travel(at, tick=False):
        return check_in(camera=camera, by=by)


def test_docking_after_a_return_keeps_its_time_on_that_checkout(camera, dock, system_actor):
    back = timezone.now() - timedelta(hours=2)
    checkout = _returned(camera, OfficerFactory(), system_actor, back)
    assert checkout.first_docked_at is None

    event = record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=1, by=system_actor)
    record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=2, by=system_actor)

    checkout.refresh_from_db()
    assert checkout.first_docked_at == event.recorded_at  # the first dock, not the later one


def test_a_dock_recorded_late_replaces_a_later_first_dock_and_spares_later_returns(camera, dock, system_actor):
    officer = OfficerFactory()
    first = _returned(camera, officer, system_actor, timezone.now() - timedelta(days=2))
    second = _returned(camera, officer, system_actor, timezone.now() - timedelta(hours=3))
    now_dock = record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, by=system_actor)

    # A dock record that arrives late, stamped between the two returns.
    between = timezone.now() - timedelta(days=1)
    record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, by=system_actor, at=between)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.first_docked_at == between
    assert second.first_docked_at == now_dock.recorded_at


def test_charges_and_battery_readings_are_not_docking(camera, dock, system_actor):
    checkout = _returned(camera, OfficerFactory(), system_actor, timezone.now() - timedelta(hours=2))
    record_charge(camera=camera, kind=ChargeEvent.Kind.FULL_CHARGE, dock=dock, by=system_actor)
    record_charge(camera=camera, kind=ChargeEvent.Kind.BATTERY, battery_percent=50, by=system_actor)
    checkout.refresh_from_db()
    assert checkout.first_docked_at is None
