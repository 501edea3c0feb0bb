""" "My equipment" in real headless Chromium at the kiosk's 1024x768: reached from the signed-in screen,
it fits the screen unscrolled and shows this officer's cameras, flags and last 30 days only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assignments import services as assignments
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, OfficerFactory
from hartford_bwc.testing import publish_screenshot
from inventory.models import Flag
from kiosk import services

from .conftest import PIN
from .test_my_equipment import past_checkout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_equipment_from_the_signed_in_screen(page, live_server, officer, personal_camera, spare, screenshot_dir):
    by = Actor.system_process("t")
    assignments.check_out(camera=spare, officer=officer, by=by)
    Flag.objects.create(camera=spare, kind=Flag.Kind.RETURN_OVERDUE, detail="Due back from Reyes")
    for days_ago in range(1, 8):
        past_checkout(CameraFactory(asset_tag=f"HPD-BWC-07{days_ago:02d}"), officer, days_ago=days_ago * 3)
    other = OfficerFactory(last_name="Castillo")
    assignments.check_out(camera=CameraFactory(asset_tag="HPD-BWC-0999"), officer=other, by=by)
    page.set_viewport_size({"width": 1024, "height": 768})
    _, token = services.register_kiosk(name="HQ front desk", location="HQ equipment room", by=by)
    page.goto(live_server.url + reverse("kiosk:enroll", args=[token]))

    page.get_by_label("Badge number").fill(officer.badge_number)
    page.get_by_label("PIN").fill(PIN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="My equipment").click()

    held = page.locator(".kiosk-held").inner_text()
    assert "HPD-BWC-0100" in held and "HPD-BWC-0412" in held
    assert "Return overdue" in page.locator(".kiosk-flags").inner_text()
    history = page.locator(".kiosk-history").inner_text()
    assert "HPD-BWC-0701" in history and "HPD-BWC-0707" in history  # 3 to 21 days ago
    assert "HPD-BWC-0999" not in page.content() and "Castillo" not in page.content()
    # The whole screen fits 1024x768 (the history scrolls inside its own box when long).
    assert page.evaluate("document.documentElement.scrollHeight") <= 768
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    path = screenshot_dir / "kiosk-my-equipment.png"
    page.screenshot(path=str(path))
    publish_screenshot(path, "kiosk-my-equipment.png")

    page.get_by_role("link", name="Back").click()
    page.get_by_label("Camera barcode").wait_for()
