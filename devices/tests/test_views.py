"""The console's device and vehicle pages: who sees and does what, what each page shows, what a
refusal looks like, and a query count that does not grow with the fleet or the history."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from audit.actions import Action
from audit.actor import Actor
from audit.models import AuditEvent
from devices import services
from devices.models import Device, DeviceFlag, DeviceKind, Pairing, Vehicle
from hartford_bwc.factories import (
    CameraFactory,
    DeviceFactory,
    DeviceModelFactory,
    OfficerFactory,
    PairingFactory,
    UnitFactory,
    VehicleFactory,
)
from hartford_bwc.testing import messages_of, sign_in

pytestmark = pytest.mark.django_db

QM = Actor.system_process("quartermaster")
DEVICES = "/inventory/devices/"
VEHICLES = "/inventory/vehicles/"


@pytest.fixture
def qm(client):
    sign_in(client, roles.QUARTERMASTER)
    return client


@pytest.fixture
def supervisor(client):
    sign_in(client, roles.SUPERVISOR)
    return client


def vehicle_unit(**kwargs) -> Device:
    return DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT), **kwargs)


def text(response) -> str:
    return response.content.decode()


# --- who may see and act ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [DEVICES, VEHICLES, f"{DEVICES}HPD-SIG-0001/", f"{VEHICLES}412/"])
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    DeviceFactory(asset_tag="HPD-SIG-0001")
    VehicleFactory(unit_number="412")
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [roles.QUARTERMASTER, roles.SUPERVISOR, roles.ADMINISTRATOR])
@pytest.mark.parametrize("path", [DEVICES, VEHICLES, f"{DEVICES}HPD-SIG-0001/", f"{VEHICLES}412/"])
def test_every_staff_role_reads_the_pages(client, role, path):
    DeviceFactory(asset_tag="HPD-SIG-0001")
    VehicleFactory(unit_number="412")
    sign_in(client, role)
    assert client.get(path).status_code == 200


def test_a_supervisor_sees_no_action_and_cannot_post_one(supervisor):
    device = DeviceFactory(asset_tag="HPD-SIG-0001")
    officer = OfficerFactory(badge_number="4411")

    page = text(supervisor.get(device.get_absolute_url()))
    assert "Issue to an officer" not in page and 'id="actions-heading"' not in page
    response = supervisor.post(f"{DEVICES}HPD-SIG-0001/issue/", {"issue-officer": "4411"})
    assert response.status_code == 403
    assert Device.objects.get().officer is None and officer.devices.count() == 0
    vehicle_page = text(supervisor.get(VehicleFactory(unit_number="412").get_absolute_url()))
    assert "Take out of service" not in vehicle_page
    assert supervisor.post(f"{VEHICLES}412/out-of-service/", {"out-of-service-reason": "x"}).status_code == 403


def test_unknown_device_or_vehicle_is_a_404(qm):
    assert qm.get(f"{DEVICES}NOPE/").status_code == 404
    assert qm.get(f"{VEHICLES}NOPE/").status_code == 404
    assert qm.post(f"{DEVICES}NOPE/issue/", {}).status_code == 404


# --- the device list --------------------------------------------------------------------------------


def test_the_list_shows_holder_pairing_firmware_and_battery_due(qm):
    officer = OfficerFactory(first_name="Emily", last_name="Murphy", badge_number="4411")
    model = DeviceModelFactory(minimum_firmware="2.0.0")
    sensor = DeviceFactory(
        asset_tag="HPD-SIG-0001", model=model, firmware_version="1.5.0", battery_fitted_on=date(2020, 1, 1)
    )
    services.issue_to_officer(device=sensor, officer=officer, by=QM)
    services.pair_with_camera(device=sensor, camera=CameraFactory(asset_tag="HPD-BWC-0412"), by=QM)

    page = text(qm.get(DEVICES))

    assert "HPD-SIG-0001" in page and "Murphy" in page and "HPD-BWC-0412" in page
    assert "below 2.0.0" in page
    assert '<span class="badge bad">' in page  # the battery replacement date is past


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("HPD-SIG-0001", {"HPD-SIG-0001"}),
        ("SG-SERIAL-2", {"HPD-SIG-0002"}),
        ("Murphy", {"HPD-SIG-0001"}),
        ("#4411", {"HPD-SIG-0001"}),
        ("412", {"HPD-VEH-0003"}),
        ("nothing like it", set()),
    ],
)
def test_search_finds_tag_serial_officer_and_vehicle(qm, query, expected):
    officer = OfficerFactory(last_name="Murphy", badge_number="4411")
    services.issue_to_officer(device=DeviceFactory(asset_tag="HPD-SIG-0001"), officer=officer, by=QM)
    DeviceFactory(asset_tag="HPD-SIG-0002", serial_number="SG-SERIAL-2")
    unit = vehicle_unit(asset_tag="HPD-VEH-0003")
    services.install_in_vehicle(device=unit, vehicle=VehicleFactory(unit_number="412"), by=QM)

    found = {d.asset_tag for d in qm.get(DEVICES, {"q": query}).context["table"].data}

    assert found == expected


def test_filters_by_kind_status_holder_firmware_and_battery_due(qm, settings):
    settings.DEVICE_BATTERY_LIFE_MONTHS = 12
    today = timezone.localdate()
    old = DeviceFactory(
        asset_tag="HPD-SIG-0001", battery_fitted_on=today - timedelta(days=400), firmware_version="1.0.0"
    )
    DeviceFactory(asset_tag="HPD-SIG-0002", battery_fitted_on=today - timedelta(days=30), firmware_version="2.0.0")
    unit = vehicle_unit(asset_tag="HPD-VEH-0003")
    services.install_in_vehicle(device=unit, vehicle=VehicleFactory(), by=QM)
    services.open_maintenance(device=old, problem="Dead", by=QM)

    def tags(**params):
        response = qm.get(DEVICES, params)
        assert response.status_code == 200
        return {d.asset_tag for d in response.context["table"].data}

    assert tags(kind="vehicle_unit") == {"HPD-VEH-0003"}
    assert tags(status="in_maintenance") == {"HPD-SIG-0001"}
    assert tags(holder="vehicle") == {"HPD-VEH-0003"}
    assert tags(holder="nobody") == {"HPD-SIG-0001", "HPD-SIG-0002"}
    assert tags(firmware="2.0.0") == {"HPD-SIG-0002"}
    assert tags(battery_due_by=today.isoformat()) == {"HPD-SIG-0001"}
    assert "HPD-SIG-0002" in tags(battery_due_by=(today + timedelta(days=400)).isoformat())


def test_a_bad_filter_value_is_a_message_not_a_crash(qm):
    DeviceFactory()
    for params in ({"battery_due_by": "soon"}, {"status": "exploded"}, {"per_page": "many"}):
        response = qm.get(DEVICES, params)
        assert response.status_code == 200


def test_the_battery_due_filter_follows_each_models_own_battery_life(qm, settings):
    settings.DEVICE_BATTERY_LIFE_MONTHS = 12
    six_months = DeviceModelFactory(name="Short cell", battery_life_months=6)
    DeviceFactory(asset_tag="HPD-SIG-0001", model=six_months, battery_fitted_on=date(2026, 1, 31))
    DeviceFactory(asset_tag="HPD-SIG-0002", battery_fitted_on=date(2026, 1, 31))

    def due_by(day):
        return {d.asset_tag for d in qm.get(DEVICES, {"battery_due_by": day}).context["table"].data}

    assert due_by("2026-07-30") == set()
    assert due_by("2026-07-31") == {"HPD-SIG-0001"}  # six months on
    assert due_by("2027-01-31") == {"HPD-SIG-0001", "HPD-SIG-0002"}


def test_csv_export_lists_the_filtered_devices_with_their_holder(qm):
    officer = OfficerFactory(first_name="Emily", last_name="Murphy", badge_number="4411")
    services.issue_to_officer(device=DeviceFactory(asset_tag="HPD-SIG-0001"), officer=officer, by=QM)
    DeviceFactory(asset_tag="HPD-SIG-0002")

    response = qm.get(DEVICES, {"holder": "officer", "_export": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert header[:6] == ["Asset tag", "Serial", "Kind", "Model", "Status", "Issued to"]
    assert [row[0] for row in rows] == ["HPD-SIG-0001"]
    assert rows[0][5] == "Ofc. Emily Murphy (badge 4411)"


def test_xlsx_export_of_vehicles(qm):
    VehicleFactory(unit_number="412")
    response = qm.get(VEHICLES, {"_export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="vehicles-')


def _fleet(n: int) -> None:
    officers = OfficerFactory.create_batch(3)
    for i in range(n):
        device = DeviceFactory()
        if i % 3 == 0:
            services.issue_to_officer(device=device, officer=officers[i % 3], by=QM)
        if i % 4 == 0:
            services.pair_with_camera(device=device, camera=CameraFactory(), by=QM)
        if i % 5 == 0:
            DeviceFlag.objects.create(device=device, kind=DeviceFlag.Kind.BATTERY_DUE)
    for _ in range(n // 4):
        vehicle = VehicleFactory()
        services.install_in_vehicle(device=vehicle_unit(), vehicle=vehicle, by=QM)


@pytest.mark.parametrize("fleet", [8, 60])
def test_device_list_query_count_does_not_grow_with_the_fleet(qm, django_assert_num_queries, fleet):
    _fleet(fleet)
    qm.get(DEVICES)  # the session's refresh after sign-in is not the page's cost
    # session, user, roles; the model and firmware choices; count; rows (with model, officer,
    # vehicle); their open pairings; their open flags.
    with django_assert_num_queries(9):
        response = qm.get(DEVICES, {"per_page": 100, "sort": "-holder"})
    assert response.status_code == 200


@pytest.mark.parametrize("fleet", [8, 60])
def test_device_search_and_csv_export_query_counts_do_not_grow_with_the_fleet(qm, django_assert_num_queries, fleet):
    _fleet(fleet)
    qm.get(DEVICES)
    # As the list: session, user, roles; the choices; count; rows; their pairings; their flags.
    with django_assert_num_queries(9):
        response = qm.get(DEVICES, {"q": "HPD"})
    assert response.status_code == 200
    # The export: session, user, roles; the firmware choices; the device models; the pairings; the flags;
    # every row (one values_list query, streamed; no count).
    with django_assert_num_queries(8):
        response = qm.get(DEVICES, {"_export": "csv"})
        rows = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert rows.decode("utf-8-sig").count("\n") >= fleet + 1


@pytest.mark.parametrize("fleet", [8, 60])
def test_vehicle_list_query_count_does_not_grow_with_the_fleet(qm, django_assert_num_queries, fleet):
    _fleet(fleet)
    qm.get(VEHICLES)
    # session, user, roles; the unit choices; count; rows (with their unit); their installed devices;
    # which of them have a working signal unit.
    with django_assert_num_queries(8):
        response = qm.get(VEHICLES, {"per_page": 100})
    assert response.status_code == 200


def test_a_vehicle_list_page_asks_whether_a_signal_unit_works_for_its_own_vehicles_only(qm):
    """PostgreSQL works an annotation on the page's query out for every vehicle (one hashed pass over
    every issued signal unit), so the page's rows are read without it and asked for by their ids."""
    for number in ("401", "402"):
        services.install_in_vehicle(device=vehicle_unit(), vehicle=VehicleFactory(unit_number=number), by=QM)
    with CaptureQueriesContext(connection) as queries:
        qm.get(VEHICLES, {"per_page": 25})
    (rows,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT "devices_vehicle"."id"')]
    assert "devices_device" not in rows
    # Sorted or filtered by it, the list still has it for every vehicle.
    assert qm.get(VEHICLES, {"sort": "-working"}).status_code == 200
    assert {v.unit_number for v in qm.get(VEHICLES, {"working": "true"}).context["table"].data} == {"401", "402"}


# --- the device page --------------------------------------------------------------------------------


def test_the_page_shows_holder_pairing_battery_firmware_flags_and_history(qm):
    officer = OfficerFactory(first_name="Emily", last_name="Murphy", badge_number="4411")
    model = DeviceModelFactory(minimum_firmware="2.0.0", needs_pairing=True)
    device = DeviceFactory(
        asset_tag="HPD-SIG-0001", model=model, firmware_version="1.0.0", battery_fitted_on=date(2026, 1, 31)
    )
    services.issue_to_officer(device=device, officer=officer, reason="New hire", by=QM)
    services.pair_with_camera(device=device, camera=CameraFactory(asset_tag="HPD-BWC-0412"), by=QM)
    DeviceFlag.objects.create(device=device, kind=DeviceFlag.Kind.FIRMWARE_BELOW_MINIMUM)

    page = text(qm.get(device.get_absolute_url()))

    assert "Ofc. Emily Murphy" in page and "badge 4411" in page
    assert "HPD-BWC-0412" in page
    assert "replace by Jan 31, 2027" in page
    assert "(minimum 2.0.0)" in page and "below minimum" in page
    assert "Device firmware below minimum" in page
    assert "Device issued to an officer" in page and "New hire" in page
    assert "Device paired with a camera" in page


def test_the_actions_shown_follow_the_lifecycle_and_the_kind(qm):
    sensor = DeviceFactory(asset_tag="HPD-SIG-0001")
    unit = vehicle_unit(asset_tag="HPD-VEH-0002")

    sensor_page = text(qm.get(sensor.get_absolute_url()))
    unit_page = text(qm.get(unit.get_absolute_url()))

    assert "Issue to an officer" in sensor_page and "Install in a vehicle" not in sensor_page
    assert "Install in a vehicle" in unit_page and "Issue to an officer" not in unit_page
    assert "Return to stock" not in sensor_page  # in stock: nothing to return
    assert "Report found" not in sensor_page


def test_issuing_from_the_page_issues_and_redirects(qm):
    device = DeviceFactory(asset_tag="HPD-SIG-0001")
    officer = OfficerFactory(badge_number="4411")

    response = qm.post(f"{DEVICES}HPD-SIG-0001/issue/", {"issue-officer": "4411", "issue-reason": ""}, follow=True)

    assert response.redirect_chain[-1][0] == device.get_absolute_url()
    assert any("issued to" in m for m in messages_of(response))
    assert Device.objects.get().officer == officer


def test_a_refused_action_re_renders_the_page_with_the_message_and_the_form_as_typed(qm):
    device = DeviceFactory(asset_tag="HPD-SIG-0001")
    OfficerFactory(badge_number="4411", is_active=False)

    response = qm.post(f"{DEVICES}HPD-SIG-0001/issue/", {"issue-officer": "4411", "issue-reason": "Spare"})

    assert response.status_code == 409
    assert any("is inactive" in m for m in messages_of(response))
    assert 'value="Spare"' in text(response)
    assert Device.objects.get(pk=device.pk).status == Device.Status.IN_STOCK


def test_an_invalid_form_is_a_422_with_the_field_error(qm):
    DeviceFactory(asset_tag="HPD-SIG-0001")
    response = qm.post(f"{DEVICES}HPD-SIG-0001/issue/", {"issue-officer": "9999"})
    assert response.status_code == 422
    assert "No officer has badge number 9999." in text(response)
    response = qm.post(f"{DEVICES}HPD-SIG-0001/battery/", {"battery-fitted_on": "2999-01-01"})
    assert response.status_code == 422 and "is in the future" in text(response)


@pytest.mark.parametrize(
    ("slug", "data", "check"),
    [
        (
            "pair",
            {"pair-camera": "hpd-bwc-0412"},
            lambda d: Pairing.objects.open().get().camera.asset_tag == "HPD-BWC-0412",
        ),
        ("firmware", {"firmware-firmware_version": "3.1.0"}, lambda d: d.firmware_version == "3.1.0"),
        ("battery", {"battery-fitted_on": "2026-01-05"}, lambda d: d.battery_fitted_on == date(2026, 1, 5)),
        ("maintenance-open", {"maintenance-open-problem": "Clip"}, lambda d: d.status == "in_maintenance"),
        ("report-lost", {"report-lost-incident_number": "I-1"}, lambda d: d.status == "lost"),
        ("retire", {"retire-reason": "Old"}, lambda d: d.status == "retired"),
    ],
)
def test_each_action_calls_its_service(qm, slug, data, check):
    CameraFactory(asset_tag="HPD-BWC-0412")
    device = DeviceFactory(asset_tag="HPD-SIG-0001", purchased_on=date(2025, 1, 1))

    response = qm.post(f"{DEVICES}HPD-SIG-0001/{slug}/", data)

    assert response.status_code == 302, messages_of(response)
    device.refresh_from_db()
    assert check(device)


def test_pairing_a_broadcasting_device_says_the_pairing_is_optional(qm):
    CameraFactory(asset_tag="HPD-BWC-0412")
    DeviceFactory(asset_tag="HPD-SIG-0001")
    response = qm.post(f"{DEVICES}HPD-SIG-0001/pair/", {"pair-camera": "HPD-BWC-0412"}, follow=True)
    assert any("pairing is optional" in m for m in messages_of(response))


@pytest.mark.parametrize("events", [2, 40])
def test_device_page_query_count_does_not_grow_with_its_history(qm, django_assert_num_queries, events):
    device = DeviceFactory(asset_tag="HPD-SIG-0001")
    officer = OfficerFactory()
    services.pair_with_camera(device=device, camera=CameraFactory(), by=QM)
    for _ in range(events // 2):
        services.issue_to_officer(device=device, officer=officer, by=QM)
        services.return_to_stock(device=device, by=QM)
    qm.get(device.get_absolute_url())
    # session, user, roles; the device (model, officer, unit, vehicle); its pairing, open flags and
    # one page of history (with officers and cameras).
    with django_assert_num_queries(7):
        response = qm.get(device.get_absolute_url())
    assert response.status_code == 200


# --- vehicles -----------------------------------------------------------------------------------------


def test_the_vehicle_list_says_whether_a_signal_unit_works(qm):
    working, flagged, empty = (
        VehicleFactory(unit_number="401"),
        VehicleFactory(unit_number="402"),
        VehicleFactory(unit_number="403"),
    )
    services.install_in_vehicle(device=vehicle_unit(asset_tag="HPD-VEH-0001"), vehicle=working, by=QM)
    bad = services.install_in_vehicle(device=vehicle_unit(asset_tag="HPD-VEH-0002"), vehicle=flagged, by=QM)
    DeviceFlag.objects.create(device=bad, kind=DeviceFlag.Kind.BATTERY_DUE)

    table = qm.get(VEHICLES).context["table"]
    rows = {row.record.unit_number: row.get_cell_value("working") for row in table.paginated_rows}
    assert rows == {"401": "Yes", "402": "No", "403": "No"}
    by_working = qm.get(VEHICLES, {"sort": "-working"}).context["table"]
    assert [row.record.unit_number for row in by_working.paginated_rows][0] == "401"
    not_working = qm.get(VEHICLES, {"working": "false"}).context["table"].data
    assert {v.unit_number for v in not_working} == {"402", "403"}
    assert "HPD-VEH-0001" in text(qm.get(VEHICLES, {"q": "HPD-VEH-0001"}))
    assert {v.unit_number for v in qm.get(VEHICLES, {"q": "HPD-VEH-0001"}).context["table"].data} == {"401"}
    assert empty.pk


def test_installing_and_taking_out_a_unit_from_the_vehicle_page(qm):
    vehicle = VehicleFactory(unit_number="412", assigned_unit=UnitFactory())
    unit = vehicle_unit(asset_tag="HPD-VEH-0001")

    page = text(qm.get(vehicle.get_absolute_url()))
    assert "No working signal unit" in page and "HPD-VEH-0001" in page  # offered from stock
    response = qm.post(f"{VEHICLES}412/install/", {"install-device": unit.pk}, follow=True)
    assert any("installed in Vehicle 412" in m for m in messages_of(response))
    assert Device.objects.get(pk=unit.pk).vehicle == vehicle
    assert "Signal works" in text(response)

    response = qm.post(f"{VEHICLES}412/remove/", {"remove-device": "HPD-VEH-0001"}, follow=True)
    assert any("taken out of Vehicle 412" in m for m in messages_of(response))
    unit.refresh_from_db()
    assert unit.vehicle is None and unit.status == Device.Status.IN_STOCK
    history = text(response)
    assert "Device installed in a vehicle" in history and "Device returned to stock" in history


def test_a_unit_not_in_this_vehicle_cannot_be_taken_out_of_it(qm):
    VehicleFactory(unit_number="412")
    unit = services.install_in_vehicle(device=vehicle_unit(asset_tag="HPD-VEH-0001"), vehicle=VehicleFactory(), by=QM)
    response = qm.post(f"{VEHICLES}412/remove/", {"remove-device": "HPD-VEH-0001"})
    assert response.status_code == 409
    assert any("is not installed in Vehicle 412" in m for m in messages_of(response))
    assert Device.objects.get(pk=unit.pk).vehicle is not None


def test_out_of_service_and_back_from_the_vehicle_page(qm):
    VehicleFactory(unit_number="412")
    response = qm.post(f"{VEHICLES}412/out-of-service/", {"out-of-service-reason": ""})
    assert response.status_code == 422
    qm.post(f"{VEHICLES}412/out-of-service/", {"out-of-service-reason": "Transmission"})
    assert not Vehicle.objects.get().in_service
    assert AuditEvent.objects.filter(action=Action.VEHICLE_OUT_OF_SERVICE, reason="Transmission").exists()
    response = qm.post(f"{VEHICLES}412/in-service/", {"in-service-notes": ""}, follow=True)
    assert Vehicle.objects.get().in_service
    assert "Vehicle taken out of service" in text(response)


@pytest.mark.parametrize("events", [2, 40])
def test_vehicle_page_query_count_does_not_grow_with_its_history(qm, django_assert_num_queries, events):
    vehicle = VehicleFactory(unit_number="412")
    unit = vehicle_unit()
    for _ in range(events // 2):
        services.install_in_vehicle(device=unit, vehicle=vehicle, by=QM)
        services.return_to_stock(device=unit, by=QM)
    services.install_in_vehicle(device=unit, vehicle=vehicle, by=QM)
    vehicle_unit()  # one in stock, offered by the install form
    qm.get(vehicle.get_absolute_url())
    # session, user, roles; the vehicle (unit, working) and its installed units; open flags; the
    # units in stock for the install list; one page of history; the install form's choices.
    with django_assert_num_queries(9):
        response = qm.get(vehicle.get_absolute_url())
    assert response.status_code == 200


# --- the camera page's signal devices ------------------------------------------------------------------


def test_the_camera_page_lists_its_paired_devices_and_pairs_and_unpairs(qm):
    camera = CameraFactory(asset_tag="HPD-BWC-0412")
    PairingFactory(camera=camera, device=DeviceFactory(asset_tag="HPD-SIG-0001"))
    DeviceFactory(asset_tag="HPD-SIG-0002")

    page = text(qm.get(camera.get_absolute_url()))
    assert "HPD-SIG-0001" in page and "Unpair HPD-SIG-0001" in page

    response = qm.post(
        "/inventory/cameras/HPD-BWC-0412/pair-device/", {"pair-device-device": "HPD-SIG-0002"}, follow=True
    )
    assert any("HPD-SIG-0002 paired with HPD-BWC-0412" in m for m in messages_of(response))
    assert set(Pairing.objects.open().values_list("device__asset_tag", flat=True)) == {"HPD-SIG-0001", "HPD-SIG-0002"}

    response = qm.post("/inventory/cameras/HPD-BWC-0412/unpair-device/", {"device": "HPD-SIG-0001"}, follow=True)
    assert any("HPD-SIG-0001 unpaired from HPD-BWC-0412" in m for m in messages_of(response))
    assert list(Pairing.objects.open().values_list("device__asset_tag", flat=True)) == ["HPD-SIG-0002"]


def test_the_camera_page_refuses_a_bad_pairing_with_a_message(qm):
    CameraFactory(asset_tag="HPD-BWC-0412")
    PairingFactory(device=DeviceFactory(asset_tag="HPD-SIG-0001"), camera=CameraFactory(asset_tag="HPD-BWC-0001"))

    response = qm.post(
        "/inventory/cameras/HPD-BWC-0412/pair-device/", {"pair-device-device": "HPD-SIG-0001"}, follow=True
    )
    assert any("paired with HPD-BWC-0001; unpair it first" in m for m in messages_of(response))
    response = qm.post("/inventory/cameras/HPD-BWC-0412/pair-device/", {"pair-device-device": "NOPE"}, follow=True)
    assert any("No device has asset tag NOPE." in m for m in messages_of(response))
    response = qm.post("/inventory/cameras/HPD-BWC-0412/unpair-device/", {"device": "HPD-SIG-0001"}, follow=True)
    assert any("is not paired with HPD-BWC-0412" in m for m in messages_of(response))
    assert Pairing.objects.open().get().camera.asset_tag == "HPD-BWC-0001"


def test_a_supervisor_sees_the_pairings_but_no_pair_form(supervisor):
    camera = CameraFactory(asset_tag="HPD-BWC-0412")
    PairingFactory(camera=camera, device=DeviceFactory(asset_tag="HPD-SIG-0001"))
    page = text(supervisor.get(camera.get_absolute_url()))
    assert "HPD-SIG-0001" in page and "Unpair" not in page and "Device asset tag" not in page
    response = supervisor.post("/inventory/cameras/HPD-BWC-0412/unpair-device/", {"device": "HPD-SIG-0001"})
    assert response.status_code == 403


def test_the_officer_page_lists_the_devices_issued_to_the_officer(qm):
    officer = OfficerFactory(badge_number="4411")
    device = services.issue_to_officer(device=DeviceFactory(asset_tag="HPD-SIG-0001"), officer=officer, by=QM)
    services.pair_with_camera(device=device, camera=CameraFactory(asset_tag="HPD-BWC-0412"), by=QM)
    page = text(qm.get(officer.get_absolute_url()))
    assert "Signal devices" in page and "HPD-SIG-0001" in page and "paired with" in page and "HPD-BWC-0412" in page


def _table_csv(query: dict) -> bytes:
    """The device export as django-tables2 wrote it before the export read values (every cell through
    DeviceTable's value_* methods)."""
    from django.test import RequestFactory
    from django_tables2 import RequestConfig

    from devices import selectors
    from devices.filters import DeviceFilter
    from devices.tables import DeviceTable
    from hartford_bwc import spreadsheet

    table = DeviceTable(DeviceFilter(query, queryset=selectors.device_list()).qs)
    RequestConfig(RequestFactory().get(DEVICES, query), paginate=False).configure(table)
    headers, *rows = table.as_values()
    return spreadsheet.csv_bytes(headers, rows)


@pytest.mark.parametrize("query", [{}, {"sort": "-holder"}, {"holder": "officer"}])
def test_the_device_csv_is_streamed_and_is_the_file_the_table_wrote_cell_for_cell(qm, query):
    _fleet(12)
    DeviceFactory(serial_number="=cmd|' /C calc'!A0", firmware_version="", battery_fitted_on=date(2026, 1, 31))

    response = qm.get(DEVICES, {**query, "_export": "csv"})

    assert response.streaming, "the CSV is streamed as it is read, so memory stays flat at any fleet size"
    body = response.getvalue()
    assert body == _table_csv(query)
    assert (b"'=cmd" in body) == ("holder" not in query), "a serial that reads as a formula is written as text"
