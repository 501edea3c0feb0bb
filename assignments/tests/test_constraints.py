"""Checkout and personal-issue rules hold in the database, including the triggers of migration 0002.

Each write here bypasses the services (ORM create/update straight to the table) and must fail.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assignments.models import Checkout, PersonalIssue, Shift
from assignments.services import check_in, check_out
from hartford_bwc.factories import CameraFactory, OfficerFactory
from hartford_bwc.testing import violates
from inventory.models import Camera

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera():
    return CameraFactory()


@pytest.fixture
def officer():
    return OfficerFactory()


def open_checkout(camera, officer, **fields) -> Checkout:
    now = timezone.now()
    values = {"checked_out_at": now, "due_back_at": now + timedelta(hours=9), **fields}
    return Checkout.objects.create(camera=camera, officer=officer, **values)


def test_badge_numbers_are_unique(officer):
    # Two unique indexes hold it: the column's own and the any-case one (UPPER()); which one a database
    # checks first is its own business (SQLite's order changes when a migration rebuilds the table).
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        OfficerFactory(badge_number=officer.badge_number)
    message = str(caught.value)
    assert any(
        name in message
        for name in (
            "assignments_officer_badge_number",
            "assignments_officer.badge_number",
            "officer_badge_number_unique_any_case",
        )
    ), message


def test_shift_has_a_length():
    with violates("shift_has_length"):
        Shift.objects.create(name="Nothing", starts_at=time(7), ends_at=time(7))


# --- checkouts --------------------------------------------------------------------------------


def test_second_open_checkout_for_a_camera_fails_in_the_database(camera, officer):
    open_checkout(camera, officer)
    with violates("checkout_one_open_per_camera", sqlite="UNIQUE constraint failed: assignments_checkout.camera_id"):
        open_checkout(camera, OfficerFactory())


def test_second_open_checkout_for_an_officer_fails_in_the_database(camera, officer):
    open_checkout(camera, officer)
    with violates("checkout_one_open_per_officer", sqlite="UNIQUE constraint failed: assignments_checkout.officer_id"):
        open_checkout(CameraFactory(), officer)


def test_closed_checkouts_do_not_count_as_open(camera, officer):
    now = timezone.now()
    for hours in (30, 20):
        out = now - timedelta(hours=hours)
        open_checkout(camera, officer, checked_out_at=out, checked_in_at=out + timedelta(hours=8), condition="working")
    open_checkout(camera, officer)
    assert Checkout.objects.filter(camera=camera).count() == 3


def test_check_in_cannot_precede_check_out(camera, officer):
    now = timezone.now()
    with violates("checkout_checked_in_after_out"):
        open_checkout(camera, officer, checked_in_at=now - timedelta(hours=1), condition="working")


def test_due_back_is_after_check_out(camera, officer):
    now = timezone.now()
    with violates("checkout_due_after_out"):
        open_checkout(camera, officer, checked_out_at=now, due_back_at=now)


@pytest.mark.parametrize(
    ("fields"), [{"condition": "working"}, {"checked_in_at": "later"}], ids=["condition-while-out", "back-no-condition"]
)
def test_condition_is_recorded_exactly_when_returned(camera, officer, fields):
    now = timezone.now()
    fields = {k: now + timedelta(hours=1) if v == "later" else v for k, v in fields.items()}
    with violates("checkout_condition_iff_returned"):
        open_checkout(camera, officer, checked_out_at=now, **fields)


def test_damage_is_described(camera, officer):
    now = timezone.now()
    with violates("checkout_damage_is_described"):
        open_checkout(camera, officer, checked_out_at=now, checked_in_at=now, condition="damaged")


# --- triggers (assignments/migrations/0004_camera_rules_from_lifecycle.py) ------------------------


@pytest.mark.parametrize(
    ("status", "extra"),
    [
        (Camera.Status.RETIRED, {}),
        (Camera.Status.LOST, {"lost_incident_number": "HPD-26-1"}),
        (Camera.Status.IN_MAINTENANCE, {}),
    ],
)
def test_camera_out_of_service_cannot_get_an_open_checkout(camera, officer, status, extra):
    Camera.objects.filter(pk=camera.pk).update(status=status, **extra)
    with violates("may not be checked out from its status"):
        open_checkout(camera, officer)
    assert not Checkout.objects.exists()


def test_history_of_a_retired_camera_can_still_be_recorded(camera, officer):
    """The trigger guards open checkouts only: an import may add past, closed ones."""
    Camera.objects.filter(pk=camera.pk).update(status=Camera.Status.RETIRED)
    out = timezone.now() - timedelta(days=40)
    open_checkout(camera, officer, checked_out_at=out, checked_in_at=out + timedelta(hours=9), condition="working")
    assert Checkout.objects.filter(camera=camera).count() == 1


@pytest.mark.parametrize(
    ("status", "extra"),
    [
        (Camera.Status.RETIRED, {}),
        (Camera.Status.AVAILABLE, {}),
        (Camera.Status.IN_MAINTENANCE, {}),
        (Camera.Status.LOST, {"lost_incident_number": "HPD-26-1"}),
    ],
)
def test_checked_out_camera_cannot_change_status_while_its_checkout_is_open(
    camera, officer, system_actor, status, extra
):
    check_out(camera=camera, officer=officer, by=system_actor)
    with violates("has an open checkout", sqlite="camera has an open checkout"):
        Camera.objects.filter(pk=camera.pk).update(status=status, **extra)
    camera.refresh_from_db()
    assert camera.status == Camera.Status.CHECKED_OUT


def test_checked_out_camera_cannot_be_retired_through_model_save(camera, officer, system_actor):
    check_out(camera=camera, officer=officer, by=system_actor)
    camera.refresh_from_db()
    camera.status = Camera.Status.RETIRED
    with violates("has an open checkout", sqlite="camera has an open checkout"):
        camera.save()


def test_camera_status_is_free_once_the_checkout_is_closed(camera, officer, system_actor):
    check_out(camera=camera, officer=officer, by=system_actor)
    check_in(camera=camera, by=system_actor)
    Camera.objects.filter(pk=camera.pk).update(status=Camera.Status.RETIRED)
    camera.refresh_from_db()
    assert camera.status == Camera.Status.RETIRED


def test_the_triggers_exist_in_the_schema():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "checkout_needs_available_camera",
        "camera_out_while_checkout_open",
        "camera_status_follows_lifecycle",
        "audit_append_only",
    } <= names


# --- personal issue -------------------------------------------------------------------------


def test_officer_has_one_current_personal_camera(officer):
    PersonalIssue.objects.create(officer=officer, camera=CameraFactory())
    with violates(
        "personal_issue_one_per_officer", sqlite="UNIQUE constraint failed: assignments_personalissue.officer_id"
    ):
        PersonalIssue.objects.create(officer=officer, camera=CameraFactory())


def test_camera_is_personal_to_one_officer_at_a_time(camera):
    PersonalIssue.objects.create(officer=OfficerFactory(), camera=camera)
    with violates(
        "personal_issue_one_per_camera", sqlite="UNIQUE constraint failed: assignments_personalissue.camera_id"
    ):
        PersonalIssue.objects.create(officer=OfficerFactory(), camera=camera)


def test_personal_issue_is_revoked_after_it_is_issued(camera, officer):
    now = timezone.now()
    with violates("personal_issue_revoked_after_issued"):
        PersonalIssue.objects.create(officer=officer, camera=camera, issued_at=now, revoked_at=now - timedelta(days=1))
