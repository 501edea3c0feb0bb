"""The device pages in headless Chromium: a quartermaster finds a holster sensor by its serial, issues it
to an officer from its page, pairs it with the officer's camera, and sees both on the camera's page."""

from __future__ import annotations

import pytest

from accounts import roles
from devices.models import Device, Pairing
from hartford_bwc.factories import CameraFactory, DeviceFactory, OfficerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quartermaster(page, live_server, client):
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_default_timeout(10_000)
    return page


def test_issue_a_sensor_from_its_page_then_pair_it_with_the_officers_camera(quartermaster, live_server, screenshot_dir):
    page = quartermaster
    OfficerFactory(first_name="Dana", last_name="Whitfield", badge_number="4411")
    CameraFactory(asset_tag="HPD-BWC-0412")
    DeviceFactory(asset_tag="HPD-SIG-0001", serial_number="SG-77")
    DeviceFactory.create_batch(4)

    page.goto(f"{live_server.url}/inventory/devices/")
    page.get_by_role("searchbox", name="Search").fill("SG-77")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/inventory/devices/?q=SG-77*")
    assert page.locator("table.data-table tbody tr").count() == 1
    page.get_by_role("link", name="HPD-SIG-0001").click()

    # A badge nobody has: the form says so, nothing is issued.
    issue = page.get_by_role("region", name="Issue to an officer")
    issue.get_by_label("Badge number").fill("9999")
    issue.get_by_role("button", name="Issue").click()
    assert "No officer has badge number 9999." in page.get_by_role("region", name="Issue to an officer").inner_text()
    assert Device.objects.get(asset_tag="HPD-SIG-0001").officer is None

    issue = page.get_by_role("region", name="Issue to an officer")
    issue.get_by_label("Badge number").fill("4411")
    issue.get_by_role("button", name="Issue").click()
    page.get_by_text("HPD-SIG-0001 issued to Ofc. Dana Whitfield (badge 4411).").wait_for()
    assert "Return to stock" in page.content()

    pair = page.get_by_role("region", name="Pair with a camera")
    pair.get_by_label("Camera asset tag").fill("HPD-BWC-0412")
    pair.get_by_role("button", name="Pair").click()
    page.get_by_text("HPD-SIG-0001 paired with HPD-BWC-0412.").wait_for()
    page.screenshot(path=str(screenshot_dir / "console-device.png"), full_page=True)
    assert Pairing.objects.open().get().camera.asset_tag == "HPD-BWC-0412"

    page.get_by_role("link", name="HPD-BWC-0412").first.click()
    signal = page.get_by_role("region", name="Signal devices")
    assert "HPD-SIG-0001" in signal.inner_text() and "Dana Whitfield" in signal.inner_text()


def test_install_a_unit_in_a_vehicle_from_its_page_and_take_it_out_of_service(
    quartermaster, live_server, screenshot_dir
):
    from devices.models import DeviceKind
    from hartford_bwc.factories import DeviceModelFactory, VehicleFactory

    page = quartermaster
    VehicleFactory(unit_number="412", plate="HPD0412")
    VehicleFactory.create_batch(3)
    DeviceFactory(asset_tag="HPD-VEH-0001", model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT))

    page.goto(f"{live_server.url}/inventory/vehicles/")
    page.screenshot(path=str(screenshot_dir / "console-vehicles.png"), full_page=True)
    page.get_by_role("link", name="412", exact=True).click()
    assert page.get_by_text("No working signal unit").is_visible()

    page.get_by_label("Signal unit", exact=True).select_option(label="HPD-VEH-0001 (Axon Signal Vehicle)")
    page.get_by_role("button", name="Install").click()
    page.get_by_text("HPD-VEH-0001 installed in Vehicle 412.").wait_for()
    assert page.get_by_text("Signal works").first.is_visible()

    page.get_by_label("Why").fill("Transmission")
    page.get_by_role("button", name="Out of service").click()
    page.get_by_text("Vehicle 412 is out of service.").wait_for()
    page.screenshot(path=str(screenshot_dir / "console-vehicle.png"), full_page=True)
    assert Device.objects.get(asset_tag="HPD-VEH-0001").vehicle.unit_number == "412"
    assert "Vehicle taken out of service" in page.get_by_role("region", name="History").inner_text()
