"""A signal device's line has its one-click fixes, each through devices.services and audited as the
camera's are: expected and not seen -> report lost; seen but recorded lost -> report found; seen on
the spare shelf but recorded with an officer or in a vehicle -> return to stock, after a confirmation.
A device is never offered a camera's fix (check in, move to this dock)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from devices import services as devices
from devices.models import Device, DeviceKind
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import (
    DeviceFactory,
    DeviceModelFactory,
    DockFactory,
    OfficerFactory,
    VehicleFactory,
)
from hartford_bwc.testing import messages_of, sign_in

from .. import services
from ..models import Stocktake, StocktakeLine
from .count import quartermaster

pytestmark = pytest.mark.django_db
Outcome = StocktakeLine.Outcome


@pytest.fixture
def by():
    return quartermaster()


def _issued_to_officer(by, tag: str) -> Device:
    device = DeviceFactory(asset_tag=tag)
    officer = OfficerFactory(badge_number="1001", first_name="Emily", last_name="Murphy")
    return devices.issue_to_officer(device=device, officer=officer, by=by)


def _count(by, *codes: str, place: str = Stocktake.Place.SPARE_SHELF, **where) -> dict[str, StocktakeLine]:
    stocktake = services.start(place=place, by=by, **where)
    for code in codes:
        services.scan(stocktake=stocktake, code=code, by=by)
    services.finish(stocktake=stocktake, by=by)
    return {line.code: line for line in StocktakeLine.objects.filter(stocktake=stocktake)}


def test_a_device_expected_and_not_seen_is_reported_lost_through_the_device_service(by):
    device = DeviceFactory(asset_tag="HPD-SIG-0001")
    line = _count(by)["HPD-SIG-0001"]
    assert line.outcome == Outcome.NOT_SEEN and services.fixes_for(line) == ["report-lost"]

    done = services.fix(line=line, fix="report-lost", by=by, incident_number=" HPD-26-0412 ")

    device.refresh_from_db()
    assert (device.status, device.lost_incident_number) == (Device.Status.LOST, "HPD-26-0412")
    assert done.resolved_at is not None and done.resolution == "reported lost under incident HPD-26-0412"
    lost = AuditEvent.objects.get(action="device.report_lost")
    assert lost.reason == f"Not seen in stocktake {line.stocktake_id}."
    fixed = AuditEvent.objects.get(action="stocktake.fix")
    assert fixed.after["fix"] == "report-lost" and fixed.after["device"] == "HPD-SIG-0001"


def test_a_device_recorded_lost_and_seen_is_reported_found(by):
    device = DeviceFactory(asset_tag="HPD-SIG-0002", status=Device.Status.LOST, lost_incident_number="HPD-26-9")
    line = _count(by, "HPD-SIG-0002")["HPD-SIG-0002"]
    assert (line.outcome, line.recorded_status) == (Outcome.SEEN_ELSEWHERE, "lost")
    assert services.fixes_for(line) == ["report-found"]

    done = services.fix(line=line, fix="report-found", by=by)

    device.refresh_from_db()
    assert device.status != Device.Status.LOST
    assert done.resolution == f"reported found; now {device.get_status_display().lower()}"
    assert AuditEvent.objects.filter(action="device.report_found").count() == 1


def test_a_device_issued_to_an_officer_and_seen_on_the_spare_shelf_returns_to_stock_after_a_confirmation(by):
    device = _issued_to_officer(by, "HPD-SIG-0003")
    line = _count(by, "HPD-SIG-0003")["HPD-SIG-0003"]
    assert services.fixes_for(line) == ["return-to-stock"]

    with pytest.raises(DomainError) as refused:
        services.fix(line=line, fix="return-to-stock", by=by)
    assert refused.value.code == "confirm_required"
    device.refresh_from_db()
    assert device.status == Device.Status.ISSUED

    done = services.fix(line=line, fix="return-to-stock", by=by, confirmed=True)

    device.refresh_from_db()
    assert (device.status, device.officer_id) == (Device.Status.IN_STOCK, None)
    assert done.resolution == "returned to stock from Ofc. Emily Murphy (badge 1001)"
    assert AuditEvent.objects.filter(action="device.return").count() == 1


def test_a_vehicle_unit_seen_on_the_spare_shelf_returns_to_stock_from_its_vehicle(by):
    unit = DeviceFactory(asset_tag="HPD-SIG-0004", model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT))
    vehicle = VehicleFactory()
    devices.install_in_vehicle(device=unit, vehicle=vehicle, by=by)
    line = _count(by, "HPD-SIG-0004")["HPD-SIG-0004"]

    done = services.fix(line=line, fix="return-to-stock", by=by, confirmed=True)

    unit.refresh_from_db()
    assert (unit.status, unit.vehicle_id) == (Device.Status.IN_STOCK, None)
    assert done.resolution == f"returned to stock from {vehicle}"


def test_a_device_is_never_offered_a_cameras_fix(by):
    # Issued and seen in a dock: not the quartermaster's stock, so no return here, and no check-in.
    _issued_to_officer(by, "HPD-SIG-0005")
    # In maintenance and seen in a dock: a camera of that status would be moved here; a device is not.
    DeviceFactory(asset_tag="HPD-SIG-0006", status=Device.Status.IN_MAINTENANCE)
    lines = _count(by, "HPD-SIG-0005", "HPD-SIG-0006", place=Stocktake.Place.DOCK, dock=DockFactory())
    assert lines["HPD-SIG-0005"].outcome == lines["HPD-SIG-0006"].outcome == Outcome.SEEN_ELSEWHERE
    assert services.fixes_for(lines["HPD-SIG-0005"]) == [] and services.fixes_for(lines["HPD-SIG-0006"]) == []
    with pytest.raises(DomainError) as refused:
        services.fix(line=lines["HPD-SIG-0006"], fix="move-here", by=by)
    assert refused.value.code == "fix_not_applicable"


def test_the_return_button_asks_on_a_page_of_its_own_then_returns_once(client, by):
    device = _issued_to_officer(by, "HPD-SIG-0007")
    line = _count(by, "HPD-SIG-0007")["HPD-SIG-0007"]
    sign_in(client)
    url = reverse("stocktake:fix", args=[line.pk, "return-to-stock"])

    asked = client.post(url)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Return to stock HPD-SIG-0007?" in page and "takes it from Ofc. Emily Murphy (badge 1001)" in page
    device.refresh_from_db()
    assert device.status == Device.Status.ISSUED

    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "HPD-SIG-0007: returned to stock from Ofc. Emily Murphy (badge 1001)." in messages_of(response)
    again = client.post(url, {"confirm": "on"}, follow=True)
    assert any("already resolved" in message for message in messages_of(again))
    assert AuditEvent.objects.filter(action="device.return").count() == 1


def test_the_result_page_offers_a_devices_fixes(client, by):
    _issued_to_officer(by, "HPD-SIG-0008")
    DeviceFactory(asset_tag="HPD-SIG-0009", last_seen_at=None)
    line = _count(by, "HPD-SIG-0008")["HPD-SIG-0008"]
    sign_in(client)
    page = client.get(reverse("stocktake:detail", args=[line.stocktake_id])).content.decode()
    assert 'aria-label="Return to stock: HPD-SIG-0008"' in page
    assert 'aria-label="Report lost: HPD-SIG-0009"' in page
    assert "never" in page  # the device not seen, never scanned anywhere
