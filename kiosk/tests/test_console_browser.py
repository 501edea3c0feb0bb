"""Headless Chromium on the kiosk console: the enrollment link is shown whole, with a copy button and a QR code."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from hartford_bwc.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_the_enrollment_link_is_shown_whole_with_copy_and_qr(page, live_server, screenshot_dir):
    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server, "quinn")
    page.goto(f"{live_server.url}/kiosks/register/")
    page.get_by_label("Name").fill("HQ front desk")
    page.get_by_role("button", name="Register").click()

    link = page.locator("#enroll-url")
    url = link.inner_text().strip()
    assert url.startswith(f"{live_server.url}/kiosk/enroll/")
    # Whole: the element is not clipped (its content fits in its box) and is wider than the old 210 px.
    assert page.evaluate("el => el.scrollWidth <= el.clientWidth", link.element_handle())
    box = page.locator(".kiosk-link-qr svg").bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150

    page.get_by_role("button", name="Copy link").click()
    page.get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == url
    page.screenshot(path=str(screenshot_dir / "kiosk-console-link.png"), full_page=True)

    # Narrow (a phone): still whole, wrapped.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("el => el.scrollWidth <= el.clientWidth", link.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_pin_letters_for_a_new_roster_then_the_first_sign_in_with_the_code(page, browser, live_server, screenshot_dir):
    """The quartermaster prints letters for two new officers (one letter per printed page); one of them
    signs in at the kiosk with badge + code, chooses a PIN twice, and is signed in."""
    from django.urls import reverse

    from audit.actor import Actor
    from hartford_bwc.factories import OfficerFactory
    from kiosk import services

    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    OfficerFactory(badge_number="7101", first_name="Lena", last_name="Ortiz")
    OfficerFactory(badge_number="7102", first_name="Marcus", last_name="Bell")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, "quinn")
    page.goto(f"{live_server.url}/assignments/officers/")
    page.get_by_label("Select badge 7101").check()
    page.get_by_label("Select badge 7102").check()
    page.get_by_role("button", name="PIN letters for selected").click()
    page.get_by_role("heading", name="2 letters").wait_for()
    page.get_by_role("button", name="Issue codes and show 2 letters").click()
    page.get_by_role("button", name="Print 2 letters").wait_for()
    page.screenshot(path=str(screenshot_dir / "officers-pin-letters.png"), full_page=True)
    letter = page.locator("article.pin-letter", has_text="Ortiz")
    code = letter.locator(".pin-letter-code").inner_text().strip()
    # Printed (Chromium's PDF, print CSS): one letter per page, the console's header and buttons left out.
    pdf = page.pdf(format="Letter")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 2

    kiosk = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    _, token = services.register_kiosk(name="HQ front desk", by=Actor.system_process("t"))
    kiosk.goto(live_server.url + reverse("kiosk:enroll", args=[token]))
    kiosk.get_by_label("Badge number").fill("7101")
    kiosk.get_by_label("PIN", exact=True).fill("135792")
    kiosk.get_by_role("button", name="Sign in").click()
    assert "No PIN is set for badge 7101: see the quartermaster" in kiosk.get_by_role("alert").inner_text()
    kiosk.get_by_role("link", name="No PIN yet? Use the code from your PIN letter").click()
    kiosk.get_by_label("Badge number").fill("7101")
    kiosk.get_by_label("Code from your PIN letter").fill(code.lower())
    kiosk.screenshot(path=str(screenshot_dir / "kiosk-pin-letter.png"))
    kiosk.get_by_role("button", name="Continue").click()
    kiosk.get_by_role("heading", name="Choose your PIN, Ofc. Lena Ortiz").wait_for()
    kiosk.get_by_label("New PIN", exact=True).fill("583920")
    kiosk.get_by_label("New PIN again").fill("583920")
    kiosk.screenshot(path=str(screenshot_dir / "kiosk-choose-pin.png"))
    kiosk.get_by_role("button", name="Set my PIN and sign in").click()
    assert "Your PIN is set" in kiosk.get_by_role("status").inner_text()
    assert kiosk.get_by_role("heading", level=1).inner_text() == "Ofc. Lena Ortiz"
    kiosk.get_by_label("Camera barcode").wait_for()
    kiosk.context.close()
