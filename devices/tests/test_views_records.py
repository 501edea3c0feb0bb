"""The "Add device", "Add vehicle" and "Edit" pages, and the device labels: who may use them, what they
write, what they cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from audit.models import AuditEvent
from devices.models import Device, DeviceKind, Vehicle
from hartford_bwc.factories import DeviceFactory, DeviceModelFactory, OfficerFactory, VehicleFactory
from hartford_bwc.testing import messages_of, sign_in

pytestmark = pytest.mark.django_db
TAG, UNIT = "HPD-SIG-0412", "412"
ANON, QM, SUP, ADMIN = None, roles.QUARTERMASTER, roles.SUPERVISOR, roles.ADMINISTRATOR
AUDIT_LOCK = 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def device(db):
    return DeviceFactory(
        asset_tag=TAG,
        serial_number="AXS-0000-0000-0412-LONG-SERIAL",
        model=DeviceModelFactory(kind=DeviceKind.HOLSTER_SENSOR, maker="Axon", name="Signal Sidearm"),
    )


@pytest.fixture
def vehicle(db):
    return VehicleFactory(unit_number=UNIT)


def _device_data(device_model, **overrides) -> dict:
    data = {
        "asset_tag": "hpd-sig-0900",
        "serial_number": "SS0000900",
        "model": str(device_model.pk),
        "firmware_version": "1.4.2",
        "purchased_on": "2026-01-05",
        "notes": "Spare for Traffic.",
    }
    return {**data, **overrides}


PAGES = [
    reverse("devices:device_create"),
    reverse("devices:device_edit", args=[TAG]),
    reverse("devices:vehicle_create"),
    reverse("devices:vehicle_edit", args=[UNIT]),
]


@pytest.mark.parametrize("role", [ANON, QM, SUP, ADMIN])
@pytest.mark.parametrize("url", PAGES)
def test_only_a_quartermaster_or_administrator_may_open_or_post_the_forms(client, device, vehicle, role, url):
    if role:
        sign_in(client, role)
    shown, posted = client.get(url), client.post(url, {})
    expected = {ANON: 302, SUP: 403}.get(role)
    assert shown.status_code == (expected or 200)
    assert posted.status_code == (expected or 422)
    assert (Device.objects.count(), Vehicle.objects.count()) == (1, 1)
    assert not AuditEvent.objects.filter(action__regex=r"^(device|vehicle)\.").exists()


def test_adding_a_device_writes_it_in_stock_with_its_audit_event(client, device):
    sign_in(client, QM)
    response = client.post(reverse("devices:device_create"), _device_data(device.model))
    added = Device.objects.get(asset_tag="HPD-SIG-0900")
    assert response.status_code == 302 and response["Location"] == added.get_absolute_url()
    assert added.status == Device.Status.IN_STOCK
    assert AuditEvent.objects.get(action="device.create").object_id == str(added.pk)


def test_adding_a_device_issued_to_an_officer_says_so(client, device):
    officer = OfficerFactory(badge_number="1001", first_name="Emily", last_name="Murphy")
    sign_in(client, QM)
    response = client.post(reverse("devices:device_create"), _device_data(device.model, issued_to_badge="1001"))
    assert response.status_code == 302
    added = Device.objects.get(asset_tag="HPD-SIG-0900")
    assert (added.status, added.officer) == (Device.Status.ISSUED, officer)
    assert "issued to" in " ".join(messages_of(client.get(reverse("devices:device_create"))))


def test_a_bad_form_is_shown_again_with_what_was_typed_and_nothing_is_written(client, device):
    sign_in(client, QM)
    response = client.post(reverse("devices:device_create"), _device_data(device.model, asset_tag=TAG.lower()))
    assert response.status_code == 422
    assert "Asset tag HPD-SIG-0412 already belongs to the device with serial number" in response.content.decode()
    assert Device.objects.count() == 1


def test_editing_a_device_saves_what_changed(client, device):
    sign_in(client, ADMIN)
    data = {**_device_data(device.model), "asset_tag": TAG, "serial_number": device.serial_number, "supplier": "Axon"}
    response = client.post(reverse("devices:device_edit", args=[TAG]), data)
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.supplier == "Axon" and device.notes == "Spare for Traffic."
    assert AuditEvent.objects.get(action="device.edit").after["supplier"] == "Axon"


def test_an_unknown_device_or_vehicle_is_a_404(client):
    sign_in(client, QM)
    assert client.get(reverse("devices:device_edit", args=["NOPE"])).status_code == 404
    assert client.get(reverse("devices:vehicle_edit", args=["NOPE"])).status_code == 404


def test_adding_and_editing_a_vehicle(client, vehicle):
    sign_in(client, QM)
    response = client.post(reverse("devices:vehicle_create"), {"unit_number": "413", "plate": "hpd413"})
    assert response.status_code == 302
    added = Vehicle.objects.get(unit_number="413")
    # An unticked box: added out of service (in the garage).
    assert added.plate == "HPD413" and not added.in_service
    response = client.post(reverse("devices:vehicle_edit", args=[UNIT]), {"unit_number": UNIT, "fleet_number": "F-9"})
    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.fleet_number == "F-9" and vehicle.in_service
    assert AuditEvent.objects.filter(action__in=["vehicle.create", "vehicle.edit"]).count() == 2


def _fleet(size: int, device_model) -> None:
    Device.objects.bulk_create(
        [Device(asset_tag=f"HPD-SIG-F{i:05d}", serial_number=f"FLEET{i:07d}", model=device_model) for i in range(size)]
    )
    Vehicle.objects.bulk_create([Vehicle(unit_number=f"F{i}") for i in range(size // 10)])


@pytest.mark.parametrize("size", [10, 2000])
def test_the_pages_run_a_fixed_number_of_queries(client, device, vehicle, size, django_assert_num_queries):
    _fleet(size, device.model)
    sign_in(client, QM)
    client.get(reverse("devices:device_create"))  # the session's first read and the roles are the same everywhere
    # session, user, roles; the device models for the select
    with django_assert_num_queries(4):
        client.get(reverse("devices:device_create"))
    # session, user, roles; the device with its model, officer, vehicle; the device models
    with django_assert_num_queries(5):
        client.get(reverse("devices:device_edit", args=[TAG]))
    # session, user, roles; the units for the select
    with django_assert_num_queries(4):
        client.get(reverse("devices:vehicle_create"))
    # session, user, roles; the vehicle; the units
    with django_assert_num_queries(5):
        client.get(reverse("devices:vehicle_edit", args=[UNIT]))
    # session, user, roles; the form: the tag and the serial on file, the device models;
    # register_devices: savepoint, tags taken, serials taken, savepoint, INSERT, release, audit ([PG lock],
    # last hash, INSERT), release
    with django_assert_num_queries(15 + AUDIT_LOCK):
        response = client.post(reverse("devices:device_create"), _device_data(device.model))
    assert response.status_code == 302
    # session, user, roles; the device; the form: the tag and the serial on file, the device models;
    # update_devices: savepoint, tags taken, serials taken, the device locked, savepoint, UPDATE, release,
    # audit ([PG lock], last hash, INSERT), release
    data = {**_device_data(device.model), "asset_tag": TAG, "serial_number": device.serial_number}
    with django_assert_num_queries(17 + AUDIT_LOCK):
        response = client.post(reverse("devices:device_edit", args=[TAG]), data)
    assert response.status_code == 302


# --- labels ----------------------------------------------------------------------------------------


def test_device_labels_print_the_whole_tag_and_serial_as_codes(client, device):
    sign_in(client, SUP)
    for size in ("avery-5160", "roll-2x1"):
        response = client.get(reverse("devices:device_labels"), {"device": TAG.lower(), "size": size})
        page = response.content.decode()
        assert response.status_code == 200
        assert "SN AXS-0000-0000-0412-LONG-SERIAL" in page  # whole, never cut
        assert f"Code 128 barcode: {TAG}" in page and f"QR code: {TAG}" in page
        assert "Hartford PD · Axon Signal Sidearm" in page


def test_device_labels_from_the_list_selection_drop_the_form_s_extras(client, device):
    sign_in(client, QM)
    url = reverse("devices:device_labels")
    response = client.get(url, {"device": TAG, "csrfmiddlewaretoken": "x", "next": reverse("devices:device_list")})
    assert response.status_code == 302 and response["Location"] == f"{url}?device={TAG}"
    nothing = client.get(url, {"next": reverse("devices:device_list") + "?q=x"})
    assert nothing["Location"] == reverse("devices:device_list") + "?q=x"
    elsewhere = client.get(url, {"next": "https://evil.example/"})
    assert elsewhere["Location"] == reverse("devices:device_list")


def test_an_unknown_tag_gets_no_label_and_a_warning(client, device):
    sign_in(client, QM)
    response = client.get(reverse("devices:device_labels"), {"device": f"{TAG} HPD-SIG-NOPE"}, follow=True)
    assert "No device has the asset tag HPD-SIG-NOPE; no label for it." in messages_of(response)
    assert response.content.decode().count('class="label asset-label"') == 1


@pytest.mark.parametrize("size", [10, 2000])
def test_the_label_sheet_runs_a_fixed_number_of_queries(client, device, size, django_assert_num_queries):
    _fleet(size, device.model)
    tags = [f"HPD-SIG-F{i:05d}" for i in range(10)]
    sign_in(client, QM)
    client.get(reverse("devices:device_labels"))
    # session, user, roles; the devices with their models
    with django_assert_num_queries(4):
        response = client.get(reverse("devices:device_labels"), {"device": tags})
    assert response.content.decode().count('class="label asset-label"') == 10


def test_an_issued_device_edit_keeps_its_holder(client, device):
    device.status, device.officer, device.issued_at = Device.Status.ISSUED, OfficerFactory(), timezone.now()
    device.save()
    sign_in(client, QM)
    page = client.get(reverse("devices:device_edit", args=[TAG])).content.decode()
    assert "issued_to_badge" not in page
