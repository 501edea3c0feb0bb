"""open_maintenance, assign_maintenance, close_maintenance: transitions and refusals."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from assignments.services import check_out, issue_personal
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory
from inventory.models import Camera, MaintenanceRecord
from inventory.services import assign_maintenance, close_maintenance, open_maintenance

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
Kind, By, Outcome = MaintenanceRecord.Kind, MaintenanceRecord.PerformedBy, MaintenanceRecord.Outcome


@pytest.fixture
def camera():
    return CameraFactory(asset_tag="HPD-BWC-0412", firmware_version="3.1.7")


def test_open_maintenance_takes_the_camera_out_of_its_dock(camera, system_actor):
    Camera.objects.filter(pk=camera.pk).update(dock=DockFactory(), dock_bay=1)
    record = open_maintenance(camera=camera, kind=Kind.INSPECTION, performed_by=By.IN_HOUSE, by=system_actor)
    camera.refresh_from_db()
    assert camera.status == Camera.Status.IN_MAINTENANCE
    assert camera.dock is None and camera.dock_bay is None
    assert record.is_open and record.started_at is not None


def test_damage_report_awaits_triage_until_assigned(camera, system_actor):
    record = open_maintenance(camera=camera, kind=Kind.REPAIR, problem="Will not record", by=system_actor)
    assert record.performed_by == By.AWAITING_TRIAGE and record.started_at is None
    record = assign_maintenance(record=record, performed_by=By.VENDOR, rma_number=" RMA-7781 ", by=system_actor)
    record.refresh_from_db()
    assert (record.performed_by, record.rma_number) == (By.VENDOR, "RMA-7781")
    assert record.started_at is not None


def test_vendor_repair_without_rma_is_refused(camera, system_actor):
    with pytest.raises(DomainError) as refused:
        open_maintenance(camera=camera, kind=Kind.REPAIR, performed_by=By.VENDOR, rma_number=" ", by=system_actor)
    assert str(refused.value) == "A vendor repair needs the RMA number."
    camera.refresh_from_db()
    assert camera.status == Camera.Status.AVAILABLE
    record = open_maintenance(camera=camera, kind=Kind.REPAIR, by=system_actor)
    with pytest.raises(DomainError, match="A vendor repair needs the RMA number."):
        assign_maintenance(record=record, performed_by=By.VENDOR, by=system_actor)


def test_assign_needs_in_house_or_vendor(camera, system_actor):
    record = open_maintenance(camera=camera, kind=Kind.REPAIR, by=system_actor)
    with pytest.raises(DomainError) as refused:
        assign_maintenance(record=record, performed_by="", by=system_actor)
    assert str(refused.value) == "Choose in-house or vendor."


def test_assign_on_a_closed_record_is_refused(camera, system_actor):
    record = open_maintenance(camera=camera, kind=Kind.REPAIR, performed_by=By.IN_HOUSE, by=system_actor)
    close_maintenance(record=record, outcome=Outcome.RETURNED_TO_SERVICE, by=system_actor)
    with pytest.raises(DomainError) as refused:
        assign_maintenance(record=record, performed_by=By.IN_HOUSE, by=system_actor)
    assert str(refused.value) == "This maintenance record is closed."


def test_checked_out_camera_cannot_go_to_maintenance(camera, system_actor):
    check_out(camera=camera, officer=OfficerFactory(first_name="Dana", last_name="Reyes"), by=system_actor)
    with pytest.raises(DomainError) as refused:
        open_maintenance(camera=camera, kind=Kind.INSPECTION, by=system_actor)
    assert str(refused.value) == "HPD-BWC-0412 is checked out to Ofc. Dana Reyes; check it in first."
    assert not MaintenanceRecord.objects.exists()


@pytest.mark.parametrize(("status", "label"), [(Camera.Status.RETIRED, "retired"), (Camera.Status.LOST, "lost")])
def test_retired_or_lost_camera_cannot_go_to_maintenance(camera, system_actor, status, label):
    Camera.objects.filter(pk=camera.pk).update(status=status, lost_incident_number="HPD-26-1")
    with pytest.raises(DomainError) as refused:
        open_maintenance(camera=camera, kind=Kind.INSPECTION, by=system_actor)
    assert str(refused.value) == f"HPD-BWC-0412 is {label}; it cannot go to maintenance."


def test_second_open_maintenance_is_refused(camera, system_actor):
    with time_machine.travel(datetime(2026, 5, 12, 9, 15, tzinfo=NY), tick=False):
        open_maintenance(camera=camera, kind=Kind.BATTERY_REPLACEMENT, performed_by=By.IN_HOUSE, by=system_actor)
        with pytest.raises(DomainError) as refused:
            open_maintenance(camera=camera, kind=Kind.INSPECTION, by=system_actor)
    assert str(refused.value) == "HPD-BWC-0412 already has an open battery replacement (since 09:15); close it first."
    assert MaintenanceRecord.objects.count() == 1


def test_close_returns_the_camera_to_service_inspected(camera, system_actor):
    record = open_maintenance(camera=camera, kind=Kind.REPAIR, performed_by=By.IN_HOUSE, by=system_actor)
    closed = close_maintenance(record=record, outcome=Outcome.RETURNED_TO_SERVICE, notes=" New lens ", by=system_actor)
    assert closed.closed_at is not None and closed.notes == "New lens"
    camera.refresh_from_db()
    assert camera.status == Camera.Status.AVAILABLE
    assert camera.last_inspected_at == closed.closed_at


def test_firmware_update_records_the_new_version(camera, system_actor):
    record = open_maintenance(camera=camera, kind=Kind.FIRMWARE_UPDATE, performed_by=By.IN_HOUSE, by=system_actor)
    with pytest.raises(DomainError) as refused:
        close_maintenance(record=record, outcome=Outcome.RETURNED_TO_SERVICE, by=system_actor)
    assert str(refused.value) == "Enter the firmware version the camera now runs."
    close_maintenance(record=record, outcome=Outcome.RETURNED_TO_SERVICE, firmware_version="4.1.0", by=system_actor)
    camera.refresh_from_db()
    assert camera.firmware_version == "4.1.0"


def test_close_as_retired_retires_the_camera_and_ends_its_personal_issue(camera, system_actor):
    officer = OfficerFactory()
    issue_personal(officer=officer, camera=camera, by=system_actor)
    record = open_maintenance(camera=camera, kind=Kind.REPAIR, performed_by=By.IN_HOUSE, by=system_actor)
    close_maintenance(record=record, outcome=Outcome.RETIRED, by=system_actor)
    camera.refresh_from_db()
    assert (camera.status, camera.pool) == (Camera.Status.RETIRED, Camera.Pool.SPARE)
    assert not camera.personal_issues.current().exists()


def test_closing_twice_is_refused(camera, system_actor):
    record = open_maintenance(camera=camera, kind=Kind.INSPECTION, performed_by=By.IN_HOUSE, by=system_actor)
    close_maintenance(record=record, outcome=Outcome.RETURNED_TO_SERVICE, by=system_actor)
    with pytest.raises(DomainError) as refused:
        close_maintenance(record=record, outcome=Outcome.RETURNED_TO_SERVICE, by=system_actor)
    assert str(refused.value) == "This inspection of HPD-BWC-0412 is already closed."


def test_close_needs_an_outcome(camera, system_actor):
    record = open_maintenance(camera=camera, kind=Kind.INSPECTION, performed_by=By.IN_HOUSE, by=system_actor)
    with pytest.raises(DomainError) as refused:
        close_maintenance(record=record, outcome="", by=system_actor)
    assert str(refused.value) == "Choose whether the camera returns to service or is retired."
    record.refresh_from_db()
    assert record.is_open
