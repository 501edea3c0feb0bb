"""Firmware versions: anything a person types is a version the sweep can compare, or a clear refusal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts import roles
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory
from hartford_bwc.testing import sign_in
from inventory.firmware import parse_firmware_version, validate_firmware_version
from inventory.forms import CloseMaintenanceForm
from inventory.models import Camera, MaintenanceRecord
from inventory.services import close_maintenance, open_maintenance

VALID = ["4.1.0", "3.2", "10", "v4.1.0", "4.1.0-b12", "3.2.0+r7", "4.1.0rc1", " 4.1.0 "]
INVALID = ["not-a-version", "banana", "4.1.0 beta", "4..1", ".4", "4.1.0-", "\x004.1", "4.1\n0", "-1"]


@pytest.mark.parametrize("text", VALID)
def test_versions_and_vendor_builds_are_accepted(text):
    validate_firmware_version(text)
    assert parse_firmware_version(text) is not None


@pytest.mark.parametrize("text", INVALID)
def test_anything_else_is_refused_with_a_message_that_says_what_to_type(text):
    with pytest.raises(ValidationError) as refused:
        validate_firmware_version(text)
    assert "is not a firmware version. Enter its numbers separated by dots, such as 4.1.0" in refused.value.messages[0]
    assert parse_firmware_version(text) is None


def test_blank_means_unknown_and_is_allowed():
    validate_firmware_version("")
    validate_firmware_version("   ")


def test_vendor_builds_compare_by_their_numbers():
    assert parse_firmware_version("4.1.0-build12") == parse_firmware_version("4.1.0")
    assert parse_firmware_version("3.10") > parse_firmware_version("3.9.9")


@pytest.mark.django_db
def test_the_model_field_refuses_a_non_version():
    camera = CameraFactory.build(firmware_version="banana")
    with pytest.raises(ValidationError) as refused:
        camera.full_clean(exclude=[f.name for f in Camera._meta.fields if f.name != "firmware_version"])
    assert "firmware_version" in refused.value.message_dict


def test_the_close_maintenance_form_refuses_a_non_version():
    form = CloseMaintenanceForm({"outcome": "returned_to_service", "firmware_version": "not-a-version"})
    assert not form.is_valid()
    assert "“not-a-version” is not a firmware version" in form.errors["firmware_version"][0]


@pytest.mark.django_db
def test_the_service_refuses_a_non_version_and_leaves_the_camera_alone(system_actor):
    camera = CameraFactory(firmware_version="3.1.7")
    record = open_maintenance(camera=camera, kind=MaintenanceRecord.Kind.FIRMWARE_UPDATE, by=system_actor)
    with pytest.raises(DomainError, match="is not a firmware version"):
        close_maintenance(
            record=record, outcome="returned_to_service", firmware_version="not-a-version", by=system_actor
        )
    camera.refresh_from_db()
    assert camera.firmware_version == "3.1.7" and camera.status == Camera.Status.IN_MAINTENANCE
    assert MaintenanceRecord.objects.get(pk=record.pk).is_open


@pytest.mark.django_db
def test_closing_maintenance_in_the_console_with_a_non_version_is_refused(client, system_actor):
    sign_in(client, roles.QUARTERMASTER)
    qm = client
    camera = CameraFactory(firmware_version="3.1.7")
    record = open_maintenance(camera=camera, kind=MaintenanceRecord.Kind.FIRMWARE_UPDATE, by=system_actor)
    response = qm.post(
        f"/inventory/cameras/{camera.asset_tag}/maintenance-close/",
        {"maintenance-close-outcome": "returned_to_service", "maintenance-close-firmware_version": "not-a-version"},
    )
    assert response.status_code in (400, 422)
    assert "“not-a-version” is not a firmware version" in response.content.decode()
    camera.refresh_from_db()
    assert camera.firmware_version == "3.1.7"
    assert MaintenanceRecord.objects.get(pk=record.pk).is_open
