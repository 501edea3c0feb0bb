"""Headless Chromium: a quartermaster imports a small camera delivery through preview and confirm, then labels it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from hartford_bwc.factories import CameraFactory, CameraModelFactory, UserFactory
from hartford_bwc.testing import publish_screenshot
from inventory.models import Camera

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    # A transactional test flushes the tables after it, the groups of the roles migration with them.
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)


DELIVERY = """asset_tag,serial_number,maker,model,firmware_version,purchase_batch,purchased_on,pool
HPD-BWC-0476,D4A0000476,Axon,Body 4,4.1.0,2026 expansion,2026-03-02,spare
HPD-BWC-0477,D4A0000477,Axon,Body 4,4.1.0,2026 expansion,2026-03-02,spare
HPD-BWC-0012,X6A0000012,Axon,Body 4,4.1.0,,,
"""


def test_quartermaster_imports_a_delivery_through_preview_and_confirm(page, live_server, screenshot_dir, tmp_path):
    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    CameraModelFactory(maker="Axon", name="Body 4")
    existing = CameraFactory(asset_tag="HPD-BWC-0012", serial_number="X6A0000012", firmware_version="3.4.1")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("quinn")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    # A bad file first: refused whole, with the reason.
    bad = tmp_path / "delivery.csv"
    bad.write_text("asset,serial\nx,y\n")
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("Camera file (.csv or .xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Preview camera import").click()
    alert = page.get_by_role("alert")
    assert "missing: asset_tag, serial_number, maker, model" in alert.inner_text()
    page.screenshot(path=str(screenshot_dir / "import-refused.png"), full_page=True)

    good = tmp_path / "delivery-march.csv"
    good.write_text(DELIVERY)
    page.get_by_label("Camera file (.csv or .xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Preview camera import").click()
    page.get_by_role("button", name="Confirm import").wait_for()
    assert "2 to create" in page.inner_text(".import-summary")
    assert "1 to update" in page.inner_text(".import-summary")
    page.screenshot(path=str(screenshot_dir / "import-preview.png"), full_page=True)
    assert Camera.objects.count() == 1, "nothing is written before the confirmation"

    page.get_by_role("button", name="Confirm import").click()
    status = page.get_by_role("status").first
    assert "2 created, 1 updated, 0 unchanged" in status.inner_text()
    page.screenshot(path=str(screenshot_dir / "import-applied.png"), full_page=True)
    assert Camera.objects.count() == 3
    existing.refresh_from_db()
    assert existing.firmware_version == "4.1.0"

    page.goto(f"{live_server.url}/inventory/labels/?camera=HPD-BWC-0476&camera=HPD-BWC-0477&camera=HPD-BWC-0012")
    assert page.locator(".asset-label svg.qr").count() == 3
    assert page.locator(".asset-label svg.code128").count() == 3
    page.screenshot(path=str(screenshot_dir / "labels-sheet.png"), full_page=True)

    for name in ("import-preview", "import-applied", "import-refused", "labels-sheet"):
        publish_screenshot(screenshot_dir / f"{name}.png", f"{name}.png")
