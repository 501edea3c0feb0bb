"""Section 508 (WCAG 2.1 AA) in real headless Chromium: every console, report and kiosk page passes
axe-core with no serious or critical violation, on a seeded demo fleet so that tables, charts and
forms are drawn with data."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from accounts.tests.factories import UserFactory
from assignments.models import Officer
from audit.models import AuditEvent
from demo.services import seed_fleet
from hartford_bwc.testing import accessibility_violations
from inventory.flags.sweep import run_sweep
from inventory.models import Camera

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _camera() -> Camera:
    return Camera.objects.order_by("asset_tag").first()


def _officer() -> Officer:
    return Officer.objects.filter(checkouts__isnull=False).order_by("badge_number").first()


def _query(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


# Each console page, as a function of the seeded fleet giving its path.
CONSOLE_PAGES = {
    "dashboard": lambda: reverse("dashboard"),
    "camera list": lambda: reverse("inventory:camera_list"),
    "camera page": lambda: reverse("inventory:camera_detail", args=[_camera().asset_tag]),
    "flags": lambda: reverse("inventory:flags"),
    "labels": lambda: _query("inventory:labels", camera=_camera().asset_tag),
    "officer list": lambda: reverse("assignments:officer_list"),
    "officer page": lambda: reverse("assignments:officer_detail", args=[_officer().badge_number]),
    "badge cards": lambda: _query("assignments:badge_cards", badge=_officer().badge_number),
    "imports": lambda: reverse("imports:index"),
    "kiosks": lambda: reverse("kiosk_console:list"),
    "kiosk alerts": lambda: reverse("kiosk_console:alerts"),
    "reports": lambda: reverse("reports:index"),
    "readiness report": lambda: reverse("reports:readiness"),
    "coverage report": lambda: reverse("reports:coverage"),
    "utilization report": lambda: reverse("reports:utilization"),
    "compliance report": lambda: reverse("reports:compliance"),
    "maintenance report": lambda: reverse("reports:maintenance"),
    "officer history report": lambda: _query("reports:officer_history", badge=_officer().badge_number),
    "camera custody report": lambda: _query("reports:camera_custody", asset_tag=_camera().asset_tag),
    "audit log": lambda: reverse("reports:audit_log"),
    "audit event": lambda: reverse("reports:audit_event", args=[AuditEvent.objects.order_by("pk").first().pk]),
    "change password": lambda: reverse("password_change"),
}


@pytest.fixture
def fleet(db):
    seed_fleet(cameras=24, days=7)
    run_sweep()


@pytest.fixture
def staff_page(page, live_server, client, fleet):
    Group.objects.get_or_create(name=roles.ADMINISTRATOR)
    client.force_login(UserFactory(role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.mark.parametrize("name", CONSOLE_PAGES)
def test_console_page_has_no_serious_accessibility_violation(staff_page, live_server, name):
    staff_page.goto(live_server.url + CONSOLE_PAGES[name]())
    staff_page.wait_for_load_state("networkidle")
    assert staff_page.locator("h1").count() == 1, "one top-level heading"
    assert accessibility_violations(staff_page) == []


def test_the_sign_in_page_has_no_serious_accessibility_violation(page, live_server):
    page.goto(live_server.url + reverse("login"))
    assert accessibility_violations(page) == []
