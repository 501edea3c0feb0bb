"""The console in headless Chromium: sign in, search a camera, check it in from its page, export the list."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from accounts import roles
from assignments import services as assignment_services
from assignments.models import Checkout
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UserFactory
from hartford_bwc.testing import publish_screenshot
from inventory.models import Camera, Flag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quartermaster_signs_in_searches_checks_in_and_exports(live_server, page, screenshot_dir):
    UserFactory(username="quinn", first_name="Quinn", last_name="Marsh", role=roles.QUARTERMASTER)
    dock = DockFactory(name="Dock 001")
    officers = [OfficerFactory(first_name="Dana", last_name="Whitfield", badge_number="4411")] + list(
        OfficerFactory.create_batch(5)
    )
    cameras = [CameraFactory(asset_tag=f"HPD-BWC-{n:04d}", dock=dock, dock_bay=n) for n in range(1, 8)]
    for camera, officer in zip(cameras[:3], officers, strict=False):
        Camera.objects.filter(pk=camera.pk).update(dock=None, dock_bay=None)
        camera.refresh_from_db()
        assignment_services.check_out(camera=camera, officer=officer, by=Actor.system_process("tests"))
    Flag.objects.create(camera=cameras[5], kind=Flag.Kind.INSPECTION_DUE)
    page.set_default_timeout(10_000)

    # Sign in.
    page.goto(f"{live_server.url}/inventory/cameras/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("quinn")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.screenshot(path=str(screenshot_dir / "console-login.png"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/inventory/cameras/")

    # The dashboard.
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    page.screenshot(path=str(screenshot_dir / "console-dashboard.png"), full_page=True)

    # Search the camera by its holder's name.
    page.goto(f"{live_server.url}/inventory/cameras/")
    page.screenshot(path=str(screenshot_dir / "console-cameras.png"), full_page=True)
    page.get_by_role("searchbox", name="Search").fill("Whitfield")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/inventory/cameras/?q=Whitfield*")
    rows = page.locator("table.data-table tbody tr")
    assert rows.count() == 1
    assert "HPD-BWC-0001" in rows.first.inner_text()

    # Check it in from its page.
    page.get_by_role("link", name="HPD-BWC-0001").click()
    page.wait_for_url("**/inventory/cameras/HPD-BWC-0001/")
    assert page.get_by_role("heading", name="Check in").is_visible()
    page.get_by_label("Working").check()
    page.get_by_role("button", name="Check in").click()
    status = page.get_by_role("status")
    status.wait_for()
    assert "checked in from Ofc. Dana Whitfield" in status.inner_text()
    page.screenshot(path=str(screenshot_dir / "console-camera.png"), full_page=True)
    assert Checkout.objects.get(camera=cameras[0]).checked_in_at is not None

    # A refusal shows the service's message: check in again is no longer offered, so retire without reason.
    page.get_by_label("Reason", exact=True).last.fill("")
    page.get_by_role("button", name="Retire").click()
    assert page.get_by_role("alert").first.is_visible()

    # Export the filtered list.
    page.goto(f"{live_server.url}/inventory/cameras/?status=checked_out")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert sorted(row["Asset tag"] for row in rows) == ["HPD-BWC-0002", "HPD-BWC-0003"]

    for name in ("console-dashboard", "console-cameras", "console-camera"):
        publish_screenshot(screenshot_dir / f"{name}.png", f"{name}.png")


def test_camera_list_fits_a_1366_px_laptop_without_sideways_scrolling(live_server, page, screenshot_dir):
    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    dock = DockFactory(name="Dock 046")
    officer = OfficerFactory(first_name="Michael", last_name="Hernandez-Whitfield", badge_number="1398")
    cameras = [
        CameraFactory(asset_tag=f"HPD-BWC-{n:04d}", dock=dock, dock_bay=n, purchase_batch="2026 expansion")
        for n in range(1, 6)
    ]
    Camera.objects.filter(pk=cameras[0].pk).update(dock=None, dock_bay=None)
    assignment_services.check_out(camera=cameras[0], officer=officer, by=Actor.system_process("tests"))
    for kind in (Flag.Kind.INSPECTION_OVERDUE, Flag.Kind.REFRESH_DUE, Flag.Kind.DAMAGED_NOT_IN_MAINTENANCE):
        Flag.objects.create(camera=cameras[1], kind=kind)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/inventory/cameras/")
    page.get_by_label("Username").fill("quinn")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/inventory/cameras/")

    scroll = page.locator(".table-scroll")
    assert scroll.evaluate("el => el.scrollWidth <= el.clientWidth"), "the camera list scrolls sideways"
    headers = page.locator("table.data-table thead th").all_inner_texts()
    for name in ("Dock", "Inspected", "Open flags", "Firmware", "Batch", "Serial", "Pool", "Holder's unit"):
        assert any(name in header for header in headers), name
    page.screenshot(path=str(screenshot_dir / "console-cameras-1366.png"))
