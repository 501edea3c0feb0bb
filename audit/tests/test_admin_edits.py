"""Edits in the Django admin land in the audit trail, and nothing with history can be deleted there."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts import roles
from audit.models import AuditEvent
from audit.services import verify_chain
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from inventory.models import Camera

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="admin1", role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def _change_form_data(client: Client, url: str) -> dict:
    """The change form's fields as the browser would post them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, datetime):  # the admin's split date and time inputs
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
            continue
        data[name] = "on" if value is True else ("" if value is False else value)
    return {k: v for k, v in data.items() if v != ""}


def test_editing_a_camera_in_the_admin_writes_an_event_with_before_and_after(admin_client):
    camera = CameraFactory(asset_tag="HPD-BWC-0412", firmware_version="3.4.1")
    url = f"/admin/inventory/camera/{camera.pk}/change/"
    data = _change_form_data(admin_client, url) | {"firmware_version": "3.5.0", "notes": "Relabelled"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    camera.refresh_from_db()
    assert camera.firmware_version == "3.5.0"
    event = AuditEvent.objects.get(action="camera.admin_edit")
    assert event.camera == camera
    assert event.actor_label == "admin1"
    assert event.before == {"firmware_version": "3.4.1", "notes": ""}
    assert event.after == {"firmware_version": "3.5.0", "notes": "Relabelled"}
    assert verify_chain() is None


def test_saving_an_unchanged_admin_form_writes_no_event(admin_client):
    camera = CameraFactory()
    url = f"/admin/inventory/camera/{camera.pk}/change/"
    data = _change_form_data(admin_client, url)
    count = AuditEvent.objects.count()  # creating the admin user and the camera's model was audited
    assert admin_client.post(url, data).status_code == 302
    assert AuditEvent.objects.count() == count


def test_adding_an_officer_in_the_admin_is_audited_and_the_pin_hash_is_not_a_field(admin_client):
    form = admin_client.get("/admin/assignments/officer/add/").context["adminform"].form
    assert "pin_hash" not in form.fields and "is_active" not in form.fields
    response = admin_client.post(
        "/admin/assignments/officer/add/",
        {"badge_number": "7001", "first_name": "Ana", "last_name": "Ruiz", "rank": "officer"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="officer.admin_create")
    assert event.officer.badge_number == "7001"
    assert event.after["badge_number"] == "7001"
    assert "pin_hash" not in event.after or event.after["pin_hash"] == ""


@pytest.mark.parametrize("path", ["inventory/camera", "assignments/officer", "inventory/dock", "kiosk/badgelockout"])
def test_nothing_is_deleted_from_the_admin(admin_client, path):
    camera = CameraFactory()
    officer = OfficerFactory()
    obj = {"inventory/camera": camera, "assignments/officer": officer}.get(path)
    if obj is None:
        return_code = admin_client.get(f"/admin/{path}/").status_code
        assert return_code == 200
        return
    assert admin_client.get(f"/admin/{path}/{obj.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/{path}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = admin_client.get(f"/admin/{path}/")
    assert "delete_selected" not in changelist.content.decode()
    assert Camera.objects.filter(pk=camera.pk).exists()
