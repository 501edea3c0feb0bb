"""The kiosk stocktake in real headless Chromium at 1024x768: a quartermaster signs in with badge and PIN,
chooses a dock, scans with a barcode scanner (type + Enter, field always focused), finishes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import roles
from assignments import services as assignments
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UserFactory
from hartford_bwc.testing import publish_screenshot
from kiosk import services
from stocktake.models import Stocktake, StocktakeLine

from .conftest import PIN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOUCH_TARGETS = "button, input:not([type=hidden]), a[href]"


def small_targets(page) -> list:
    boxes = page.eval_on_selector_all(
        TOUCH_TARGETS,
        """els => els.filter(e => e.getClientRects().length).map(e => {
             const r = e.getBoundingClientRect();
             return [e.outerHTML.slice(0, 60), Math.round(r.width), Math.round(r.height)];
           })""",
    )
    return [box for box in boxes if box[1] < 48 or box[2] < 48]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 1024


def test_a_quartermaster_counts_a_dock_at_the_kiosk(page, live_server, settings, screenshot_dir):
    settings.KIOSK_IDLE_SECONDS = 300  # a loaded test machine is slow: no screen times out under the test
    by = Actor.system_process("tests")
    page.set_viewport_size({"width": 1024, "height": 768})
    officer = OfficerFactory(first_name="Quinn", last_name="Marsh", user=UserFactory(role=roles.QUARTERMASTER))
    assignments.set_officer_pin(officer=officer, pin=PIN, by=by)
    dock = DockFactory(name="Bank A", location="HQ equipment room")
    CameraFactory(asset_tag="HPD-BWC-0001", dock=dock, dock_bay=1)
    CameraFactory(asset_tag="HPD-BWC-0002", dock=dock, dock_bay=2)
    CameraFactory(asset_tag="HPD-BWC-0003")
    _, token = services.register_kiosk(name="HQ front desk", location="HQ equipment room", by=by)
    page.goto(live_server.url + reverse("kiosk:enroll", args=[token]))

    page.get_by_label("Badge number").fill(officer.badge_number)
    page.get_by_label("PIN").fill(PIN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Stocktake").click()
    page.get_by_role("heading", name="Stocktake: choose the place").wait_for()
    assert small_targets(page) == [] and fits(page)
    page.screenshot(path=str(screenshot_dir / "kiosk-stocktake-choose.png"))
    page.get_by_label("A dock: the name on its label").fill("Bank A")
    page.get_by_role("button", name="Count the dock").click()
    page.get_by_label("Scan a code").wait_for()

    for n, code in enumerate(("HPD-BWC-0001", "HPD-BWC-0003", "HPD-BWC-0001", "JUNK-42"), start=1):
        assert page.evaluate("document.activeElement.id") == "id_code"
        page.keyboard.type(code)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_by_role("status").first.inner_text().startswith(code.upper() if n != 3 else "HPD-BWC-0001")
    assert page.get_by_role("status").first.inner_text() == "JUNK-42 (unknown here): counted."
    assert page.locator(".kiosk-stocktake-counted").inner_text() == "Counted: 3"
    assert small_targets(page) == [] and fits(page)
    page.screenshot(path=str(screenshot_dir / "kiosk-stocktake-count.png"))

    page.get_by_role("button", name="Finish the count").click()
    page.get_by_role("heading", name="Count finished").wait_for()
    stocktake = Stocktake.objects.get()
    link = page.get_by_role("link", name=live_server.url + stocktake.get_absolute_url())
    assert link.is_visible()
    assert small_targets(page) == [] and fits(page)
    page.screenshot(path=str(screenshot_dir / "kiosk-stocktake-done.png"))
    publish_screenshot(screenshot_dir / "kiosk-stocktake-count.png", "kiosk-stocktake-count.png")

    outcomes = dict(StocktakeLine.objects.filter(stocktake=stocktake).values_list("code", "outcome"))
    assert outcomes == {
        "HPD-BWC-0001": "seen_expected",
        "HPD-BWC-0002": "not_seen",
        "HPD-BWC-0003": "seen_elsewhere",
        "JUNK-42": "unknown",
    }
