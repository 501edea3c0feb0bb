"""Signal devices are counted too: a scanned device tag or serial is recognised and marked seen; the
spare shelf (the quartermaster's stock) expects the devices in stock, the maintenance shelf those in
maintenance, a vehicle its installed units; a device recorded elsewhere says where. A device's line
has its one-click fixes through devices.services (test_device_fixes.py)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from devices.models import Device, DeviceKind, Vehicle
from hartford_bwc.factories import CameraFactory, DeviceFactory, DeviceModelFactory, OfficerFactory, VehicleFactory
from hartford_bwc.testing import messages_of, sign_in

from .. import services
from ..models import Stocktake, StocktakeLine
from .count import quartermaster

pytestmark = pytest.mark.django_db
Outcome = StocktakeLine.Outcome
LIST = reverse("stocktake:list")


@pytest.fixture
def by():
    return quartermaster()


def _issued(**kwargs) -> Device:
    return DeviceFactory(status=Device.Status.ISSUED, issued_at=timezone.now(), **kwargs)


def test_scanning_a_device_tag_or_serial_counts_it_once_and_marks_it_seen(by):
    device = DeviceFactory(asset_tag="HPD-SIG-0001", serial_number="SS-0001")
    stocktake = services.start(place=Stocktake.Place.SPARE_SHELF, by=by)
    first = services.scan(stocktake=stocktake, code="hpd-sig-0001", by=by)
    again = services.scan(stocktake=stocktake, code="ss-0001", by=by)
    assert first.line.device == device and first.line.camera is None and again.repeated
    assert first.message == "HPD-SIG-0001 (Axon Signal Sidearm, recorded as in stock): counted."
    assert again.message == "HPD-SIG-0001 (Axon Signal Sidearm, recorded as in stock): already counted."
    device.refresh_from_db()
    assert device.last_seen_at is not None
    event = AuditEvent.objects.get(action="stocktake.scan")
    assert event.after == {"stocktake": stocktake.pk, "code": "HPD-SIG-0001", "known": True, "device": "HPD-SIG-0001"}


def test_a_stock_count_expects_the_devices_in_stock_and_says_where_others_are_recorded(by):
    here = DeviceFactory(asset_tag="HPD-SIG-0001")
    missing = DeviceFactory(asset_tag="HPD-SIG-0002")
    officer = OfficerFactory(badge_number="1001", first_name="Emily", last_name="Murphy")
    worn = _issued(asset_tag="HPD-SIG-0003", officer=officer)
    _issued(asset_tag="HPD-SIG-0004", officer=OfficerFactory())  # with its officer: not expected on the shelf
    CameraFactory(asset_tag="HPD-BWC-0001")  # an available camera: expected too, not scanned
    stocktake = services.start(place=Stocktake.Place.SPARE_SHELF, by=by)
    for tag in ("HPD-SIG-0001", "HPD-SIG-0003"):
        services.scan(stocktake=stocktake, code=tag, by=by)
    services.finish(stocktake=stocktake, by=by)
    lines = {line.code: line for line in StocktakeLine.objects.filter(stocktake=stocktake)}
    assert set(lines) == {"HPD-SIG-0001", "HPD-SIG-0002", "HPD-SIG-0003", "HPD-BWC-0001"}
    assert (lines["HPD-SIG-0001"].device, lines["HPD-SIG-0001"].outcome) == (here, Outcome.SEEN_EXPECTED)
    not_seen = lines["HPD-SIG-0002"]
    assert (not_seen.device, not_seen.outcome, not_seen.recorded_status) == (missing, Outcome.NOT_SEEN, "in_stock")
    elsewhere = lines["HPD-SIG-0003"]
    assert (elsewhere.device, elsewhere.outcome) == (worn, Outcome.SEEN_ELSEWHERE)
    assert elsewhere.recorded_label == "issued to Ofc. Emily Murphy (badge 1001)"
    assert lines["HPD-BWC-0001"].outcome == Outcome.NOT_SEEN
    # Its fixes are the device services': report the missing one lost, take the worn one back into stock.
    assert services.fixes_for(elsewhere) == ["return-to-stock"] and services.fixes_for(not_seen) == ["report-lost"]


def test_a_maintenance_shelf_expects_devices_in_maintenance(by):
    DeviceFactory(asset_tag="HPD-SIG-0001", status=Device.Status.IN_MAINTENANCE)
    DeviceFactory(asset_tag="HPD-SIG-0002")
    stocktake = services.finish(stocktake=services.start(place=Stocktake.Place.MAINTENANCE_SHELF, by=by), by=by)
    assert list(StocktakeLine.objects.filter(stocktake=stocktake).values_list("code", "outcome")) == [
        ("HPD-SIG-0001", Outcome.NOT_SEEN)
    ]


def test_a_vehicle_count_expects_its_installed_units_and_no_camera(by):
    unit_model = DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT)
    car, other = VehicleFactory(unit_number="412"), VehicleFactory(unit_number="413")
    installed = _issued(asset_tag="HPD-SIG-0001", model=unit_model, vehicle=car)
    missing = _issued(asset_tag="HPD-SIG-0002", model=unit_model, vehicle=car)
    strayed = _issued(asset_tag="HPD-SIG-0003", model=unit_model, vehicle=other)
    CameraFactory()
    stocktake = services.start(place=Stocktake.Place.VEHICLE, vehicle=car, by=by)
    assert stocktake.place_label == "Vehicle 412"
    for device in (installed, strayed):
        services.scan(stocktake=stocktake, code=device.asset_tag, by=by)
    services.finish(stocktake=stocktake, by=by)
    outcomes = dict(StocktakeLine.objects.filter(stocktake=stocktake).values_list("device", "outcome"))
    assert outcomes == {
        installed.pk: Outcome.SEEN_EXPECTED,
        missing.pk: Outcome.NOT_SEEN,
        strayed.pk: Outcome.SEEN_ELSEWHERE,
    }
    assert StocktakeLine.objects.get(device=strayed).recorded_label == "issued to Vehicle 413"


def test_a_line_names_a_camera_or_a_device_never_both(by):
    stocktake = services.start(place=Stocktake.Place.SPARE_SHELF, by=by)
    with pytest.raises(IntegrityError), transaction.atomic():
        StocktakeLine.objects.create(
            stocktake=stocktake, code="X", camera=CameraFactory(), device=DeviceFactory(), scanned_at=timezone.now()
        )


def test_a_vehicle_count_is_started_by_unit_number_on_the_console(client):
    VehicleFactory(unit_number="412")
    sign_in(client)
    refused = client.post(LIST, {"place": Stocktake.Place.VEHICLE, "vehicle": "999"})
    assert refused.status_code == 422 and "No vehicle has unit number 999." in refused.content.decode()
    missing = client.post(LIST, {"place": Stocktake.Place.VEHICLE})
    assert "Enter the unit number of the vehicle to count." in missing.content.decode()
    response = client.post(LIST, {"place": Stocktake.Place.VEHICLE, "vehicle": "412"})
    stocktake = Stocktake.objects.get()
    assert response.status_code == 302 and stocktake.vehicle == Vehicle.objects.get()


def test_the_scan_screen_says_where_a_scanned_device_is_recorded(client, by):
    _issued(
        asset_tag="HPD-SIG-0001",
        vehicle=VehicleFactory(unit_number="412"),
        model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT),
    )
    stocktake = services.start(place=Stocktake.Place.SPARE_SHELF, by=by)
    sign_in(client)
    response = client.post(reverse("stocktake:scan", args=[stocktake.pk]), {"code": "HPD-SIG-0001"}, follow=True)
    assert messages_of(response) == ["HPD-SIG-0001 (Axon Signal Vehicle, recorded as Vehicle 412): counted."]
    assert "recorded as Vehicle 412" in response.content.decode()


def _device_count(size: int, by) -> Stocktake:
    """A finished stock count: `size` devices in stock, half scanned, and as many issued, a few scanned."""
    model, officer = DeviceModelFactory(), OfficerFactory()
    Device.objects.bulk_create(
        [Device(asset_tag=f"HPD-SIG-Q{i:05d}", serial_number=f"Q{i:07d}", model=model) for i in range(size)]
        + [
            Device(
                asset_tag=f"HPD-SIG-I{i:05d}",
                serial_number=f"I{i:07d}",
                model=model,
                status=Device.Status.ISSUED,
                officer=officer,
                issued_at=timezone.now(),
            )
            for i in range(size)
        ]
    )
    stocktake = services.start(place=Stocktake.Place.SPARE_SHELF, by=by)
    for i in range(0, size, 2):
        services.scan(stocktake=stocktake, code=f"HPD-SIG-Q{i:05d}", by=by)
    for i in range(3):
        services.scan(stocktake=stocktake, code=f"HPD-SIG-I{i:05d}", by=by)
    return services.finish(stocktake=stocktake, by=by)


# Session and user (2), the user's roles (1), the count (1), its lines with their cameras and devices,
# the devices' models, officers and vehicles (1).
@pytest.mark.parametrize("size", [4, 60])
def test_the_result_page_with_devices_runs_a_fixed_number_of_queries(size, client, by, django_assert_num_queries):
    stocktake = _device_count(size, by)
    sign_in(client)
    client.get(stocktake.get_absolute_url())
    with django_assert_num_queries(5):
        response = client.get(stocktake.get_absolute_url())
    page = response.content.decode()
    assert f"Expected, not seen: {size // 2}" in page and "Seen, but recorded elsewhere: 3" in page
    assert page.count("Return to stock…</button>") == 3 and page.count("Report lost</button>") == size // 2
