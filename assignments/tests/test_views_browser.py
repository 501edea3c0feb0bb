"""Headless Chromium: a quartermaster finds an officer, resets the kiosk PIN and sees it once; badge cards."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from assignments.models import Checkout, Officer
from hartford_bwc.factories import CameraFactory, OfficerFactory, ShiftFactory, UnitFactory, UserFactory
from hartford_bwc.testing import publish_screenshot
from inventory.models import Camera

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    # A transactional test flushes the tables after it, the groups of the roles migration with them.
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)


PASSWORD = "correct-horse-battery"


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def _roster() -> Officer:
    units = [UnitFactory(name=name) for name in ("Patrol District 1", "Patrol District 2", "Traffic Division")]
    day = ShiftFactory(name="Day")
    names = [("Maria", "Alvarez"), ("James", "Brown"), ("Aisha", "Carter"), ("Luis", "Diaz"), ("Grace", "Evans")]
    officers = [
        OfficerFactory(badge_number=str(1101 + i), first_name=first, last_name=last, unit=units[i % 3], shift=day)
        for i, (first, last) in enumerate(names)
    ]
    now = timezone.now()
    for i, officer in enumerate(officers[:3]):
        camera = CameraFactory(asset_tag=f"HPD-BWC-{41 + i:04d}", status=Camera.Status.CHECKED_OUT)
        due = now + (timedelta(minutes=-40) if i == 0 else timedelta(hours=5))
        Checkout.objects.create(
            camera=camera, officer=officer, checked_out_at=now - timedelta(hours=9), due_back_at=due
        )
    return officers[0]


def test_quartermaster_resets_a_pin_and_sees_it_once(page, live_server, screenshot_dir):
    UserFactory(username="quinn", first_name="Quinn", last_name="Marsh", role=roles.QUARTERMASTER)
    officer = _roster()
    _sign_in(page, live_server, "quinn")

    page.goto(f"{live_server.url}/assignments/officers/")
    page.get_by_label("Search").fill("alvarez")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"q=alvarez"))
    rows = page.locator("table.officer-table tbody tr")
    assert rows.count() == 1
    page.get_by_label("Search").fill("")
    page.get_by_role("button", name="Filter").click()
    page.screenshot(path=str(screenshot_dir / "officers-list.png"), full_page=True)

    page.get_by_role("link", name=officer.badge_number, exact=True).click()
    page.wait_for_url(f"{live_server.url}/assignments/officers/{officer.badge_number}/")
    assert page.get_by_text("Overdue").first.is_visible()
    page.screenshot(path=str(screenshot_dir / "officers-detail.png"), full_page=True)

    page.get_by_role("button", name="Reset kiosk PIN").click()
    pin = page.get_by_label("New PIN").inner_text().strip()
    assert pin.isdigit() and len(pin) == settings.KIOSK_PIN_MIN_DIGITS
    page.screenshot(path=str(screenshot_dir / "officers-pin-reset.png"), full_page=True)
    officer.refresh_from_db()
    assert check_password(pin, officer.pin_hash)

    page.get_by_role("link", name=re.compile("Done, back to")).click()
    page.wait_for_url(f"{live_server.url}/assignments/officers/{officer.badge_number}/")
    assert pin not in page.content()
    assert page.get_by_text("set ", exact=False).first.is_visible()

    page.goto(f"{live_server.url}/assignments/officers/")
    for badge in ("1101", "1102", "1103"):
        page.get_by_label(f"Select badge {badge}").check()
    page.get_by_role("button", name="Badge cards for selected").click()
    page.wait_for_url(re.compile(r"/assignments/officers/badge-cards/\?badge=1101&badge=1102&badge=1103"))
    assert page.locator(".badge-card svg.code128").count() == 3
    page.screenshot(path=str(screenshot_dir / "labels-badge-cards.png"), full_page=True)

    for name in ("officers-list", "officers-detail", "officers-pin-reset", "labels-badge-cards"):
        publish_screenshot(screenshot_dir / f"{name}.png", f"{name}.png")


def test_a_supervisor_sees_a_locked_badge_and_unlocks_it(page, live_server, screenshot_dir):
    from kiosk.models import BadgeLockout

    UserFactory(username="sam", first_name="Sam", last_name="Okafor", role=roles.SUPERVISOR)
    officer = OfficerFactory(badge_number="1201", first_name="Maria", last_name="Alvarez")
    BadgeLockout.objects.create(badge="1201", locked_until=timezone.now() + timedelta(minutes=8))
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in(page, live_server, "sam")
    page.goto(f"{live_server.url}/assignments/officers/1201/")
    lock = page.locator("#kiosk-lock")
    assert "Locked out of the kiosk until" in lock.inner_text()
    page.get_by_label("Reason").fill("At the desk with ID")
    page.screenshot(path=str(screenshot_dir / "officers-badge-locked.png"), full_page=True)
    page.get_by_role("button", name="Unlock kiosk sign-in").click()
    assert f"{officer.display_name} can sign in at the kiosk again." in page.get_by_role("status").inner_text()
    assert page.locator("#kiosk-lock").count() == 0
    assert not BadgeLockout.objects.exists()
