"""issue_personal, revoke_personal and set_officer_active: transitions and refusals."""

from __future__ import annotations

import pytest

from assignments.models import PersonalIssue
from assignments.services import check_out, issue_personal, revoke_personal, set_officer_active
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, OfficerFactory
from inventory.models import Camera

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera():
    return CameraFactory(asset_tag="HPD-BWC-0412")


@pytest.fixture
def officer():
    return OfficerFactory(first_name="Dana", last_name="Reyes", badge_number="2231")


def test_issue_personal_makes_the_camera_the_officers_own(camera, officer, system_actor):
    issue = issue_personal(officer=officer, camera=camera, by=system_actor, reason="New hire")
    assert issue.revoked_at is None
    assert issue.reason == "New hire"
    camera.refresh_from_db()
    assert camera.pool == Camera.Pool.PERSONAL


def test_issuing_the_same_camera_twice_is_refused(camera, officer, system_actor):
    issue_personal(officer=officer, camera=camera, by=system_actor)
    with pytest.raises(DomainError) as refused:
        issue_personal(officer=officer, camera=camera, by=system_actor)
    assert str(refused.value) == "HPD-BWC-0412 is already Ofc. Dana Reyes's personal camera."


def test_officer_with_a_personal_camera_is_refused_a_second(camera, officer, system_actor):
    issue_personal(officer=officer, camera=camera, by=system_actor)
    with pytest.raises(DomainError) as refused:
        issue_personal(officer=officer, camera=CameraFactory(), by=system_actor)
    assert str(refused.value) == "Ofc. Dana Reyes already has HPD-BWC-0412 as a personal camera. Revoke it first."


def test_camera_issued_to_another_officer_is_refused(camera, officer, system_actor):
    issue_personal(officer=officer, camera=camera, by=system_actor)
    with pytest.raises(DomainError) as refused:
        issue_personal(officer=OfficerFactory(), camera=camera, by=system_actor)
    assert str(refused.value) == (
        "HPD-BWC-0412 is already the personal camera of Ofc. Dana Reyes (badge 2231). Revoke it first."
    )
    assert PersonalIssue.objects.count() == 1


def test_inactive_officer_gets_no_personal_camera(camera, system_actor):
    officer = OfficerFactory(first_name="Lee", last_name="Park", is_active=False)
    with pytest.raises(DomainError) as refused:
        issue_personal(officer=officer, camera=camera, by=system_actor)
    assert str(refused.value) == "Ofc. Lee Park is inactive; activate the officer first."


@pytest.mark.parametrize(("status", "label"), [(Camera.Status.RETIRED, "retired"), (Camera.Status.LOST, "lost")])
def test_retired_or_lost_camera_cannot_be_issued(camera, officer, system_actor, status, label):
    Camera.objects.filter(pk=camera.pk).update(status=status, lost_incident_number="HPD-26-1")
    with pytest.raises(DomainError) as refused:
        issue_personal(officer=officer, camera=camera, by=system_actor)
    assert str(refused.value) == f"HPD-BWC-0412 is {label}; choose another camera."


def test_revoke_personal_returns_the_camera_to_the_spare_pool(camera, officer, system_actor):
    issue_personal(officer=officer, camera=camera, by=system_actor)
    issue = revoke_personal(officer=officer, by=system_actor, reason="Transferred")
    assert issue.revoked_at is not None
    assert issue.reason == "Transferred"
    camera.refresh_from_db()
    assert camera.pool == Camera.Pool.SPARE
    # The history stays: the row is closed, not deleted, and the camera can be issued again.
    assert PersonalIssue.objects.filter(camera=camera).count() == 1
    issue_personal(officer=OfficerFactory(), camera=camera, by=system_actor)
    assert PersonalIssue.objects.filter(camera=camera).count() == 2


def test_revoke_personal_locks_the_camera_before_the_issue(camera, officer, system_actor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    issue_personal(officer=officer, camera=camera, by=system_actor)
    with CaptureQueriesContext(connection) as queries:
        revoke_personal(officer=officer, by=system_actor)
    # SQLite drops FOR UPDATE; the order of the locking reads is the same on both databases.
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "audit" not in q["sql"]]
    camera_read = next(i for i, sql in enumerate(reads) if 'FROM "inventory_camera"' in sql)
    issue_locked = next(i for i, sql in enumerate(reads) if 'FROM "assignments_personalissue"' in sql and i > 0)
    assert camera_read < issue_locked


def test_revoke_without_a_personal_camera_is_refused(officer, system_actor):
    with pytest.raises(DomainError) as refused:
        revoke_personal(officer=officer, by=system_actor)
    assert str(refused.value) == "Ofc. Dana Reyes has no personal camera to revoke."


def test_deactivated_officer_cannot_check_out_and_reactivated_can(camera, officer, system_actor):
    set_officer_active(officer=officer, active=False, by=system_actor, reason="Leave")
    officer.refresh_from_db()
    assert not officer.is_active
    with pytest.raises(DomainError, match="is inactive"):
        check_out(camera=camera, officer=officer, by=system_actor)
    set_officer_active(officer=officer, active=True, by=system_actor)
    assert check_out(camera=camera, officer=officer, by=system_actor).officer == officer


@pytest.mark.parametrize(("active", "state"), [(True, "active"), (False, "inactive")])
def test_setting_the_same_active_state_is_refused(system_actor, active, state):
    officer = OfficerFactory(first_name="Lee", last_name="Park", is_active=active)
    with pytest.raises(DomainError) as refused:
        set_officer_active(officer=officer, active=active, by=system_actor)
    assert str(refused.value) == f"Ofc. Lee Park is already {state}."
