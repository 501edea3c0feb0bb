"""The admin's camera and officer pages check what is typed with the console's own forms (CameraForm,
OfficerForm) and save through the console's services: a tag, serial or badge taken in any case, a
console page's name as a badge or a purchase date to come is refused there with the console's words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from assignments.models import Officer
from audit.models import AuditEvent
from audit.tests.test_admin_edits import _change_form_data
from hartford_bwc.factories import CameraFactory, CameraModelFactory, OfficerFactory, UserFactory
from inventory.models import Camera

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="admin1", role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def errors(response) -> str:
    assert response.status_code == 200, "the form should have been shown again"
    form = response.context["adminform"].form
    return " ".join(message for messages in form.errors.values() for message in messages)


def camera_data(**values) -> dict:
    model = CameraModelFactory()
    return {"asset_tag": "HPD-BWC-0500", "serial_number": "X6A0000500", "model": model.pk} | values


def test_an_asset_tag_taken_in_another_case_is_refused_naming_the_camera(admin_client):
    CameraFactory(asset_tag="HPD-BWC-0001", serial_number="X6A0000001")
    response = admin_client.post(reverse("admin:inventory_camera_add"), camera_data(asset_tag="hpd-bwc-0001"))
    assert "Asset tag HPD-BWC-0001 already belongs to the camera with serial number X6A0000001." in errors(response)
    assert Camera.objects.count() == 1


def test_editing_a_serial_into_another_cameras_in_another_case_is_refused(admin_client):
    CameraFactory(asset_tag="HPD-BWC-0001", serial_number="X6A0000001")
    camera = CameraFactory(asset_tag="HPD-BWC-0002", serial_number="X6A0000002")
    url = reverse("admin:inventory_camera_change", args=[camera.pk])
    response = admin_client.post(url, _change_form_data(admin_client, url) | {"serial_number": "x6a0000001"})
    assert "is on file as X6A0000001 (HPD-BWC-0001)" in errors(response)
    camera.refresh_from_db()
    assert camera.serial_number == "X6A0000002"


def test_a_purchase_date_to_come_is_refused_as_in_the_console(admin_client):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = admin_client.post(reverse("admin:inventory_camera_add"), camera_data(purchased_on=tomorrow.isoformat()))
    assert errors(response)
    assert not Camera.objects.exists()


def test_a_camera_added_in_the_admin_is_registered_by_the_service_with_its_tag_in_capitals(admin_client):
    response = admin_client.post(reverse("admin:inventory_camera_add"), camera_data(asset_tag="hpd-bwc-0500"))
    assert response.status_code == 302
    camera = Camera.objects.get()
    assert camera.asset_tag == "HPD-BWC-0500"
    assert (camera.status, camera.pool) == (Camera.Status.AVAILABLE, Camera.Pool.SPARE)
    event = AuditEvent.objects.get(action="camera.admin_create")
    assert event.camera == camera and event.actor_label == "admin1"


def officer_data(**values) -> dict:
    return {"badge_number": "7001", "first_name": "Ana", "last_name": "Ruiz", "rank": "officer"} | values


def test_a_badge_taken_in_another_case_is_refused_naming_the_officer(admin_client):
    OfficerFactory(badge_number="B-12", first_name="Dana", last_name="Reyes")
    response = admin_client.post(reverse("admin:assignments_officer_add"), officer_data(badge_number="b-12"))
    assert "Badge number b-12 already belongs to" in errors(response) and "Reyes" in errors(response)
    assert Officer.objects.count() == 1


def test_a_console_pages_name_is_not_a_badge_in_the_admin_either(admin_client):
    response = admin_client.post(reverse("admin:assignments_officer_add"), officer_data(badge_number="new"))
    assert "is the name of a console page" in errors(response)
    assert not Officer.objects.exists()


def test_an_officer_edited_in_the_admin_is_saved_by_the_service_and_the_staff_account_is_audited(admin_client):
    officer = OfficerFactory(badge_number="7001", last_name="Ruiz")
    user = UserFactory(username="aruiz", role=roles.SUPERVISOR)
    url = reverse("admin:assignments_officer_change", args=[officer.pk])
    data = _change_form_data(admin_client, url) | {"last_name": "Ruiz-Lopez", "user": user.pk}
    assert admin_client.post(url, data).status_code == 302
    officer.refresh_from_db()
    assert (officer.last_name, officer.user) == ("Ruiz-Lopez", user)
    events = AuditEvent.objects.filter(action="officer.admin_edit", officer=officer).order_by("pk")
    assert [event.after for event in events] == [{"last_name": "Ruiz-Lopez"}, {"user": user.pk}]


def test_a_staff_account_already_linked_to_another_officer_is_refused_naming_them(admin_client):
    user = UserFactory(username="aruiz", role=roles.SUPERVISOR)
    OfficerFactory(first_name="Ana", last_name="Ruiz", user=user)
    officer = OfficerFactory(last_name="Lopez")
    url = reverse("admin:assignments_officer_change", args=[officer.pk])
    response = admin_client.post(url, _change_form_data(admin_client, url) | {"user": user.pk})
    assert "Staff account aruiz already belongs to" in errors(response) and "Ruiz" in errors(response)
    officer.refresh_from_db()
    assert officer.user is None
