"""retire, report_lost, report_found, acknowledge_flag: transitions and refusals."""

from __future__ import annotations

import pytest

from assignments.models import Checkout
from assignments.services import check_out, issue_personal
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory
from inventory.models import Camera, Flag, MaintenanceRecord
from inventory.services import acknowledge_flag, open_maintenance, report_found, report_lost, retire

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera():
    return CameraFactory(asset_tag="HPD-BWC-0412")


@pytest.fixture
def officer():
    return OfficerFactory(first_name="Dana", last_name="Reyes", badge_number="2231")


def test_retire_takes_the_camera_out_for_good_and_keeps_it(camera, officer, system_actor):
    issue_personal(officer=officer, camera=camera, by=system_actor)
    Camera.objects.filter(pk=camera.pk).update(dock=DockFactory(), dock_bay=2)
    retire(camera=camera, reason="Housing cracked", by=system_actor)
    camera.refresh_from_db()
    assert (camera.status, camera.pool, camera.dock) == (Camera.Status.RETIRED, Camera.Pool.SPARE, None)
    issue = camera.personal_issues.get()
    assert issue.revoked_at is not None and issue.reason == "Retired"


def test_retiring_a_camera_in_maintenance_closes_the_record(camera, system_actor):
    record = open_maintenance(camera=camera, kind=MaintenanceRecord.Kind.REPAIR, by=system_actor)
    retire(camera=camera, reason="Beyond repair", by=system_actor)
    record.refresh_from_db()
    assert record.closed_at is not None and record.outcome == MaintenanceRecord.Outcome.RETIRED


def test_checked_out_camera_cannot_be_retired(camera, officer, system_actor):
    check_out(camera=camera, officer=officer, by=system_actor)
    with pytest.raises(DomainError) as refused:
        retire(camera=camera, reason="Old", by=system_actor)
    assert str(refused.value) == (
        "HPD-BWC-0412 is checked out to Ofc. Dana Reyes (badge 2231); check it in before retiring it."
    )
    camera.refresh_from_db()
    assert camera.status == Camera.Status.CHECKED_OUT


def test_retire_needs_a_reason(camera, system_actor):
    with pytest.raises(DomainError) as refused:
        retire(camera=camera, reason="  ", by=system_actor)
    assert str(refused.value) == "Give a reason for retiring the camera."


def test_retiring_twice_is_refused(camera, system_actor):
    retire(camera=camera, reason="Old", by=system_actor)
    with pytest.raises(DomainError) as refused:
        retire(camera=camera, reason="Old", by=system_actor)
    assert str(refused.value) == "HPD-BWC-0412 is already retired."


def test_a_lost_camera_can_be_written_off(camera, system_actor):
    report_lost(camera=camera, incident_number="HPD-26-012345", by=system_actor)
    retire(camera=camera, reason="Written off", by=system_actor)
    camera.refresh_from_db()
    assert camera.status == Camera.Status.RETIRED


def test_report_lost_while_out_closes_the_checkout_as_lost(camera, officer, system_actor):
    issue_personal(officer=officer, camera=camera, by=system_actor)
    checkout = check_out(camera=camera, officer=officer, by=system_actor)
    report_lost(camera=camera, incident_number=" HPD-26-012345 ", reason="Foot pursuit", by=system_actor)
    camera.refresh_from_db()
    assert (camera.status, camera.lost_incident_number, camera.pool) == (
        Camera.Status.LOST,
        "HPD-26-012345",
        Camera.Pool.SPARE,
    )
    checkout.refresh_from_db()
    assert checkout.condition == Checkout.Condition.LOST and checkout.checked_in_at is not None
    assert not camera.personal_issues.current().exists()
    # The officer is free to take a spare.
    assert check_out(camera=CameraFactory(), officer=officer, by=system_actor).officer == officer


def test_report_lost_while_in_maintenance_closes_the_record(camera, system_actor):
    record = open_maintenance(camera=camera, kind=MaintenanceRecord.Kind.REPAIR, by=system_actor)
    report_lost(camera=camera, incident_number="HPD-26-1", by=system_actor)
    record.refresh_from_db()
    assert record.closed_at is not None and record.outcome == MaintenanceRecord.Outcome.RETIRED


def test_report_lost_needs_the_incident_number(camera, system_actor):
    with pytest.raises(DomainError) as refused:
        report_lost(camera=camera, incident_number=" ", by=system_actor)
    assert str(refused.value) == "Enter the incident report number."


@pytest.mark.parametrize(("status", "label"), [(Camera.Status.RETIRED, "retired"), (Camera.Status.LOST, "lost")])
def test_report_lost_on_a_retired_or_lost_camera_is_refused(camera, system_actor, status, label):
    Camera.objects.filter(pk=camera.pk).update(status=status, lost_incident_number="HPD-26-1")
    with pytest.raises(DomainError) as refused:
        report_lost(camera=camera, incident_number="HPD-26-2", by=system_actor)
    assert str(refused.value) == f"HPD-BWC-0412 is already {label}."


def test_found_camera_goes_to_inspection(camera, system_actor):
    report_lost(camera=camera, incident_number="HPD-26-012345", by=system_actor)
    record = report_found(camera=camera, notes="Turned in at District 2", by=system_actor)
    camera.refresh_from_db()
    assert camera.status == Camera.Status.IN_MAINTENANCE
    assert record.kind == MaintenanceRecord.Kind.INSPECTION and record.is_open
    assert record.problem == "Found after loss (incident HPD-26-012345). Turned in at District 2"


def test_found_on_a_camera_not_lost_is_refused(camera, system_actor):
    with pytest.raises(DomainError) as refused:
        report_found(camera=camera, by=system_actor)
    assert str(refused.value) == "HPD-BWC-0412 is not reported lost."


def test_acknowledge_flag_once(camera, staff_actor):
    flag = Flag.objects.create(camera=camera, kind=Flag.Kind.CHARGING_OVERDUE)
    acknowledge_flag(flag=flag, by=staff_actor)
    flag.refresh_from_db()
    assert flag.acknowledged_by == staff_actor.user and flag.acknowledged_at is not None
    assert flag.is_open, "acknowledging does not resolve"
    with pytest.raises(DomainError) as refused:
        acknowledge_flag(flag=flag, by=staff_actor)
    assert str(refused.value) == "This flag is already acknowledged."
