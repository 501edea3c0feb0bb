"""Headless Chromium on the kiosk console: the enrollment link is shown whole, with a copy button and a QR code."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.tests.factories import UserFactory

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
