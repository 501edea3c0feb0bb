"""Readiness and maintenance in real headless Chromium, on a small demo fleet; screenshots for the README."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from assignments.models import Officer, current_issue
from audit.actor import Actor
from demo.services import seed_fleet
from hartford_bwc.factories import UserFactory
from hartford_bwc.testing import publish_screenshot
from inventory import services as inventory
from inventory.models import Camera
from reports.selectors.readiness import next_shift_starts

pytestmark = [pytest.mark.browser]


def _sign_in(page, live_server, client):
    # transactional_db empties the tables between tests, the role groups included.
    Group.objects.get_or_create(name=roles.SUPERVISOR)
    user = UserFactory(role=roles.SUPERVISOR)
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    publish_screenshot(path, f"{name}.png")


def test_readiness_report_in_the_browser(transactional_db, live_server, page, client, screenshot_dir):
    seed_fleet(cameras=160, days=21)
    # Twenty of the next shift's own cameras are reported lost: that shift runs short of spares.
    start = next_shift_starts(timezone.now(), count=1)[0]
    own = Camera.objects.filter(
        current_issue("personal_issues__"),
        status=Camera.Status.AVAILABLE,
        personal_issues__officer__in=Officer.objects.filter(shift=start.shift),
    )[:20]
    for n, camera in enumerate(own):
        inventory.report_lost(camera=camera, incident_number=f"HPD-26-{n:05d}", by=Actor.system_process("tests"))
    _sign_in(page, live_server, client)

    page.goto(f"{live_server.url}/reports/readiness/")

    assert page.get_by_role("heading", name="Readiness", level=1).is_visible()
    assert page.locator(".figure.short").count() >= 1
    assert page.locator("tr.short").count() >= 1
    assert page.locator("figure.chart svg").count() == 1
    _shoot(page, screenshot_dir, "reports-readiness")
    page.emulate_media(media="print")
    assert not page.locator(".report-filters, .exports").first.is_visible()
    page.emulate_media(media="screen")


def test_maintenance_report_in_the_browser(transactional_db, live_server, page, client, screenshot_dir):
    seed_fleet(cameras=160, days=21)
    _sign_in(page, live_server, client)

    page.goto(f"{live_server.url}/reports/maintenance/")

    assert page.get_by_role("heading", name="Maintenance", level=1).is_visible()
    assert page.locator("figure.chart svg").count() == 3
    assert page.get_by_role("heading", name="Refresh due per quarter").is_visible()
    _shoot(page, screenshot_dir, "reports-maintenance")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    assert download.value.suggested_filename.startswith("bwc-maintenance-routes")
