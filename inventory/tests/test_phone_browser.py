"""The console on a 390 px phone (a supervisor in the field) and the audit log at 1366 px, in headless Chromium.

Nothing scrolls the page sideways: a wide table scrolls inside its own box, the navigation folds
behind a "Menu" button.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from assignments.models import Checkout, Officer
from demo.services import seed_fleet
from hartford_bwc.factories import UserFactory
from inventory.flags.sweep import run_sweep
from inventory.models import Camera

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def console(transactional_db, live_server, page, client):
    Group.objects.get_or_create(name=roles.QUARTERMASTER)
    seed_fleet(cameras=80, days=7)
    run_sweep()
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def _signal_devices(officer, camera):
    """A holster sensor issued to the officer and paired with the camera; a vehicle with its unit."""
    from audit.actor import Actor
    from devices import services as devices
    from devices.models import DeviceKind
    from hartford_bwc.factories import DeviceFactory, DeviceModelFactory, VehicleFactory

    by = Actor.system_process("tests")
    device = devices.issue_to_officer(device=DeviceFactory(), officer=officer, by=by)
    if camera is not None:
        devices.pair_with_camera(device=device, camera=camera, by=by)
    vehicle = VehicleFactory()
    unit = DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT))
    devices.install_in_vehicle(device=unit, vehicle=vehicle, by=by)
    return device, vehicle


def _page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_dashboard_lists_and_camera_page_do_not_scroll_sideways_on_a_phone(console, live_server, screenshot_dir):
    page = console
    page.set_viewport_size(PHONE)
    held = Checkout.objects.open().select_related("camera", "officer").first()
    officer = held.officer if held else Officer.objects.first()
    camera = held.camera if held else None
    device, vehicle = _signal_devices(officer, camera)
    pages = {
        "dashboard": "/",
        "cameras": "/inventory/cameras/",
        "camera": camera.get_absolute_url() if camera else "/inventory/cameras/HPD-BWC-0001/",
        "officers": "/assignments/officers/",
        "officer": officer.get_absolute_url(),
        "flags": "/inventory/flags/",
        "audit-log": "/reports/audit-log/",
        "devices": "/inventory/devices/",
        "device": device.get_absolute_url(),
        "vehicles": "/inventory/vehicles/",
        "vehicle": vehicle.get_absolute_url(),
        "signal-readiness": "/reports/signal-readiness/",
    }
    widths = {}
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        widths[name] = _page_width(page)
        page.screenshot(path=str(screenshot_dir / f"phone-{name}.png"))

    assert widths == dict.fromkeys(pages, 390)


def test_wide_tables_scroll_inside_their_own_box_on_a_phone(console, live_server):
    page = console
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/assignments/officers/")

    box = page.locator(".table-container, .table-scroll").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table is wider than the phone...
    assert box.evaluate("el => getComputedStyle(el).overflowX") in {"auto", "scroll"}  # ...and scrolls in its box
    assert _page_width(page) == 390


def test_navigation_folds_behind_a_menu_button_on_a_phone(console, live_server):
    page = console
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    menu = page.get_by_role("button", name="Menu")
    cameras = page.get_by_role("navigation", name="Main").get_by_role("link", name="Cameras")

    assert menu.is_visible() and not cameras.is_visible()
    assert menu.bounding_box()["height"] >= 44
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    cameras.click()
    assert page.get_by_role("heading", name="Cameras", level=1).is_visible()


def test_navigation_is_open_on_a_desk(console, live_server):
    page = console
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/")

    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Cameras").is_visible()


def test_audit_log_fits_a_1366_px_screen(console, live_server, screenshot_dir):
    page = console
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/reports/audit-log/")
    page.screenshot(path=str(screenshot_dir / "audit-log-1366.png"))

    assert _page_width(page) == 1366
    first = page.locator("td.hash a").first
    assert len(first.inner_text()) == 12 and len(first.get_attribute("title")) == 64


def test_the_stocktake_pages_do_not_scroll_sideways_on_a_phone(console, live_server):
    from audit.actor import Actor
    from demo.vendor import vendor_export_csv
    from inventory import shelves
    from stocktake import services as stocktake
    from stocktake import vendor, vendor_fixes

    page = console
    page.set_viewport_size(PHONE)
    by = Actor.staff(UserFactory(username="phone-qm", role=roles.QUARTERMASTER))
    shelves.add_shelf(name="Cabinet 1", location="HQ equipment room", by=by)
    count = stocktake.start(place="spare_shelf", by=by)
    for camera in Camera.objects.order_by("asset_tag")[:8]:
        stocktake.scan(stocktake=count, code=camera.asset_tag, by=by)
    stocktake.scan(stocktake=count, code="NOT-OURS-1", by=by)
    stocktake.finish(stocktake=count, by=by)
    export = vendor_fixes.keep_export(
        filename="vendor.csv", rows=vendor.read_export(filename="vendor.csv", data=vendor_export_csv()), by=by
    )
    pages = {
        "stocktake": reverse("stocktake:list"),
        "result": count.get_absolute_url(),
        "shelves": reverse("stocktake:shelves"),
        "vendor": reverse("stocktake:vendor"),
        "vendor export": export.get_absolute_url(),
    }
    widths = {}
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        widths[name] = _page_width(page)
    assert widths == dict.fromkeys(pages, 390)
