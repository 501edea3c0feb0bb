"""The database keeps a device's record consistent whatever writes it: these writes go past the
services on purpose, as a bug, the admin or raw SQL would."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from devices.models import Device, DeviceFlag, Pairing
from hartford_bwc.factories import CameraFactory, DeviceFactory, OfficerFactory, PairingFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_an_issued_device_has_exactly_one_holder_and_a_stock_device_none():
    officer, vehicle = OfficerFactory(), VehicleFactory()
    now = timezone.now()
    assert not refused(lambda: DeviceFactory(status=Device.Status.ISSUED, officer=officer, issued_at=now))
    assert not refused(lambda: DeviceFactory(status=Device.Status.ISSUED, vehicle=vehicle, issued_at=now))
    assert refused(lambda: DeviceFactory(status=Device.Status.ISSUED, officer=officer, vehicle=vehicle, issued_at=now))
    assert refused(lambda: DeviceFactory(status=Device.Status.ISSUED, issued_at=now))
    assert refused(lambda: DeviceFactory(status=Device.Status.ISSUED, officer=officer))
    assert refused(lambda: DeviceFactory(status=Device.Status.IN_STOCK, officer=officer))
    assert refused(lambda: DeviceFactory(status=Device.Status.RETIRED, vehicle=vehicle))


def test_a_lost_device_names_its_incident_and_a_status_is_one_of_the_lifecycle():
    assert refused(lambda: DeviceFactory(status=Device.Status.LOST))
    assert not refused(lambda: DeviceFactory(status=Device.Status.LOST, lost_incident_number="26-001234"))
    assert refused(lambda: DeviceFactory(status="borrowed"))


def test_a_device_is_paired_with_one_camera_at_a_time():
    pairing = PairingFactory()
    assert refused(lambda: PairingFactory(device=pairing.device, camera=CameraFactory()))
    Pairing.objects.filter(pk=pairing.pk).update(unpaired_at=timezone.now())
    assert not refused(lambda: PairingFactory(device=pairing.device, camera=CameraFactory()))


def test_a_pairing_cannot_end_before_it_starts():
    now = timezone.now()
    assert refused(lambda: PairingFactory(paired_at=now, unpaired_at=now - timezone.timedelta(minutes=1)))


def test_a_device_flag_is_never_duplicated_while_open_and_names_the_right_subject():
    device, vehicle = DeviceFactory(), VehicleFactory()
    DeviceFlag.objects.create(device=device, kind=DeviceFlag.Kind.BATTERY_DUE)
    assert refused(lambda: DeviceFlag.objects.create(device=device, kind=DeviceFlag.Kind.BATTERY_DUE))
    assert refused(lambda: DeviceFlag.objects.create(device=device, kind=DeviceFlag.Kind.VEHICLE_WITHOUT_SIGNAL))
    assert refused(lambda: DeviceFlag.objects.create(vehicle=vehicle, kind=DeviceFlag.Kind.BATTERY_DUE))
    assert refused(lambda: DeviceFlag.objects.create(device=device, vehicle=vehicle, kind=DeviceFlag.Kind.BATTERY_DUE))
    assert not refused(lambda: DeviceFlag.objects.create(vehicle=vehicle, kind=DeviceFlag.Kind.VEHICLE_WITHOUT_SIGNAL))
    DeviceFlag.objects.filter(device=device).update(resolved_at=timezone.now())
    assert not refused(lambda: DeviceFlag.objects.create(device=device, kind=DeviceFlag.Kind.BATTERY_DUE))
