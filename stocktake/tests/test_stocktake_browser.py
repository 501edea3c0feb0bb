"""The stocktake in a real browser: a quartermaster counts a dock with a barcode scanner, finishes and fixes."""

from __future__ import annotations

import pytest

from accounts import roles
from assignments import services as assignments
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UserFactory
from hartford_bwc.testing import publish_screenshot
from inventory.models import Camera

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_quartermaster_counts_a_dock_with_a_scanner_and_fixes_a_missing_camera(live_server, page, screenshot_dir):
    dock = DockFactory(name="Bank A", location="HQ equipment room")
    CameraFactory(asset_tag="HPD-BWC-0001", dock=dock, dock_bay=1)
    CameraFactory(asset_tag="HPD-BWC-0002", dock=dock, dock_bay=2)
    CameraFactory(asset_tag="HPD-BWC-0003")  # a spare recorded on the shelf, found in the dock
    out = CameraFactory(asset_tag="HPD-BWC-0004")  # recorded out with an officer, found in the dock
    user = UserFactory(username="qm", role=roles.QUARTERMASTER)
    assignments.check_out(camera=out, officer=OfficerFactory(badge_number="4410"), by=Actor.staff(user))

    page.goto(f"{live_server.url}/accounts/login/?next=/inventory/stocktake/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/inventory/stocktake/")
    page.get_by_label("Place to count").select_option("dock")
    page.get_by_label("Dock", exact=True).fill(dock.name)
    page.get_by_role("button", name="Start counting").click()
    page.wait_for_url("**/inventory/stocktake/*/")

    # A scanner types the code and presses Enter; the field has the focus after every scan.
    for code in ("HPD-BWC-0001", "HPD-BWC-0003", "HPD-BWC-0004", "HPD-BWC-0001", "JUNK-42"):
        field = page.get_by_label("Scan a code")
        assert field.evaluate("el => el === document.activeElement")
        page.keyboard.type(code)
        with page.expect_navigation():  # the next page, not the one the Enter left
            page.keyboard.press("Enter")
    assert page.get_by_role("status").inner_text() == "JUNK-42 (unknown here): counted."
    assert page.get_by_role("heading", name="Scanned: 4").is_visible()

    page.get_by_label("Scan a code").fill("=CMD()")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "not one: scan again" in page.get_by_role("alert").inner_text()
    page.screenshot(path=str(screenshot_dir / "stocktake-scan.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="Finish the count").click()
    for heading in (
        "Seen, but recorded elsewhere: 2",
        "Expected, not seen: 1",
        "Unknown codes: 1",
        "Seen and expected: 1",
    ):
        assert page.get_by_role("heading", name=heading).is_visible()
    page.screenshot(path=str(screenshot_dir / "stocktake-result.png"), full_page=True)

    page.get_by_label("Incident report number").fill("HPD-26-0501")
    with page.expect_navigation():
        page.get_by_role("button", name="Report lost: HPD-BWC-0002").click()
    assert page.get_by_role("status").inner_text() == "HPD-BWC-0002: reported lost under incident HPD-26-0501."
    with page.expect_navigation():
        page.get_by_role("button", name="Move to this dock: HPD-BWC-0003").click()
    assert page.get_by_role("status").inner_text() == "HPD-BWC-0003: moved to dock Bank A."

    # A checked-out camera is checked in only after a confirmation page that names the officer.
    page.get_by_role("button", name="Check in: HPD-BWC-0004").click()
    page.get_by_role("heading", name="Check in HPD-BWC-0004?").wait_for()
    assert "badge 4410" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, check in HPD-BWC-0004").click()
    assert page.get_by_role("status").inner_text().endswith("and moved to dock Bank A.")
    assert Camera.objects.get(asset_tag="HPD-BWC-0004").status == Camera.Status.AVAILABLE
    assert page.get_by_role("link", name="Add a camera: JUNK-42").is_visible()

    assert Camera.objects.get(asset_tag="HPD-BWC-0002").status == Camera.Status.LOST
    assert Camera.objects.get(asset_tag="HPD-BWC-0003").dock == dock
    publish_screenshot(screenshot_dir / "stocktake-result.png", "stocktake-result.png")
