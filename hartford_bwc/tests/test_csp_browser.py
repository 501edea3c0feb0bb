"""The Content-Security-Policy in real headless Chromium: console, kiosk, a chart and the API docs load
with zero violations (the browser reports each one as a `securitypolicyviolation` event)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from assignments import services as assignments
from assignments.models import Officer
from audit.actor import Actor
from demo.services import seed_fleet
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, ShiftFactory, UserFactory
from inventory.models import Camera
from kiosk import services as kiosk_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script; Playwright's init scripts are not subject to the page's policy.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


# Chromium's console complaints about our policy headers: a CSP violation, or a Permissions-Policy it
# cannot parse (it named "bluetooth", a feature Chromium does not know, on every page).
POLICY_COMPLAINTS = ("Content Security Policy", "Permissions-Policy")


def watch(page) -> list[str]:
    """Every policy complaint on this page: the CSP events, and Chromium's console lines naming a policy."""
    console: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: console.append(message.text) if any(p in message.text for p in POLICY_COMPLAINTS) else None,
    )
    return console


def violations(page, console: list[str]) -> list[str]:
    return page.evaluate("window.__csp") + console


def test_console_reports_and_api_docs_have_no_csp_violations(live_server, page, client):
    seed_fleet(cameras=40, days=7)
    Group.objects.get_or_create(name=roles.ADMINISTRATOR)
    client.force_login(UserFactory(role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    console = watch(page)
    camera = Camera.objects.order_by("asset_tag").first()
    officer = Officer.objects.order_by("badge_number").first()

    pages = {
        reverse("dashboard"): "h1",
        reverse("inventory:camera_list"): "table",
        reverse("inventory:camera_detail", args=[camera.asset_tag]): "h1",
        reverse("inventory:flags"): "h1",
        # Barcodes drawn by python-barcode, QR codes by segno: inline SVG, no style attributes.
        f"{reverse('inventory:labels')}?camera={camera.asset_tag}": "svg.code128",
        f"{reverse('assignments:badge_cards')}?badge={officer.badge_number}": "svg",
        reverse("assignments:officer_list"): "table",
        reverse("imports:index"): "h1",
        reverse("kiosk_console:list"): "h1",
        reverse("reports:index"): "h1",
        reverse("reports:readiness"): "figure.chart svg",
        reverse("reports:coverage"): "figure.chart svg",
        reverse("reports:maintenance"): "figure.chart svg",
        reverse("reports:utilization"): "figure.chart svg",
        reverse("reports:compliance"): "figure.chart svg",
        reverse("reports:audit_log"): "h1",
        reverse("admin:inventory_camera_change", args=[camera.pk]): "form",
        # Swagger UI builds the page with its own scripts: wait for an operation to be drawn.
        reverse("api_docs"): ".opblock",
    }
    for path, ready in pages.items():
        page.goto(live_server.url + path)
        page.locator(ready).first.wait_for()
        page.wait_for_load_state("networkidle")
        assert violations(page, console) == [], path
    # The chart's own styles applied (its <style> carries the nonce): the title uses pygal's font size.
    page.goto(live_server.url + reverse("reports:maintenance"))
    size = page.locator("figure.chart svg .title").first.evaluate("e => getComputedStyle(e).fontSize")
    assert size == "16px"
    # The barcode's white ground is white (its colours are fill attributes, not refused style attributes).
    page.goto(f"{live_server.url}{reverse('inventory:labels')}?camera={camera.asset_tag}")
    fill = page.locator("svg.code128 rect").first.evaluate("e => getComputedStyle(e).fill")
    assert fill == "rgb(255, 255, 255)"


def test_kiosk_sign_in_check_out_and_return_have_no_csp_violations(live_server, page, settings):
    by = Actor.system_process("tests")
    settings.KIOSK_RESULT_SECONDS = settings.KIOSK_PRESHIFT_SECONDS = 2
    officer = OfficerFactory(shift=ShiftFactory())
    assignments.set_officer_pin(officer=officer, pin="246810", by=by)
    CameraFactory(asset_tag="HPD-BWC-0412", dock=DockFactory(bays=8), dock_bay=1)
    _, token = kiosk_services.register_kiosk(name="HQ front desk", location="HQ", by=by)
    console = watch(page)

    page.goto(live_server.url + reverse("kiosk:enroll", args=[token]))
    page.get_by_label("Badge number").fill(officer.badge_number)
    # kiosk.js runs: a scanner's Enter in the badge field moves on to the PIN instead of submitting.
    page.get_by_label("Badge number").press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_pin"
    page.get_by_label("PIN").fill("246810")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Camera barcode").fill("HPD-BWC-0412")
    page.get_by_role("button", name="Check out").click()
    assert "HPD-BWC-0412 is checked out" in page.get_by_role("status").inner_text()
    assert violations(page, console) == []

    # The result screen goes back to the start by itself (kiosk.js), then the return.
    page.get_by_label("Badge number").wait_for(timeout=8000)
    page.get_by_label("Camera barcode").fill("HPD-BWC-0412")
    page.get_by_role("button", name="Check in").click()
    page.get_by_role("button", name="Working").click()
    page.get_by_role("status").wait_for()
    page.wait_for_load_state("networkidle")
    assert violations(page, console) == []
