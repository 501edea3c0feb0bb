"""Every inventory rule holds in the database: writes that bypass the services fail with IntegrityError."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hartford_bwc.factories import CameraFactory, CameraModelFactory, DockFactory
from hartford_bwc.testing import violates
from inventory.models import MAX_DOCK_BAYS, Camera, CameraModel, ChargeEvent, Dock, Flag, MaintenanceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera():
    return CameraFactory()


@pytest.fixture
def dock():
    return DockFactory(bays=8)


def test_camera_model_is_unique_per_maker_and_name():
    CameraModelFactory(maker="Axon", name="Body 4")
    with violates("camera_model_unique_maker_name", sqlite="UNIQUE constraint failed: inventory_cameramodel.maker"):
        CameraModel.objects.bulk_create([CameraModel(maker="Axon", name="Body 4", battery_hours=12)])


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"battery_hours": 0}, "camera_model_battery_hours_positive"),
        ({"charge_hours": 0}, "camera_model_charge_hours_positive"),
    ],
)
def test_camera_model_hours_are_positive(fields, rule):
    with violates(rule):
        CameraModel.objects.create(**{"maker": "Axon", "name": "Flex", "battery_hours": 12, **fields})


def test_dock_has_at_least_one_bay():
    with violates("dock_has_bays"):
        Dock.objects.create(name="Dock X", location="HQ", bays=0)


@pytest.mark.parametrize(("field", "any_case"), [("asset_tag", "asset_tag"), ("serial_number", "serial_number")])
def test_asset_tag_and_serial_are_unique(camera, field, any_case):
    # Two unique indexes hold each: the column's own and the any-case one (UPPER()). Which one a
    # database checks first is its own business (SQLite's order changes when a migration rebuilds the
    # table); either refusing the duplicate is the rule.
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        CameraFactory(**{field: getattr(camera, field)})
    message = str(caught.value)
    assert (
        f"inventory_camera_{field}" in message
        or f"inventory_camera.{field}" in message
        or (f"camera_{any_case}_unique_any_case" in message)
    ), message


def test_camera_battery_is_at_most_a_hundred(camera):
    with violates("camera_battery_percent_range"):
        Camera.objects.filter(pk=camera.pk).update(battery_percent=101)


def test_lost_camera_has_an_incident_number(camera):
    with violates("camera_lost_has_incident_number"):
        Camera.objects.filter(pk=camera.pk).update(status=Camera.Status.LOST)
    Camera.objects.filter(pk=camera.pk).update(status=Camera.Status.LOST, lost_incident_number="HPD-26-1")


def test_bay_needs_a_dock(camera):
    with violates("camera_bay_needs_dock"):
        Camera.objects.filter(pk=camera.pk).update(dock_bay=3)


@pytest.mark.parametrize("status", [Camera.Status.CHECKED_OUT, Camera.Status.RETIRED])
def test_only_a_camera_on_the_shelf_sits_in_a_dock(camera, dock, status):
    with violates("camera_docked_only_when_on_shelf"):
        Camera.objects.filter(pk=camera.pk).update(status=status, dock=dock, dock_bay=1)


def test_one_camera_per_dock_bay(dock):
    CameraFactory(dock=dock, dock_bay=5)
    with violates("camera_one_per_dock_bay", sqlite="UNIQUE constraint failed: inventory_camera.dock_id"):
        CameraFactory(dock=dock, dock_bay=5)
    CameraFactory(dock=dock, dock_bay=None)
    CameraFactory(dock=dock, dock_bay=None)  # bay unknown: not a clash


def test_charge_event_battery_is_at_most_a_hundred(camera):
    with violates("charge_event_battery_percent_range"):
        ChargeEvent.objects.create(camera=camera, kind=ChargeEvent.Kind.BATTERY, battery_percent=101)


def test_docked_event_names_its_dock(camera):
    with violates("charge_event_docked_names_dock"):
        ChargeEvent.objects.create(camera=camera, kind=ChargeEvent.Kind.DOCKED)


def test_charge_event_bay_needs_a_dock(camera):
    with violates("charge_event_bay_needs_dock"):
        ChargeEvent.objects.create(camera=camera, kind=ChargeEvent.Kind.BATTERY, battery_percent=50, bay=3)


@pytest.mark.parametrize("bay", [0, MAX_DOCK_BAYS + 1])
def test_charge_event_bay_is_within_bounds(camera, dock, bay):
    with violates("charge_event_bay_range"):
        ChargeEvent.objects.create(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=bay)


def test_dock_has_at_most_the_largest_bay_count():
    with violates("dock_bays_at_most_max"):
        Dock.objects.create(name="Dock X", location="HQ", bays=MAX_DOCK_BAYS + 1)


def test_one_open_maintenance_per_camera(camera):
    MaintenanceRecord.objects.create(camera=camera, kind="repair")
    with violates(
        "maintenance_one_open_per_camera", sqlite="UNIQUE constraint failed: inventory_maintenancerecord.camera_id"
    ):
        MaintenanceRecord.objects.create(camera=camera, kind="inspection")
    now = timezone.now()
    MaintenanceRecord.objects.create(
        camera=camera, kind="inspection", opened_at=now, closed_at=now, outcome="returned_to_service"
    )


def test_vendor_maintenance_needs_an_rma(camera):
    with violates("maintenance_vendor_needs_rma"):
        MaintenanceRecord.objects.create(camera=camera, kind="repair", performed_by="vendor")


def test_maintenance_closes_after_it_opens(camera):
    now = timezone.now()
    with violates("maintenance_closed_after_opened"):
        MaintenanceRecord.objects.create(
            camera=camera, kind="repair", opened_at=now, closed_at=now - timedelta(seconds=1), outcome="retired"
        )


@pytest.mark.parametrize(
    "fields", [{"outcome": "retired"}, {"closed_at": "now"}], ids=["outcome-while-open", "closed-without-outcome"]
)
def test_maintenance_has_an_outcome_exactly_when_closed(camera, fields):
    now = timezone.now()
    fields = {k: now if v == "now" else v for k, v in fields.items()}
    with violates("maintenance_outcome_iff_closed"):
        MaintenanceRecord.objects.create(camera=camera, kind="repair", opened_at=now, **fields)


def test_one_open_flag_per_camera_and_kind(camera):
    Flag.objects.create(camera=camera, kind=Flag.Kind.CHARGING_OVERDUE)
    with violates("flag_one_open_per_camera_kind", sqlite="UNIQUE constraint failed: inventory_flag.camera_id"):
        Flag.objects.create(camera=camera, kind=Flag.Kind.CHARGING_OVERDUE)
    Flag.objects.create(camera=camera, kind=Flag.Kind.INSPECTION_DUE)
    now = timezone.now()
    Flag.objects.create(camera=camera, kind=Flag.Kind.CHARGING_OVERDUE, raised_at=now, resolved_at=now)


def test_flag_resolves_after_it_is_raised(camera):
    now = timezone.now()
    with violates("flag_resolved_after_raised"):
        Flag.objects.create(
            camera=camera, kind=Flag.Kind.REFRESH_DUE, raised_at=now, resolved_at=now - timedelta(minutes=1)
        )
