"""The flags page in a real browser: a supervisor filters and acknowledges a flag."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from accounts import roles
from hartford_bwc.factories import UserFactory
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


def test_a_quartermaster_assigns_the_most_severe_flag_and_notes_it(live_server, page, screenshot_dir):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        plant_every_kind(1, now)
    sweep_at(now)
    UserFactory(username="qm", first_name="Quinn", last_name="Marsh", role=roles.QUARTERMASTER)
    UserFactory(username="sgt", first_name="Sam", last_name="Ortega", role=roles.SUPERVISOR)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/inventory/flags/")
    page.get_by_label("Username").fill("qm")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/inventory/flags/")
    severities = page.locator("table.flags-table tbody tr td:first-child").all_inner_texts()
    assert severities[:3] == ["High"] * 3 and severities[-1] == "Low"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # no sideways scroll
    page.screenshot(path=str(screenshot_dir / "flags-by-severity.png"), full_page=True)

    page.locator("table.flags-table tbody tr").first.locator("td a").nth(1).click()
    page.get_by_label("Assign to").select_option(label="Sam Ortega")
    page.get_by_role("button", name="Assign").click()
    assert "Flag assigned to Sam Ortega." in page.get_by_role("status").inner_text()
    page.get_by_label("New note").fill("Called the officer: back at 18:00.")
    page.get_by_role("button", name="Add note").click()
    assert "Called the officer: back at 18:00." in page.locator(".flag-notes").inner_text()
    assert "Sam Ortega" in page.locator("#flag-assignee").inner_text()
    page.screenshot(path=str(screenshot_dir / "flag-detail.png"), full_page=True)


def test_a_supervisor_chooses_to_hear_of_overdue_returns_at_once(live_server, page, screenshot_dir):
    from inventory.models import NotificationPreference

    user = UserFactory(
        username="sgt", first_name="Sam", last_name="Ortega", email="sam.ortega@hartford.example", role=roles.SUPERVISOR
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("sgt")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Notifications").click()
    page.get_by_role("heading", name="Email notifications").wait_for()
    page.get_by_label("Return overdue: Immediately").check()
    page.get_by_label("Damaged, not in maintenance: In the shift digest").check()
    page.screenshot(path=str(screenshot_dir / "notification-settings.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    assert "Saved: 2 choices changed." in page.get_by_role("status").inner_text()
    assert page.get_by_label("Return overdue: Immediately").is_checked()
    assert set(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery")) == {
        ("return_overdue", "immediately"),
        ("damaged_not_in_maintenance", "digest"),
    }
