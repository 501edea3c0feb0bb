"""The kiosk in real headless Chromium: enroll, sign in with the keyboard, take a camera, auto sign-out, return."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assignments import services as assignments
from assignments.models import Checkout
from audit.actor import Actor
from hartford_bwc.testing import publish_screenshot
from inventory.models import Camera, MaintenanceRecord
from kiosk import services

from .conftest import PIN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, screenshot_dir, name, *, docs=False):
    path = screenshot_dir / f"kiosk-{name}.png"
    page.screenshot(path=str(path))
    if docs:
        publish_screenshot(path, f"kiosk-{name}.png")


@pytest.fixture
def kiosk_page(page, live_server):
    page.set_viewport_size({"width": 1024, "height": 768})
    _, token = services.register_kiosk(name="HQ front desk", location="HQ equipment room", by=Actor.system_process("t"))
    page.goto(live_server.url + reverse("kiosk:enroll", args=[token]))
    page.get_by_label("Badge number").wait_for()
    return page


def test_a_browser_that_is_not_enrolled_is_told_so(page, live_server, screenshot_dir):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(live_server.url + "/kiosk/")
    assert page.get_by_role("heading").inner_text() == "This device is not an enrolled kiosk"
    assert page.locator("input").count() == 0
    shot(page, screenshot_dir, "not-enrolled")


def test_enroll_sign_in_with_the_keyboard_take_my_camera_and_be_signed_out(
    kiosk_page, officer, personal_camera, spare, settings, screenshot_dir
):
    page = kiosk_page
    settings.KIOSK_RESULT_SECONDS = settings.KIOSK_PRESHIFT_SECONDS = 3
    assert "This browser is now kiosk HQ front desk" in page.get_by_role("status").inner_text()
    shot(page, screenshot_dir, "start", docs=True)

    # A scanner types the badge and presses Enter: focus moves to the PIN instead of submitting.
    page.get_by_label("Badge number").fill(officer.badge_number)
    page.get_by_label("Badge number").press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_pin"
    page.get_by_label("PIN").type(PIN)
    page.get_by_label("PIN").press("Enter")
    page.get_by_role("button", name="Take my camera HPD-BWC-0412").wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == officer.display_name
    assert page.evaluate("document.activeElement.id") == "id_barcode"
    shot(page, screenshot_dir, "signed-in", docs=True)

    # Touch targets are at least 48 px high.
    heights = page.eval_on_selector_all("button, input:not([type=hidden])", "els => els.map(e => e.offsetHeight)")
    assert min(heights) >= 48

    # A refusal, then the big button.
    page.get_by_label("Camera barcode").fill("HPD-BWC-9999")
    page.get_by_label("Camera barcode").press("Enter")
    assert "No camera has the barcode" in page.get_by_role("alert").inner_text()
    shot(page, screenshot_dir, "refusal", docs=True)

    page.get_by_role("button", name="Take my camera HPD-BWC-0412").click()
    confirmation = page.get_by_role("status")
    assert f"HPD-BWC-0412 is checked out to {officer.display_name}" in confirmation.inner_text()
    assert "Expected return" in page.locator(".kiosk-facts").inner_text()
    shot(page, screenshot_dir, "confirmation", docs=True)
    assert Checkout.objects.open().get(officer=officer).camera == personal_camera

    # After a few seconds without a touch the screen returns to the start: nobody is signed in.
    page.get_by_label("Badge number").wait_for(timeout=8000)
    assert officer.display_name not in page.content()


def test_the_idle_officer_is_signed_out_by_the_page(kiosk_page, officer, spare, settings):
    page = kiosk_page
    settings.KIOSK_IDLE_SECONDS = 2
    page.get_by_label("Badge number").fill(officer.badge_number)
    page.get_by_label("PIN").fill(PIN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Camera barcode").wait_for()
    page.get_by_label("Badge number").wait_for(timeout=8000)
    assert "signed out after 2 seconds" in page.get_by_role("status").inner_text()


def test_a_failed_pre_shift_check_swaps_the_camera(kiosk_page, officer, personal_camera, spare, screenshot_dir):
    page = kiosk_page
    page.get_by_label("Badge number").fill(officer.badge_number)
    page.get_by_label("PIN").fill(PIN)
    page.get_by_label("PIN").press("Enter")
    page.get_by_role("button", name="Take my camera HPD-BWC-0412").click()
    page.get_by_role("button", name="Powers on: failed, swap camera").click()
    statuses = " ".join(page.get_by_role("status").all_inner_texts())
    assert "HPD-BWC-0412 is checked in as damaged" in statuses
    assert "HPD-BWC-0100 is checked out to" in statuses
    shot(page, screenshot_dir, "swap", docs=True)
    assert Camera.objects.get(pk=personal_camera.pk).status == Camera.Status.IN_MAINTENANCE
    assert Checkout.objects.open().get(officer=officer).camera == spare


def test_return_a_camera_as_damaged(kiosk_page, officer, spare, system_actor, screenshot_dir):
    assignments.check_out(camera=spare, officer=officer, by=system_actor)
    page = kiosk_page
    page.get_by_label("Camera barcode").fill("HPD-BWC-0100")
    page.get_by_label("Camera barcode").press("Enter")
    page.get_by_role("button", name="Damaged").wait_for()
    assert page.get_by_role("button", name="Working").is_visible()
    page.get_by_label("What is wrong").fill("Clip snapped off")
    shot(page, screenshot_dir, "return", docs=True)
    page.get_by_role("button", name="Damaged").click()
    message = page.get_by_role("status").inner_text()
    assert "HPD-BWC-0100 is checked in as damaged" in message and "Hand it to the supervisor" in message
    shot(page, screenshot_dir, "returned-damaged", docs=True)
    record = MaintenanceRecord.objects.open().get(camera=spare)
    assert record.problem == "Clip snapped off"


def test_return_a_working_camera_names_the_dock(kiosk_page, officer, spare, system_actor, screenshot_dir):
    assignments.check_out(camera=spare, officer=officer, by=system_actor)
    page = kiosk_page
    page.get_by_label("Camera barcode").fill("HPD-BWC-0100")
    page.get_by_role("button", name="Check in").click()
    page.get_by_role("button", name="Working").click()
    assert "Put it in Dock 01, bay 1" in page.get_by_role("status").inner_text()
    shot(page, screenshot_dir, "returned-working")


def test_the_kiosk_works_on_a_tablet(kiosk_page, screenshot_dir):
    page = kiosk_page
    page.set_viewport_size({"width": 768, "height": 1024})
    page.reload()
    box = page.get_by_role("button", name="Sign in").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 768
    shot(page, screenshot_dir, "tablet")


def _out(officer, spare, system_actor):
    assignments.check_out(camera=spare, officer=officer, by=system_actor)


def test_a_scanners_burst_of_keys_is_recorded_as_scanned(kiosk_page, officer, spare, system_actor, settings):
    from kiosk.models import KioskAlert, KioskReturn

    # Headless Chromium on a loaded CI machine delivers keys less evenly than a USB scanner.
    settings.KIOSK_SCAN_MAX_KEY_GAP_MS = 100
    _out(officer, spare, system_actor)
    page = kiosk_page
    page.goto(page.url)  # the page again, with the gap above
    page.get_by_label("Camera barcode").click()
    page.keyboard.type("HPD-BWC-0100")  # a scanner: keys back to back, then Enter
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Working").click()
    assert "HPD-BWC-0100 is checked in" in page.get_by_role("status").inner_text()
    assert KioskReturn.objects.get().entry_method == "scanned"
    assert not KioskAlert.objects.exists()


def test_a_number_typed_by_hand_is_recorded_as_typed_and_alerts(kiosk_page, officer, spare, system_actor):
    from kiosk.models import KioskAlert, KioskReturn

    _out(officer, spare, system_actor)
    page = kiosk_page
    page.get_by_label("Camera barcode").click()
    page.keyboard.type("100", delay=150)  # a person, gloves on
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Working").click()
    page_text = page.content()
    assert "HPD-BWC-0100 is checked in" in page.get_by_role("status").inner_text()
    assert officer.last_name not in page_text
    assert KioskReturn.objects.get().entry_method == "typed"
    assert KioskAlert.objects.get().officer == officer


def _fits_the_screen(page):
    """Nothing below the fold at 1024x768: the page does not scroll and its last button is in view."""
    assert page.evaluate("document.documentElement.scrollHeight") <= 768
    box = page.get_by_role("button", name="All checks passed").bounding_box()
    assert box["y"] + box["height"] <= 768


def test_the_pre_shift_check_waits_long_enough_shows_its_countdown_and_fits_after_a_swap(
    kiosk_page, officer, personal_camera, spare, settings, screenshot_dir
):
    settings.KIOSK_RESULT_SECONDS = 1  # the pre-shift check has its own, longer, time
    settings.KIOSK_PRESHIFT_SECONDS = 60
    page = kiosk_page
    page.get_by_label("Badge number").fill(officer.badge_number)
    page.get_by_label("PIN").fill(PIN)
    page.get_by_label("PIN").press("Enter")
    page.get_by_role("button", name="Take my camera HPD-BWC-0412").click()
    countdown = page.locator("[data-countdown]")
    assert countdown.is_visible() and int(countdown.inner_text()) > 55
    _fits_the_screen(page)
    page.wait_for_timeout(2500)
    assert page.get_by_role("button", name="All checks passed").is_visible()  # still up after the result time
    assert 50 < int(countdown.inner_text()) < 60

    page.get_by_role("button", name="Powers on: failed, swap camera").click()
    assert "HPD-BWC-0100 is checked out to" in " ".join(page.get_by_role("status").all_inner_texts())
    shot(page, screenshot_dir, "preshift-after-swap", docs=True)
    _fits_the_screen(page)
    page.get_by_role("button", name="All checks passed").click()
    assert "Pre-shift check passed for HPD-BWC-0100" in page.get_by_role("status").inner_text()


def test_after_a_refused_return_the_rescan_lands_in_the_return_field(kiosk_page, officer, spare, system_actor):
    _out(officer, spare, system_actor)
    page = kiosk_page
    page.get_by_label("Camera barcode").click()
    page.keyboard.type("HPD-BWC-9999")
    page.keyboard.press("Enter")
    assert "No camera has the barcode" in page.get_by_role("alert").inner_text()
    assert page.evaluate("document.activeElement.id") == "id_return_barcode"
    assert page.get_by_label("Camera barcode").input_value() == ""
    page.keyboard.type("HPD-BWC-0100")  # the rescan, without touching the screen
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Working").click()
    assert "HPD-BWC-0100 is checked in" in page.get_by_role("status").inner_text()


def test_a_camera_label_scanned_into_the_badge_field_starts_its_return(kiosk_page, officer, spare, system_actor):
    from kiosk.models import KioskReturn

    _out(officer, spare, system_actor)
    page = kiosk_page
    assert page.evaluate("document.activeElement.id") == "id_badge"
    page.keyboard.type("HPD-BWC-0100")  # the scanner, into whatever has focus
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Working").click()
    assert "HPD-BWC-0100 is checked in" in page.get_by_role("status").inner_text()
    assert KioskReturn.objects.get().checkout.camera == spare


def test_the_confirmation_shows_what_starts_the_camera_and_still_fits_the_screen(
    kiosk_page, officer, personal_camera, spare, screenshot_dir
):
    from devices import services as devices
    from devices.models import DeviceKind
    from hartford_bwc.factories import DeviceFactory, DeviceModelFactory, VehicleFactory

    qm = Actor.system_process("qm")
    sensor = devices.issue_to_officer(device=DeviceFactory(asset_tag="HPD-SIG-0001"), officer=officer, by=qm)
    devices.pair_with_camera(device=sensor, camera=personal_camera, by=qm)
    weapon_model = DeviceModelFactory(kind=DeviceKind.SIGNAL_WEAPON, needs_pairing=True)
    devices.issue_to_officer(device=DeviceFactory(asset_tag="HPD-CEW-0002", model=weapon_model), officer=officer, by=qm)
    unit = DeviceFactory(asset_tag="HPD-VEH-0003", model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT))
    devices.install_in_vehicle(device=unit, vehicle=VehicleFactory(), by=qm)
    devices.pair_with_camera(device=unit, camera=personal_camera, by=qm)
    page = kiosk_page
    page.get_by_label("Badge number").fill(officer.badge_number)
    page.get_by_label("PIN").fill(PIN)
    page.get_by_label("PIN").press("Enter")
    page.get_by_role("button", name="Take my camera HPD-BWC-0412").click()

    signal = page.locator(".kiosk-signal").inner_text()
    assert "HPD-SIG-0001" in signal and "HPD-VEH-0003" in signal
    assert "HPD-CEW-0002" in signal and "not paired here" in signal
    shot(page, screenshot_dir, "done-signal")
    _fits_the_screen(page)
