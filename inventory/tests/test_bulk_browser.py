"""The camera list's bulk actions in headless Chromium: select all, a confirmation page, all or nothing."""

from __future__ import annotations

import pytest

from accounts import roles
from assignments import services as assignment_services
from assignments.models import Checkout
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UserFactory
from inventory.models import Camera

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, next_url: str):
    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill("quinn")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}{next_url}")


def test_select_all_then_check_in_through_the_confirmation_page(live_server, page, screenshot_dir):
    dock = DockFactory(name="Dock 001")
    officers = [
        OfficerFactory(first_name="Emily", last_name="Murphy", badge_number="4411"),
        *OfficerFactory.create_batch(2),
    ]
    out = [CameraFactory(asset_tag=f"HPD-BWC-000{n}", dock=None, dock_bay=None) for n in (1, 2, 3)]
    for camera, officer in zip(out, officers, strict=True):
        assignment_services.check_out(camera=camera, officer=officer, by=Actor.system_process("tests"))
    CameraFactory(asset_tag="HPD-BWC-0004", dock=dock, dock_bay=1)
    sign_in(page, live_server, "/inventory/cameras/?status=checked_out")
    page.set_viewport_size({"width": 1366, "height": 900})

    # Nothing ticked: Print labels and the bulk actions say so, on this page, in no new tab.
    page.get_by_role("button", name="Print labels").click()
    assert page.get_by_text("Tick at least one camera first.").is_visible()
    assert len(page.context.pages) == 1
    assert page.url.endswith("/inventory/cameras/?status=checked_out")

    # Select all ticks every row of the page; unticking one leaves it half-ticked.
    select_all = page.get_by_label("Select all cameras on this page")
    select_all.check()
    boxes = page.locator('input[name="camera"][form="bulk-form"]')
    assert boxes.count() == 3
    assert all(boxes.nth(i).is_checked() for i in range(3))
    assert not page.get_by_text("Tick at least one camera first.").is_visible()
    page.get_by_label("Select HPD-BWC-0002").uncheck()
    assert select_all.evaluate("box => box.indeterminate")
    page.get_by_label("Select HPD-BWC-0002").check()
    assert select_all.is_checked()
    page.screenshot(path=str(screenshot_dir / "console-bulk-selected.png"))

    # The confirmation page lists every camera and what will change; nothing has changed yet.
    page.get_by_role("button", name="Check in…").click()
    page.wait_for_url("**/inventory/cameras/bulk/check-in/")
    assert page.get_by_role("heading", name="Check in: 3 cameras").is_visible()
    table = page.get_by_role("region", name="What will change")
    assert "Checked in from Ofc. Emily Murphy as working; available" in table.inner_text()
    page.screenshot(path=str(screenshot_dir / "console-bulk-confirm.png"), full_page=True)
    assert Checkout.objects.open().count() == 3

    # Confirm: back on the list as it was, all three checked in, each audited.
    page.get_by_role("button", name="Confirm: check in 3 cameras").click()
    page.wait_for_url("**/inventory/cameras/?status=checked_out")
    assert "Checked in 3 cameras: HPD-BWC-0001, HPD-BWC-0002, HPD-BWC-0003." in page.get_by_role("status").inner_text()
    assert not Checkout.objects.open().exists()
    assert AuditEvent.objects.filter(action="checkout.check_in").count() == 3


def test_bulk_retire_asks_for_a_reason_and_refuses_all_when_one_cannot_go(live_server, page, screenshot_dir):
    CameraFactory(asset_tag="HPD-BWC-0001")
    held = CameraFactory(asset_tag="HPD-BWC-0002", dock=None, dock_bay=None)
    assignment_services.check_out(
        camera=held, officer=OfficerFactory(first_name="Lee", last_name="Ames"), by=Actor.system_process("tests")
    )
    sign_in(page, live_server, "/inventory/cameras/")

    page.get_by_label("Select all cameras on this page").check()
    page.get_by_role("button", name="Retire…").click()
    page.wait_for_url("**/inventory/cameras/bulk/retire/")

    # One of the two would be refused: no Confirm, the reason given, and a way on without it.
    table = page.get_by_role("region", name="What will change").inner_text()
    assert "Checked out to Ofc. Lee Ames; check it in before it can be retired." in table
    assert page.get_by_role("button", name="Confirm: retire").count() == 0
    page.screenshot(path=str(screenshot_dir / "console-bulk-refused.png"), full_page=True)
    page.get_by_role("button", name="Continue without the refused cameras (1 left)").click()

    page.get_by_label("Reason").fill("Cracked housing, beyond repair")
    page.get_by_role("button", name="Confirm: retire 1 camera").click()
    page.wait_for_url("**/inventory/cameras/")
    assert Camera.objects.get(asset_tag="HPD-BWC-0001").status == Camera.Status.RETIRED
    assert Camera.objects.get(asset_tag="HPD-BWC-0002").status == Camera.Status.CHECKED_OUT
    assert AuditEvent.objects.get(action="camera.retire").reason == "Cracked housing, beyond repair"

    # The retirement shows in the camera's history, filtered to the audited changes, with its reason.
    page.goto(f"{live_server.url}/inventory/cameras/HPD-BWC-0001/")
    page.get_by_label("Show").select_option("audit")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url("**/inventory/cameras/HPD-BWC-0001/?kind=audit#history")
    history = page.locator("ol.timeline").inner_text()
    assert "Cracked housing, beyond repair" in history
    page.screenshot(path=str(screenshot_dir / "console-camera-history-filtered.png"), full_page=True)
