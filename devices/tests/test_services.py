"""Every change of a signal device's life goes through devices.services: each one written, audited,
and refused with a message a person can act on when it does not fit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from audit.actions import Action
from audit.actor import Actor
from audit.models import AuditEvent
from devices import services
from devices.models import Device, DeviceKind, Pairing, Vehicle
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.factories import (
    CameraFactory,
    DeviceFactory,
    DeviceModelFactory,
    OfficerFactory,
    PairingFactory,
    VehicleFactory,
)

pytestmark = pytest.mark.django_db

QM = Actor.system_process("quartermaster")


def events(device: Device | Vehicle, action: Action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=device._meta.label, object_id=str(device.pk), action=action))


def sensor(**kwargs) -> Device:
    return DeviceFactory(asset_tag=kwargs.pop("asset_tag", "HPD-SIG-0001"), **kwargs)


def vehicle_unit(**kwargs) -> Device:
    return DeviceFactory(
        asset_tag=kwargs.pop("asset_tag", "HPD-VEH-0001"),
        model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT),
        **kwargs,
    )


def issued(device: Device, officer=None) -> Device:
    return services.issue_to_officer(device=device, officer=officer or OfficerFactory(), by=QM)


# --- issue to an officer ---------------------------------------------------------------------------


def test_issuing_a_holster_sensor_gives_it_to_the_officer_and_audits_it():
    officer = OfficerFactory(badge_number="4411", last_name="Murphy")
    device = services.issue_to_officer(device=sensor(), officer=officer, by=QM)

    device.refresh_from_db()
    assert (device.status, device.officer, device.vehicle) == (Device.Status.ISSUED, officer, None)
    assert device.issued_at is not None
    [event] = events(device, Action.DEVICE_ISSUE)
    assert event.officer == officer
    assert event.before["status"] == "in_stock" and event.after == {
        "status": "issued",
        "officer": "4411",
        "vehicle": None,
    }


def test_a_device_issued_to_one_officer_cannot_be_issued_to_another():
    first = OfficerFactory(first_name="Emily", last_name="Murphy", badge_number="1001")
    device = issued(sensor(), first)

    with pytest.raises(DomainError, match=r"HPD-SIG-0001 is issued to .*Murphy \(badge 1001\); return it to stock"):
        services.issue_to_officer(device=device, officer=OfficerFactory(), by=QM)
    assert Device.objects.get(pk=device.pk).officer == first


def test_an_inactive_officer_is_not_issued_a_device():
    officer = OfficerFactory(is_active=False, badge_number="2002")

    with pytest.raises(DomainError, match=r"badge 2002\) is inactive"):
        services.issue_to_officer(device=sensor(), officer=officer, by=QM)
    assert Device.objects.get().status == Device.Status.IN_STOCK
    assert not AuditEvent.objects.filter(action=Action.DEVICE_ISSUE).exists()


def test_a_vehicle_unit_is_not_issued_to_an_officer():
    with pytest.raises(InvalidInput, match="installed in a vehicle, not issued to an officer"):
        services.issue_to_officer(device=vehicle_unit(), officer=OfficerFactory(), by=QM)


@pytest.mark.parametrize("status", [Device.Status.IN_MAINTENANCE, Device.Status.RETIRED])
def test_a_device_out_of_stock_is_not_issued(status):
    device = sensor(status=status)
    with pytest.raises(DomainError, match=f"is {Device.Status(status).label.lower()} and cannot be issued"):
        services.issue_to_officer(device=device, officer=OfficerFactory(), by=QM)


def test_a_kiosk_cannot_issue_a_device(db):
    from hartford_bwc.factories import KioskFactory

    kiosk_actor = Actor.at_kiosk(KioskFactory(), OfficerFactory())
    with pytest.raises(DomainError, match="cannot do this"):
        services.issue_to_officer(device=sensor(), officer=OfficerFactory(), by=kiosk_actor)


# --- install in a vehicle --------------------------------------------------------------------------


def test_installing_a_vehicle_unit_puts_it_in_the_vehicle():
    vehicle = VehicleFactory(unit_number="412")
    device = services.install_in_vehicle(device=vehicle_unit(), vehicle=vehicle, by=QM)

    device.refresh_from_db()
    assert (device.status, device.vehicle, device.officer) == (Device.Status.ISSUED, vehicle, None)
    [event] = events(device, Action.DEVICE_INSTALL)
    assert event.after["vehicle"] == "412"


def test_a_holster_sensor_is_not_installed_in_a_vehicle():
    with pytest.raises(InvalidInput, match="only a vehicle signal unit is installed in a vehicle"):
        services.install_in_vehicle(device=sensor(), vehicle=VehicleFactory(), by=QM)


def test_a_unit_in_one_vehicle_is_not_installed_in_another():
    device = services.install_in_vehicle(device=vehicle_unit(), vehicle=VehicleFactory(unit_number="412"), by=QM)
    with pytest.raises(DomainError, match="issued to vehicle 412; return it to stock first"):
        services.install_in_vehicle(device=device, vehicle=VehicleFactory(), by=QM)


# --- return to stock -------------------------------------------------------------------------------


def test_returning_a_device_clears_its_holder_and_keeps_its_pairing():
    officer = OfficerFactory()
    device = issued(sensor(), officer)
    pairing = services.pair_with_camera(device=device, camera=CameraFactory(), by=QM)

    device = services.return_to_stock(device=device, by=QM, reason="Transferred")

    device.refresh_from_db()
    assert (device.status, device.officer, device.issued_at) == (Device.Status.IN_STOCK, None, None)
    [event] = events(device, Action.DEVICE_RETURN)
    assert event.officer == officer and event.reason == "Transferred"
    assert Pairing.objects.open().get() == pairing


def test_a_device_in_stock_cannot_be_returned():
    with pytest.raises(DomainError, match="is in stock, not issued; there is nothing to return"):
        services.return_to_stock(device=sensor(), by=QM)


# --- maintenance -----------------------------------------------------------------------------------


def test_maintenance_takes_an_issued_device_from_its_holder_and_closing_it_returns_it_to_stock():
    device = issued(sensor())
    device = services.open_maintenance(device=device, problem="Clip cracked", by=QM)
    device.refresh_from_db()
    assert (device.status, device.officer) == (Device.Status.IN_MAINTENANCE, None)
    assert events(device, Action.DEVICE_MAINTENANCE_OPEN)[0].reason == "Clip cracked"

    services.close_maintenance(device=device, notes="New clip", by=QM)
    device.refresh_from_db()
    assert device.status == Device.Status.IN_STOCK
    assert events(device, Action.DEVICE_MAINTENANCE_CLOSE)[0].reason == "New clip"


def test_maintenance_needs_the_problem():
    with pytest.raises(InvalidInput, match="Say what is wrong"):
        services.open_maintenance(device=sensor(), problem="  ", by=QM)


def test_a_device_already_in_maintenance_is_not_sent_again():
    device = services.open_maintenance(device=sensor(), problem="Dead", by=QM)
    with pytest.raises(DomainError, match="already in maintenance"):
        services.open_maintenance(device=device, problem="Dead", by=QM)


def test_closing_maintenance_of_a_device_not_in_it_is_refused():
    with pytest.raises(DomainError, match="HPD-SIG-0001 is not in maintenance"):
        services.close_maintenance(device=sensor(), by=QM)


# --- loss and retirement ---------------------------------------------------------------------------


def test_a_lost_device_leaves_its_officer_and_its_camera():
    officer = OfficerFactory()
    device = issued(sensor(), officer)
    camera = CameraFactory(asset_tag="HPD-BWC-0412")
    services.pair_with_camera(device=device, camera=camera, by=QM)

    services.report_lost(device=device, incident_number="HPD-24-1187", by=QM)

    device.refresh_from_db()
    assert (device.status, device.officer, device.lost_incident_number) == (Device.Status.LOST, None, "HPD-24-1187")
    assert not Pairing.objects.open().exists()
    assert events(device, Action.DEVICE_REPORT_LOST)[0].officer == officer
    [unpaired] = events(device, Action.DEVICE_UNPAIR)
    assert unpaired.camera == camera and "HPD-24-1187" in unpaired.reason


def test_a_loss_needs_its_incident_number():
    with pytest.raises(InvalidInput, match="incident report number"):
        services.report_lost(device=sensor(), incident_number=" ", by=QM)


def test_a_lost_device_is_not_lost_again_and_a_found_one_goes_to_maintenance():
    device = services.report_lost(device=sensor(), incident_number="I-1", by=QM)
    with pytest.raises(DomainError, match="is already lost"):
        services.report_lost(device=device, incident_number="I-2", by=QM)

    services.report_found(device=device, notes="Handed in at the front desk", by=QM)
    device.refresh_from_db()
    assert device.status == Device.Status.IN_MAINTENANCE
    assert events(device, Action.DEVICE_REPORT_FOUND)[0].after["incident_number"] == "I-1"


def test_a_device_not_lost_cannot_be_found():
    with pytest.raises(DomainError, match="is not reported lost"):
        services.report_found(device=sensor(), by=QM)


def test_retiring_a_device_ends_its_pairing_and_keeps_its_history():
    device = sensor()
    services.pair_with_camera(device=device, camera=CameraFactory(), by=QM)

    services.retire(device=device, reason="Cracked housing", by=QM)

    device.refresh_from_db()
    assert device.status == Device.Status.RETIRED
    assert not Pairing.objects.open().exists() and Pairing.objects.count() == 1
    assert events(device, Action.DEVICE_RETIRE)[0].reason == "Cracked housing"
    assert events(device, Action.DEVICE_UNPAIR)


def test_an_issued_device_is_returned_before_it_is_retired():
    device = issued(sensor(), OfficerFactory(badge_number="3003"))
    with pytest.raises(DomainError, match=r"badge 3003\); return it to stock first"):
        services.retire(device=device, reason="Old", by=QM)


def test_retiring_needs_a_reason_and_happens_once():
    device = sensor()
    with pytest.raises(InvalidInput, match="Give a reason"):
        services.retire(device=device, reason="", by=QM)
    services.retire(device=device, reason="Old", by=QM)
    with pytest.raises(DomainError, match="already retired"):
        services.retire(device=device, reason="Old", by=QM)


# --- battery and firmware ---------------------------------------------------------------------------


def test_a_new_battery_sets_the_fitting_date_and_moves_the_replacement_date():
    device = sensor(battery_fitted_on=date(2025, 1, 10), purchased_on=date(2024, 6, 1))
    today = timezone.localdate()

    device = services.replace_battery(device=device, fitted_on=today, by=QM)

    device.refresh_from_db()
    assert device.battery_fitted_on == today
    [event] = events(device, Action.DEVICE_BATTERY_REPLACE)
    assert event.before == {"battery_fitted_on": "2025-01-10"}
    assert event.after["replace_by"] == device.battery_replace_by.isoformat()


def test_a_battery_fitted_in_the_future_or_before_purchase_is_refused():
    device = sensor(purchased_on=date(2024, 6, 1))
    with pytest.raises(InvalidInput, match="in the future"):
        services.replace_battery(device=device, fitted_on=timezone.localdate() + timedelta(days=1), by=QM)
    with pytest.raises(InvalidInput, match="was bought on 2024-06-01"):
        services.replace_battery(device=device, fitted_on=date(2024, 5, 1), by=QM)


def test_a_device_without_a_battery_has_none_to_replace():
    device = DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.MOUNT, battery="none"))
    with pytest.raises(InvalidInput, match="has no battery to replace"):
        services.replace_battery(device=device, fitted_on=timezone.localdate(), by=QM)


def test_a_retired_device_gets_no_battery_or_firmware():
    device = services.retire(device=sensor(), reason="Old", by=QM)
    with pytest.raises(DomainError, match="its battery cannot be recorded now"):
        services.replace_battery(device=device, fitted_on=timezone.localdate(), by=QM)
    with pytest.raises(DomainError, match="its firmware cannot be recorded now"):
        services.update_firmware(device=device, firmware_version="2.0.0", by=QM)


def test_firmware_is_recorded_and_compared_with_the_model_minimum():
    device = sensor(model=DeviceModelFactory(minimum_firmware="2.0.0"), firmware_version="1.9.0")
    assert device.firmware_below_minimum

    device = services.update_firmware(device=device, firmware_version=" 2.1.0 ", by=QM)

    device.refresh_from_db()
    assert device.firmware_version == "2.1.0" and not device.firmware_below_minimum
    [event] = events(device, Action.DEVICE_FIRMWARE)
    assert event.before == {"firmware_version": "1.9.0"} and event.after["below_minimum"] is False


@pytest.mark.parametrize(
    ("version", "message"),
    [("", "Enter the firmware version"), ("latest", "is not a firmware version"), ("1.2.0", "already runs")],
)
def test_bad_firmware_is_refused(version, message):
    with pytest.raises(InvalidInput, match=message):
        services.update_firmware(device=sensor(firmware_version="1.2.0"), firmware_version=version, by=QM)


# --- pairing -----------------------------------------------------------------------------------------


def test_pairing_links_the_device_to_the_camera_audited_on_both():
    camera = CameraFactory(asset_tag="HPD-BWC-0412")
    device = sensor(model=DeviceModelFactory(needs_pairing=True))

    pairing = services.pair_with_camera(device=device, camera=camera, by=QM)

    assert (pairing.device, pairing.camera, pairing.unpaired_at) == (device, camera, None)
    [event] = events(device, Action.DEVICE_PAIR)
    assert event.camera == camera and event.after == {"camera": "HPD-BWC-0412", "needs_pairing": True}


def test_a_device_that_broadcasts_may_still_be_paired():
    pairing = services.pair_with_camera(device=sensor(), camera=CameraFactory(), by=QM)
    assert pairing.pk is not None
    assert events(pairing.device, Action.DEVICE_PAIR)[0].after["needs_pairing"] is False


def test_a_paired_device_is_unpaired_before_it_pairs_with_another_camera():
    device = sensor()
    services.pair_with_camera(device=device, camera=CameraFactory(asset_tag="HPD-BWC-0001"), by=QM)

    with pytest.raises(DomainError, match="already paired with HPD-BWC-0001"):
        services.pair_with_camera(device=device, camera=Pairing.objects.get().camera, by=QM)
    with pytest.raises(DomainError, match="paired with HPD-BWC-0001; unpair it first, then pair it with HPD-BWC-0002"):
        services.pair_with_camera(device=device, camera=CameraFactory(asset_tag="HPD-BWC-0002"), by=QM)
    assert Pairing.objects.count() == 1


def test_an_accessory_is_not_paired():
    mount = DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.MOUNT, battery="none"))
    with pytest.raises(InvalidInput, match="does not trigger a camera"):
        services.pair_with_camera(device=mount, camera=CameraFactory(), by=QM)


def test_a_retired_camera_or_a_device_in_maintenance_is_not_paired():
    with pytest.raises(DomainError, match="HPD-BWC-0009 is retired; pair"):
        services.pair_with_camera(
            device=sensor(), camera=CameraFactory(asset_tag="HPD-BWC-0009", status="retired"), by=QM
        )
    device = services.open_maintenance(device=sensor(asset_tag="HPD-SIG-0002"), problem="Dead", by=QM)
    with pytest.raises(DomainError, match="is in maintenance and cannot be paired"):
        services.pair_with_camera(device=device, camera=CameraFactory(), by=QM)


def test_unpairing_ends_the_pairing_and_an_unpaired_device_cannot_be_unpaired():
    pairing = PairingFactory(device=sensor())

    services.unpair(device=pairing.device, reason="Camera replaced", by=QM)

    pairing.refresh_from_db()
    assert pairing.unpaired_at is not None
    [event] = events(pairing.device, Action.DEVICE_UNPAIR)
    assert event.camera == pairing.camera and event.reason == "Camera replaced"
    with pytest.raises(DomainError, match="is not paired with a camera"):
        services.unpair(device=pairing.device, by=QM)


# --- vehicles ----------------------------------------------------------------------------------------


def test_a_vehicle_goes_out_of_service_and_back_audited():
    vehicle = VehicleFactory(unit_number="412")

    services.take_out_of_service(vehicle=vehicle, reason="Transmission", by=QM)
    vehicle.refresh_from_db()
    assert not vehicle.in_service
    assert events(vehicle, Action.VEHICLE_OUT_OF_SERVICE)[0].reason == "Transmission"

    services.return_to_service(vehicle=vehicle, by=QM)
    vehicle.refresh_from_db()
    assert vehicle.in_service
    assert events(vehicle, Action.VEHICLE_IN_SERVICE)


def test_a_vehicle_out_of_service_needs_a_reason_and_each_move_happens_once():
    vehicle = VehicleFactory(unit_number="412")
    with pytest.raises(InvalidInput, match="Say why"):
        services.take_out_of_service(vehicle=vehicle, reason="", by=QM)
    with pytest.raises(DomainError, match="Vehicle 412 is already in service"):
        services.return_to_service(vehicle=vehicle, by=QM)
    services.take_out_of_service(vehicle=vehicle, reason="Crash", by=QM)
    with pytest.raises(DomainError, match="already out of service"):
        services.take_out_of_service(vehicle=vehicle, reason="Crash", by=QM)


# --- the battery's replacement date --------------------------------------------------------------------


def test_the_battery_replacement_date_follows_the_model_or_the_department_default(settings):
    settings.DEVICE_BATTERY_LIFE_MONTHS = 12
    assert sensor(battery_fitted_on=date(2025, 1, 31)).battery_replace_by == date(2026, 1, 31)
    short = DeviceModelFactory(name="Short life", battery_life_months=1)
    assert DeviceFactory(model=short, battery_fitted_on=date(2025, 1, 31)).battery_replace_by == date(2025, 2, 28)
    mount = DeviceModelFactory(kind=DeviceKind.MOUNT, battery="none")
    assert DeviceFactory(model=mount, battery_fitted_on=date(2025, 1, 31)).battery_replace_by is None


def test_a_unit_is_taken_out_only_of_the_vehicle_it_is_in():
    elsewhere = VehicleFactory(unit_number="401")
    device = services.install_in_vehicle(device=vehicle_unit(), vehicle=VehicleFactory(unit_number="412"), by=QM)
    with pytest.raises(DomainError, match="HPD-VEH-0001 is not installed in Vehicle 401"):
        services.return_to_stock(device=device, from_vehicle=elsewhere, by=QM)
    assert Device.objects.get(pk=device.pk).vehicle.unit_number == "412"


def test_a_device_is_unpaired_only_from_the_camera_it_is_paired_with():
    pairing = PairingFactory(device=sensor(), camera=CameraFactory(asset_tag="HPD-BWC-0001"))
    with pytest.raises(DomainError, match="HPD-SIG-0001 is not paired with HPD-BWC-0002"):
        services.unpair(device=pairing.device, from_camera=CameraFactory(asset_tag="HPD-BWC-0002"), by=QM)
    assert Pairing.objects.open().get() == pairing


def test_the_kiosk_lists_the_triggers_out_with_someone_paired_with_the_camera_or_the_officers_own():
    from devices.selectors import signal_links

    officer, camera = OfficerFactory(), CameraFactory()
    paired_sensor = issued(sensor(asset_tag="HPD-SIG-0001"), officer)
    services.pair_with_camera(device=paired_sensor, camera=camera, by=QM)
    broadcaster = issued(sensor(asset_tag="HPD-SIG-0002"), officer)
    weapon = issued(
        DeviceFactory(
            asset_tag="HPD-CEW-0003", model=DeviceModelFactory(kind=DeviceKind.SIGNAL_WEAPON, needs_pairing=True)
        ),
        officer,
    )
    shelf = sensor(asset_tag="HPD-SIG-0004")
    services.pair_with_camera(device=shelf, camera=camera, by=QM)  # in stock: on no one
    mount = DeviceFactory(asset_tag="HPD-MNT-0005", model=DeviceModelFactory(kind=DeviceKind.MOUNT, battery="none"))
    issued(mount, officer)  # an accessory starts nothing
    issued(sensor(asset_tag="HPD-SIG-0006"))  # someone else's

    links = signal_links(camera=camera, officer=officer)

    assert [d.asset_tag for d in links.paired] == ["HPD-SIG-0001"]
    assert [d.asset_tag for d in links.own_any_camera] == [broadcaster.asset_tag]
    assert [d.asset_tag for d in links.own_not_paired] == [weapon.asset_tag]
