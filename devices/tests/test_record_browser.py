"""The device and vehicle forms and the device labels in headless Chromium: on a 390 px phone nothing
scrolls sideways, and the label sheet draws its barcode with no Content-Security-Policy refusal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import roles
from hartford_bwc.factories import DeviceFactory, UserFactory, VehicleFactory

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def console(transactional_db, live_server, page, client):
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_the_device_and_vehicle_pages_fit_a_phone(console, live_server):
    device = DeviceFactory(serial_number="AXS-0000-0000-0412-A-VERY-LONG-SERIAL-NUMBER")
    vehicle = VehicleFactory(unit_number="412")
    console.set_viewport_size(PHONE)
    for path in (
        reverse("devices:device_create"),
        reverse("devices:device_edit", args=[device.asset_tag]),
        reverse("devices:vehicle_create"),
        reverse("devices:vehicle_edit", args=[vehicle.unit_number]),
    ):
        console.goto(live_server.url + path)
        assert console.evaluate("document.scrollingElement.scrollWidth") == 390, path


def test_the_device_label_sheet_draws_its_codes_without_a_csp_refusal(console, live_server):
    device = DeviceFactory(serial_number="AXS-0000-0000-0412-A-VERY-LONG-SERIAL-NUMBER")
    refusals: list[str] = []
    console.on(
        "console", lambda message: refusals.append(message.text) if "Content-Security-Policy" in message.text else None
    )
    console.goto(f"{live_server.url}{reverse('devices:device_labels')}?device={device.asset_tag}&size=roll-2x1")
    console.locator("svg.code128").first.wait_for()
    assert console.locator("svg.code128 rect").first.evaluate("e => getComputedStyle(e).fill") == "rgb(255, 255, 255)"
    assert console.locator(".label .serial").first.inner_text() == f"SN {device.serial_number}"
    assert refusals == []
