"""A device's and a vehicle's record: adding them and editing what describes them (devices.records and
devices.forms). The forms are the ones the console's pages and every row of an import use; the services
write in batches, in one transaction, with one append to the audit trail. State is never set here.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from devices import records
from devices.forms import DeviceForm, VehicleForm
from devices.models import Device, DeviceKind, Vehicle
from hartford_bwc import records as bulk
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.factories import DeviceFactory, DeviceModelFactory, OfficerFactory, UnitFactory, VehicleFactory

pytestmark = pytest.mark.django_db
AUDIT_LOCK = 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def sidearm():
    return DeviceModelFactory(kind=DeviceKind.HOLSTER_SENSOR, maker="Axon", name="Signal Sidearm")


@pytest.fixture
def light_bar():
    return DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT, maker="Axon", name="Signal Vehicle")


def _data(device_model, **overrides) -> dict:
    data = {
        "asset_tag": "HPD-SIG-0900",
        "serial_number": "SS0000900",
        "model": str(device_model.pk),
        "firmware_version": "1.4.2",
        "battery_fitted_on": "2026-01-05",
        "purchased_on": "2026-01-05",
        "notes": "",
    }
    return {**data, **overrides}


def _errors(form) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


# --- the services ----------------------------------------------------------------------------------


def test_a_registered_device_is_in_stock_and_audited(sidearm, staff_actor):
    device = records.register_device(
        by=staff_actor, asset_tag="HPD-SIG-0900", serial_number="SS0000900", model=sidearm, firmware_version="1.4.2"
    )
    device.refresh_from_db()
    assert (device.status, device.officer_id, device.vehicle_id) == (Device.Status.IN_STOCK, None, None)
    event = AuditEvent.objects.get(action="device.create")
    assert event.actor_user == staff_actor.user and event.object_id == str(device.pk)
    assert event.after == {
        "asset_tag": "HPD-SIG-0900",
        "serial_number": "SS0000900",
        "model": "Axon Signal Sidearm",
        "firmware_version": "1.4.2",
        "status": "In stock",
    }


def test_a_device_registered_with_its_holder_starts_issued_to_it(sidearm, light_bar, staff_actor):
    officer, vehicle = OfficerFactory(badge_number="1001"), VehicleFactory(unit_number="412")
    worn = records.register_device(
        by=staff_actor, asset_tag="HPD-SIG-1", serial_number="S1", model=sidearm, officer=officer
    )
    fitted = records.register_device(
        by=staff_actor, asset_tag="HPD-SIG-2", serial_number="S2", model=light_bar, vehicle=vehicle
    )
    worn.refresh_from_db(), fitted.refresh_from_db()
    assert (worn.status, worn.officer, worn.issued_at is not None) == (Device.Status.ISSUED, officer, True)
    assert (fitted.status, fitted.vehicle) == (Device.Status.ISSUED, vehicle)
    event = AuditEvent.objects.get(action="device.create", object_id=str(worn.pk))
    assert event.officer == officer and event.after["status"] == "Issued"


def test_a_holder_that_does_not_fit_the_kind_is_refused_by_the_service_too(sidearm, light_bar, staff_actor):
    with pytest.raises(InvalidInput, match="goes into a vehicle"):
        records.register_device(
            by=staff_actor, asset_tag="HPD-SIG-1", serial_number="S1", model=light_bar, officer=OfficerFactory()
        )
    with pytest.raises(InvalidInput, match="only a vehicle signal unit"):
        records.register_device(
            by=staff_actor, asset_tag="HPD-SIG-1", serial_number="S1", model=sidearm, vehicle=VehicleFactory()
        )
    assert not Device.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("status", "retired"), ("lost_incident_number", "26-1"), ("issued_at", None)]
)
def test_registering_refuses_a_device_state(sidearm, staff_actor, field, value):
    with pytest.raises(InvalidInput, match="only through its actions"):
        records.register_device(by=staff_actor, asset_tag="HPD-1", serial_number="S-1", model=sidearm, **{field: value})
    assert not Device.objects.exists() and not AuditEvent.objects.filter(action="device.create").exists()


@pytest.mark.parametrize("field", ["status", "officer", "vehicle"])
def test_editing_refuses_a_device_state_and_its_holder(staff_actor, field):
    device = DeviceFactory()
    with pytest.raises(InvalidInput, match="only through its actions"):
        records.update_devices(changes=[(device, {field: None})], by=staff_actor)


@pytest.mark.parametrize(
    ("tag", "serial", "message"),
    [
        ("hpd-sig-0001", "NEW-1", "Asset tag HPD-SIG-0001 already belongs to the device with serial number SN-1."),
        ("HPD-SIG-0999", "sn-1", "Serial number SN-1 is already on file: HPD-SIG-0001."),
    ],
)
def test_a_tag_or_serial_on_file_in_any_case_is_refused_whole(sidearm, staff_actor, tag, serial, message):
    DeviceFactory(asset_tag="HPD-SIG-0001", serial_number="SN-1", model=sidearm)
    rows = [
        {"asset_tag": "HPD-SIG-0500", "serial_number": "SN-500", "model": sidearm},
        {"asset_tag": tag, "serial_number": serial, "model": sidearm},
    ]
    with pytest.raises(InvalidInput) as refusal:
        records.register_devices(devices=rows, by=staff_actor)
    assert refusal.value.message == message
    assert Device.objects.count() == 1 and not AuditEvent.objects.filter(action="device.create").exists()


def test_the_same_tag_twice_in_one_batch_is_refused(sidearm, staff_actor):
    rows = [
        {"asset_tag": "HPD-SIG-1", "serial_number": "S1", "model": sidearm},
        {"asset_tag": "hpd-sig-1", "serial_number": "S2", "model": sidearm},
    ]
    with pytest.raises(InvalidInput, match="given twice"):
        records.register_devices(devices=rows, by=staff_actor)
    assert not Device.objects.exists()


def test_an_edit_writes_only_what_changed_and_an_edit_of_nothing_writes_nothing(staff_actor):
    device = DeviceFactory(asset_tag="HPD-SIG-0001", firmware_version="1.2.0", supplier="")
    [edit] = records.update_devices(changes=[(device, {"firmware_version": "1.4.0", "supplier": ""})], by=staff_actor)
    assert (edit.before, edit.after) == ({"firmware_version": "1.2.0"}, {"firmware_version": "1.4.0"})
    event = AuditEvent.objects.get(action="device.edit")
    assert event.before == {"firmware_version": "1.2.0"} and event.after == {"firmware_version": "1.4.0"}
    assert records.update_devices(changes=[(device, {"firmware_version": "1.4.0"})], by=staff_actor) == []
    assert AuditEvent.objects.filter(action="device.edit").count() == 1


def test_many_devices_are_registered_in_batches_with_one_append_to_the_audit_trail(
    sidearm, staff_actor, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 20)
    rows = [{"asset_tag": f"HPD-SIG-{i:04d}", "serial_number": f"SN-{i}", "model": sidearm} for i in range(50)]
    fields = [f for f in Device._meta.concrete_fields if not f.primary_key]
    inserts = sum(math.ceil(n / connection.ops.bulk_batch_size(fields, rows[:n])) for n in (20, 20, 10))
    # savepoint; tags taken (3 batches of 20), serials taken (3); savepoint, INSERTs, release;
    # audit: [PG lock], last hash, INSERT; release.
    with django_assert_num_queries(1 + 3 + 3 + 2 + inserts + 2 + 1 + AUDIT_LOCK):
        devices = records.register_devices(devices=rows, by=staff_actor)
    assert len(devices) == 50 and Device.objects.count() == 50
    assert AuditEvent.objects.filter(action="device.create").count() == 50


def test_a_conflict_in_a_later_batch_leaves_nothing_written(sidearm, staff_actor, monkeypatch):
    """A tag inserted by another transaction after the check: the unique index refuses the whole lot."""
    monkeypatch.setattr(bulk, "BATCH_SIZE", 10)
    rows = [{"asset_tag": f"HPD-SIG-{i:04d}", "serial_number": f"SN-{i}", "model": sidearm} for i in range(30)]
    monkeypatch.setattr(records, "_refuse_taken_device_keys", lambda changes: None)  # the race: checked, then taken
    DeviceFactory(asset_tag="HPD-SIG-0025", serial_number="OTHER", model=sidearm)
    with pytest.raises(DomainError, match="added a moment ago; nothing was added"):
        records.register_devices(devices=rows, by=staff_actor)
    assert Device.objects.count() == 1 and not AuditEvent.objects.filter(action="device.create").exists()


def test_vehicles_are_registered_and_edited_with_their_audit_events(staff_actor):
    patrol = UnitFactory(name="Patrol North")
    [car, spare] = records.register_vehicles(
        vehicles=[
            {"unit_number": "412", "assigned_unit": patrol, "plate": "HPD412"},
            {"unit_number": "413", "in_service": False},
        ],
        by=staff_actor,
    )
    assert (car.in_service, spare.in_service) == (True, False)
    assert AuditEvent.objects.filter(action="vehicle.create").count() == 2
    [edit] = records.update_vehicles(changes=[(car, {"plate": "HPD999", "unit_number": "412"})], by=staff_actor)
    assert edit.after == {"plate": "HPD999"}
    with pytest.raises(InvalidInput, match="only through its actions"):
        records.update_vehicles(changes=[(car, {"in_service": False})], by=staff_actor)
    with pytest.raises(InvalidInput, match="Unit number 412 is already on file"):
        records.register_vehicles(vehicles=[{"unit_number": "412"}], by=staff_actor)


# --- the device form: what a person types, and what an import row holds ----------------------------


def test_a_valid_device_is_cleaned_to_what_the_service_takes(sidearm):
    form = DeviceForm(_data(sidearm, asset_tag=" hpd-sig-0900 ", purchased_on="01/05/2026"))
    assert form.is_valid(), form.errors
    values = form.values()
    assert values["asset_tag"] == "HPD-SIG-0900" and values["model"] == sidearm
    assert values["officer"] is None and values["vehicle"] is None


def test_the_model_is_chosen_by_maker_and_name_whatever_its_case(sidearm):
    form = DeviceForm(_data(sidearm, model="axon signal SIDEARM"))
    assert form.is_valid(), form.errors
    assert _errors(DeviceForm(_data(sidearm, model="Axon Holster 9")))["model"] == [
        "Unknown device model 'Axon Holster 9'. Known models: Axon Signal Sidearm (add one in the admin)."
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"firmware_version": "four"}, "firmware_version", "is not a firmware version"),
        ({"asset_tag": "=HYPERLINK(1)"}, "asset_tag", "is not one"),
        ({"asset_tag": "X" * 31}, "asset_tag", "Too long: 31 characters, at most 30."),
        ({"serial_number": "S" * 61}, "serial_number", "Too long: 61 characters, at most 60."),
        ({"serial_number": "SN\x07"}, "serial_number", "control character"),
        ({"serial_number": "SN\x00"}, "serial_number", "Null characters are not allowed."),
        ({"serial_number": ""}, "serial_number", "Missing serial number."),
        ({"purchase_price": "-5"}, "purchase_price", "is not an amount"),
    ],
)
def test_bad_values_are_refused_under_their_field(sidearm, overrides, field, message):
    assert message in " ".join(_errors(DeviceForm(_data(sidearm, **overrides)))[field])


def test_a_future_battery_date_and_a_battery_on_a_device_without_one_are_refused(sidearm):
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert "in the future" in _errors(DeviceForm(_data(sidearm, battery_fitted_on=future)))["battery_fitted_on"][0]
    mount = DeviceModelFactory(kind=DeviceKind.MOUNT, battery="none")
    assert _errors(DeviceForm(_data(mount)))["battery_fitted_on"] == [
        "A Axon RapidLock mount has no battery; leave the battery date blank."
    ]


def test_a_tag_or_serial_on_file_is_refused_whatever_its_case(sidearm):
    DeviceFactory(asset_tag="HPD-SIG-0001", serial_number="SN-AAA", model=sidearm)
    errors = _errors(DeviceForm(_data(sidearm, asset_tag="hpd-sig-0001", serial_number="sn-aaa")))
    assert errors["asset_tag"] == ["Asset tag HPD-SIG-0001 already belongs to the device with serial number SN-AAA."]
    assert errors["serial_number"] == [
        "Serial number sn-aaa is on file as SN-AAA (HPD-SIG-0001); write it as it is on file."
    ]


def test_a_new_device_s_holder_must_fit_its_kind(sidearm, light_bar):
    OfficerFactory(badge_number="1001"), VehicleFactory(unit_number="412")
    assert DeviceForm(_data(sidearm, issued_to_badge="1001")).is_valid()
    assert DeviceForm(_data(light_bar, battery_fitted_on="", vehicle="412")).is_valid()
    assert _errors(DeviceForm(_data(light_bar, battery_fitted_on="", issued_to_badge="1001")))["issued_to_badge"] == [
        "A vehicle signal unit is installed in a vehicle, not issued to an officer."
    ]
    assert _errors(DeviceForm(_data(sidearm, vehicle="412")))["vehicle"] == [
        "A holster sensor is issued to an officer, not installed in a vehicle."
    ]
    assert _errors(DeviceForm(_data(sidearm, issued_to_badge="9999")))["issued_to_badge"] == [
        "No officer has badge number 9999."
    ]
    assert "add the vehicle first" in _errors(DeviceForm(_data(light_bar, vehicle="999")))["vehicle"][0]
    OfficerFactory(badge_number="2002", is_active=False)
    assert "inactive" in _errors(DeviceForm(_data(sidearm, issued_to_badge="2002")))["issued_to_badge"][0]


def test_an_installed_unit_cannot_be_edited_into_a_kind_worn_by_an_officer(sidearm, light_bar):
    device = DeviceFactory(
        model=light_bar, status=Device.Status.ISSUED, vehicle=VehicleFactory(), issued_at=timezone.now()
    )
    form = DeviceForm({**DeviceForm.data_of(device), "model": str(sidearm.pk)}, instance=device)
    assert _errors(form)["model"] == ["A holster sensor is issued to an officer, not installed in a vehicle."]
    assert "issued_to_badge" not in form.fields and "vehicle" not in form.fields


# --- the vehicle form --------------------------------------------------------------------------------


def test_a_vehicle_is_cleaned_with_its_unit_by_name():
    UnitFactory(name="Patrol North")
    form = VehicleForm({"unit_number": " 412 ", "assigned_unit": "patrol north", "plate": "hpd412", "in_service": "on"})
    assert form.is_valid(), form.errors
    assert form.values()["unit_number"] == "412" and form.values()["plate"] == "HPD412"
    assert form.values()["assigned_unit"].name == "Patrol North" and form.values()["in_service"] is True


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"unit_number": "new"}, "unit_number", "cannot be a unit number"),
        ({"unit_number": "4 12"}, "unit_number", "is not one"),
        ({"unit_number": "412", "assigned_unit": "Nowhere"}, "assigned_unit", "Unknown unit 'Nowhere'"),
        ({"unit_number": "412", "plate": "P" * 13}, "plate", "Too long"),
        ({"unit_number": "x412"}, "unit_number", "Unit number X412 is already on file: Vehicle X412."),
    ],
)
def test_bad_vehicle_values_are_refused_under_their_field(data, field, message):
    VehicleFactory(unit_number="X412")
    assert message in " ".join(_errors(VehicleForm(data))[field])


def test_an_edit_of_a_vehicle_keeps_its_service_to_its_own_action():
    vehicle = VehicleFactory(unit_number="412")
    form = VehicleForm(VehicleForm.data_of(vehicle), instance=vehicle)
    assert form.is_valid(), form.errors
    assert "in_service" not in form.values()
    assert Vehicle.objects.get().in_service
