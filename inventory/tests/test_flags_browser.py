"""The flags page in a real browser: a supervisor filters and acknowledges a flag."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from accounts import roles
from accounts.tests.factories import UserFactory
from hartford_bwc.testing import publish_screenshot
from inventory.models import Flag

from .flag_fleet import plant_every_kind, sweep_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_acknowledges_a_flag_in_the_browser(live_server, page, screenshot_dir):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        planted = plant_every_kind(2, now)
    sweep_at(now)
    user = UserFactory(username="sgt", first_name="Sam", last_name="Ortega", role=roles.SUPERVISOR)
    (overdue, _) = sorted(planted[Flag.Kind.REPAIR_OVERDUE])

    page.goto(f"{live_server.url}/accounts/login/?next=/inventory/flags/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/inventory/flags/")
    assert page.get_by_role("heading", name=f"Open now: {2 * len(Flag.Kind.values)}").is_visible()
    page.screenshot(path=str(screenshot_dir / "flags.png"), full_page=True)

    page.get_by_label("Kind").select_option(Flag.Kind.REPAIR_OVERDUE)
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("button", name=f"Acknowledge repair overdue at vendor on {overdue}").click()
    status = page.get_by_role("status")
    assert status.inner_text() == f"Acknowledged: Repair overdue at vendor on {overdue}."
    assert "kind=repair_overdue" in page.url  # back on the filtered list
    assert page.locator("table.flags-table tbody tr").count() == 2
    page.screenshot(path=str(screenshot_dir / "flags-acknowledged.png"), full_page=True)

    flag = Flag.objects.get(camera__asset_tag=overdue, kind=Flag.Kind.REPAIR_OVERDUE)
    assert flag.acknowledged_by == user
    publish_screenshot(screenshot_dir / "flags.png", "flags.png")
