"""Section 508 (WCAG 2.1 AA) in real headless Chromium: every console, report and kiosk page passes
axe-core with no serious or critical violation, on a seeded demo fleet so that tables, charts and
forms are drawn with data."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from assignments import services as assignments
from assignments.models import Officer
from audit.actor import Actor
from audit.models import AuditEvent
from demo.services import seed_fleet
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, ShiftFactory, UserFactory
from hartford_bwc.testing import accessibility_violations
from inventory.flags.sweep import run_sweep
from inventory.models import Camera, Flag
from kiosk import pin_letters
from kiosk import services as kiosk_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _camera() -> Camera:
    return Camera.objects.order_by("asset_tag").first()


def _officer() -> Officer:
    return Officer.objects.filter(checkouts__isnull=False).order_by("badge_number").first()


def _kiosk():
    return kiosk_services.register_kiosk(name="District 2 lobby", location="", by=Actor.system_process("t"))[0]


def _stocktake() -> int:
    """A finished count of the spare shelf with every kind of line, counted by the staff user signed in."""
    from stocktake import services as stocktake

    by = Actor.system_process("tests")
    user = UserFactory(username="a11y-qm", role=roles.QUARTERMASTER)
    count = stocktake.start(place="spare_shelf", by=Actor.staff(user))
    for camera in Camera.objects.order_by("asset_tag")[:6]:
        stocktake.scan(stocktake=count, code=camera.asset_tag, by=Actor.staff(user))
    stocktake.scan(stocktake=count, code="NOT-OURS-1", by=by)
    stocktake.finish(stocktake=count, by=Actor.staff(user))
    return count.pk


def _vendor_export() -> int:
    from demo.vendor import vendor_export_csv
    from stocktake import vendor, vendor_fixes

    user = UserFactory(username="a11y-qm", role=roles.QUARTERMASTER)
    rows = vendor.read_export(filename="vendor.csv", data=vendor_export_csv())
    return vendor_fixes.keep_export(filename="vendor.csv", rows=rows, by=Actor.staff(user)).pk


def _query(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


# Each console page, as a function of the seeded fleet giving its path.
CONSOLE_PAGES = {
    "dashboard": lambda: reverse("dashboard"),
    "camera list": lambda: reverse("inventory:camera_list"),
    "camera page": lambda: reverse("inventory:camera_detail", args=[_camera().asset_tag]),
    "camera add": lambda: reverse("inventory:camera_add"),
    "camera edit": lambda: reverse("inventory:camera_edit", args=[_camera().asset_tag]),
    "flags": lambda: reverse("inventory:flags"),
    "flag page": lambda: reverse("inventory:flag_detail", args=[Flag.objects.order_by("pk").first().pk]),
    "labels": lambda: _query("inventory:labels", camera=_camera().asset_tag),
    "officer list": lambda: reverse("assignments:officer_list"),
    "officer page": lambda: reverse("assignments:officer_detail", args=[_officer().badge_number]),
    "officer add": lambda: reverse("assignments:officer_add"),
    "officer edit": lambda: reverse("assignments:officer_edit", args=[_officer().badge_number]),
    "officer duty": lambda: reverse("assignments:officer_duty", args=[_officer().badge_number]),
    "PIN letters": lambda: reverse("assignments:pin_letters"),
    "badge cards": lambda: _query("assignments:badge_cards", badge=_officer().badge_number),
    "imports": lambda: reverse("imports:index"),
    "kiosks": lambda: reverse("kiosk_console:list"),
    "kiosk alerts": lambda: reverse("kiosk_console:alerts"),
    "kiosk revoke": lambda: reverse("kiosk_console:revoke", args=[_kiosk().pk]),
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
    "notification settings": lambda: reverse("notification_settings"),
    "password changed": lambda: reverse("password_change_done"),
    "stocktake": lambda: reverse("stocktake:list"),
    "stocktake result": lambda: reverse("stocktake:detail", args=[_stocktake()]),
    "shelves": lambda: reverse("stocktake:shelves"),
    "vendor reconciliation": lambda: reverse("stocktake:vendor"),
    "vendor export": lambda: reverse("stocktake:vendor_export", args=[_vendor_export()]),
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
    # A chart is an image with a name, and its figures are in a table on the same page (the text equivalent).
    charts = staff_page.locator("figure.chart svg")
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label")
    if charts.count():
        assert staff_page.locator("table").count() >= 1


def test_the_sign_in_page_has_no_serious_accessibility_violation(page, live_server):
    page.goto(live_server.url + reverse("login"))
    assert accessibility_violations(page) == []


# --- the kiosk: every screen, by scanner and keyboard alone, with gloves ----------------------

PIN = "246810"
# Gloved fingers: every button, field and link on a kiosk screen is at least this big each way.
TOUCH_TARGET_PX = 48
TOUCH_TARGETS = "button, input:not([type=hidden]), textarea, select, a[href]"


@dataclass
class KioskSetup:
    page: object
    live_server: object
    officer: Officer

    def home(self):
        return self.page.get_by_label("Badge number")

    def sign_in(self):
        self.home().fill(self.officer.badge_number)
        self.page.get_by_label("PIN").fill(PIN)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.get_by_role("link", name="My equipment").wait_for()


@pytest.fixture
def kiosk(page, live_server, db, settings):
    by = Actor.system_process("tests")
    # A loaded test machine is slow: no screen times out under the test.
    settings.KIOSK_IDLE_SECONDS = settings.KIOSK_RESULT_SECONDS = settings.KIOSK_PRESHIFT_SECONDS = 300
    page.set_viewport_size({"width": 1024, "height": 768})
    officer = OfficerFactory(first_name="Dana", last_name="Reyes", shift=ShiftFactory())
    assignments.set_officer_pin(officer=officer, pin=PIN, by=by)
    dock = DockFactory(name="Dock 01", location="HQ equipment room", bays=8)
    mine = CameraFactory(asset_tag="HPD-BWC-0412", dock=dock, dock_bay=1)
    assignments.issue_personal(officer=officer, camera=mine, by=by)
    CameraFactory(asset_tag="HPD-BWC-0100", dock=dock, dock_bay=2)
    returned = CameraFactory(asset_tag="HPD-BWC-0200", dock=dock, dock_bay=3)
    assignments.check_out(camera=returned, officer=officer, by=by)
    Flag.objects.create(camera=returned, kind=Flag.Kind.RETURN_OVERDUE)
    _, token = kiosk_services.register_kiosk(name="HQ front desk", location="HQ equipment room", by=by)
    page.goto(live_server.url + reverse("kiosk:enroll", args=[token]))
    setup = KioskSetup(page, live_server, officer)
    setup.home().wait_for()
    return setup


def _signed_in(kiosk: KioskSetup) -> None:
    kiosk.sign_in()


def _refused(kiosk: KioskSetup) -> None:
    kiosk.sign_in()
    kiosk.page.get_by_label("Camera barcode").fill("HPD-BWC-9999")
    kiosk.page.get_by_role("button", name="Check out").click()
    kiosk.page.get_by_role("alert").wait_for()


def _my_equipment(kiosk: KioskSetup) -> None:
    kiosk.sign_in()
    kiosk.page.get_by_role("link", name="My equipment").click()
    kiosk.page.get_by_role("heading", name="Cameras I hold").wait_for()


def _confirmation(kiosk: KioskSetup) -> None:
    # The officer already holds HPD-BWC-0200: return it first, then take a spare.
    _return(kiosk)
    kiosk.page.get_by_role("button", name="Working").click()
    kiosk.sign_in()
    kiosk.page.get_by_label("Camera barcode").fill("HPD-BWC-0100")
    kiosk.page.get_by_role("button", name="Check out").click()
    kiosk.page.get_by_role("button", name="All checks passed").wait_for()


def _return(kiosk: KioskSetup) -> None:
    kiosk.page.get_by_label("Camera barcode").fill("HPD-BWC-0200")
    kiosk.page.get_by_role("button", name="Check in").click()
    kiosk.page.get_by_role("button", name="Working").wait_for()


def _return_refused(kiosk: KioskSetup) -> None:
    _return(kiosk)
    kiosk.page.get_by_role("button", name="Damaged").click()  # without saying what is wrong
    kiosk.page.get_by_role("alert").wait_for()


def _swapped(kiosk: KioskSetup) -> None:
    # Take my own camera, fail the first pre-shift item: a spare is checked out instead.
    _return(kiosk)
    kiosk.page.get_by_role("button", name="Working").click()
    kiosk.sign_in()
    kiosk.page.get_by_role("button", name="Take my camera HPD-BWC-0412").click()
    kiosk.page.locator(".kiosk-checklist button").first.click()
    kiosk.page.get_by_text("is checked in as damaged").wait_for()


def _pin_letter(kiosk: KioskSetup) -> None:
    kiosk.page.get_by_role("link", name="No PIN yet? Use the code from your PIN letter").click()
    kiosk.page.get_by_label("Code from your PIN letter").wait_for()


def _choose_pin(kiosk: KioskSetup) -> None:
    newcomer = OfficerFactory(first_name="Sam", last_name="Okafor")
    (letter,) = pin_letters.issue_pin_letters(officers=[newcomer], by=Actor.system_process("tests"))
    _pin_letter(kiosk)
    kiosk.page.get_by_label("Badge number").fill(newcomer.badge_number)
    kiosk.page.get_by_label("Code from your PIN letter").fill(letter.code)
    kiosk.page.get_by_role("button", name="Continue").click()
    kiosk.page.get_by_label("New PIN again").wait_for()


def _not_enrolled(kiosk: KioskSetup) -> None:
    kiosk.page.context.clear_cookies()
    kiosk.page.goto(kiosk.live_server.url + reverse("kiosk:home"))


def _as_quartermaster(kiosk: KioskSetup) -> None:
    kiosk.officer.user = UserFactory(username="kiosk-qm", role=roles.QUARTERMASTER)
    kiosk.officer.save(update_fields=["user"])
    kiosk.sign_in()
    kiosk.page.get_by_role("link", name="Stocktake").click()
    kiosk.page.get_by_role("heading", name="Stocktake: choose the place").wait_for()


def _stocktake_count(kiosk: KioskSetup) -> None:
    _as_quartermaster(kiosk)
    kiosk.page.get_by_role("button", name="Dock Dock 01").click()
    kiosk.page.get_by_label("Scan a code").fill("HPD-BWC-0100")
    kiosk.page.get_by_role("button", name="Count", exact=True).click()
    kiosk.page.get_by_role("status").wait_for()


def _stocktake_done(kiosk: KioskSetup) -> None:
    _stocktake_count(kiosk)
    kiosk.page.get_by_role("button", name="Finish the count").click()
    kiosk.page.get_by_role("heading", name="Count finished").wait_for()


KIOSK_SCREENS = {
    "start": lambda kiosk: None,
    "signed in": _signed_in,
    "refusal": _refused,
    "my equipment": _my_equipment,
    "confirmation and pre-shift check": _confirmation,
    "return": _return,
    "return refused": _return_refused,
    "pre-shift swap": _swapped,
    "PIN letter": _pin_letter,
    "choose a PIN": _choose_pin,
    "not enrolled": _not_enrolled,
    "stocktake: choose the place": _as_quartermaster,
    "stocktake: counting": _stocktake_count,
    "stocktake: finished": _stocktake_done,
}


@pytest.mark.parametrize("name", KIOSK_SCREENS)
def test_kiosk_screen_has_no_serious_accessibility_violation_and_glove_sized_targets(kiosk, name):
    KIOSK_SCREENS[name](kiosk)
    page = kiosk.page
    page.wait_for_load_state("networkidle")
    assert accessibility_violations(page) == []
    boxes = page.eval_on_selector_all(
        TOUCH_TARGETS,
        """els => els.filter(e => e.getClientRects().length).map(e => {
             const r = e.getBoundingClientRect();
             return [e.outerHTML.slice(0, 80), Math.round(r.width), Math.round(r.height)];
           })""",
    )
    small = [box for box in boxes if box[1] < TOUCH_TARGET_PX or box[2] < TOUCH_TARGET_PX]
    assert small == []
    # Everything fits the kiosk's 1024 px width (no sideways scrolling on the touch screen).
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024


def tab_to(page, name: str, *, limit: int = 25) -> None:
    """Press Tab until the focused control is `name` (its text or label), and check that focus shows."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return (e.labels && e.labels.length ? e.labels[0].innerText : e.innerText || '').trim(); })()"
        )
        if focused == name:
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{name} shows no focus ring"
            return
    raise AssertionError(f"Tab never reached {name!r}")


def submit(page) -> None:
    """Enter, and wait for the next screen."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_whole_kiosk_works_by_scanner_and_keyboard_alone(kiosk):
    """A scanner types and presses Enter; everything else is Tab and Enter. No mouse, no touch."""
    page, keys = kiosk.page, kiosk.page.keyboard
    # Return the camera the officer holds: from the badge field, Tab to the return field and scan.
    tab_to(page, "Camera barcode")
    keys.type("HPD-BWC-0200")
    submit(page)
    tab_to(page, "Working")
    submit(page)
    assert "HPD-BWC-0200 is checked in" in page.get_by_role("status").inner_text()

    # Sign in: the badge field has the focus; the scanner's Enter moves on to the PIN.
    assert page.evaluate("document.activeElement.id") == "id_badge"
    keys.type(kiosk.officer.badge_number)
    keys.press("Enter")
    keys.type(PIN)
    submit(page)
    page.get_by_role("link", name="My equipment").wait_for()

    # My equipment, and back.
    tab_to(page, "My equipment")
    submit(page)
    page.get_by_role("heading", name="Cameras I hold").wait_for()
    assert "HPD-BWC-0412" in page.locator(".kiosk-held").inner_text()
    tab_to(page, "Back")
    submit(page)

    # Take my camera: the barcode field has the focus; scan its label.
    page.get_by_label("Camera barcode").wait_for()
    assert page.evaluate("document.activeElement.id") == "id_barcode"
    keys.type("HPD-BWC-0412")
    submit(page)
    tab_to(page, "All checks passed")
    submit(page)
    assert "Pre-shift check passed for HPD-BWC-0412" in page.get_by_role("status").inner_text()


def test_the_checker_itself_finds_what_it_must(page):
    """axe-core runs offline in the page and reports a field without a label and low-contrast text."""
    page.set_content(
        '<html lang="en"><title>t</title><main><h1>t</h1><input type="text">'
        '<p><span style="color:#bbb;background:#fff">faint</span></p></main></html>'
    )
    found = " ".join(accessibility_violations(page))
    assert "label (critical)" in found and "color-contrast (serious)" in found


def test_a_refused_camera_action_with_its_errors_has_no_serious_accessibility_violation(staff_page, live_server):
    camera = Camera.objects.filter(status=Camera.Status.AVAILABLE).order_by("asset_tag").first()
    staff_page.goto(live_server.url + reverse("inventory:camera_detail", args=[camera.asset_tag]))
    with staff_page.expect_navigation():
        staff_page.locator("section.action button[type=submit]").first.click()
    assert staff_page.locator(".field-error").count() >= 1
    assert accessibility_violations(staff_page) == []


def test_a_refused_sign_in_has_no_serious_accessibility_violation(page, live_server, db):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").count() >= 1
    assert accessibility_violations(page) == []


def test_a_new_kiosk_link_with_its_qr_code_has_no_serious_accessibility_violation(staff_page, live_server):
    staff_page.goto(live_server.url + reverse("kiosk_console:register"))
    assert accessibility_violations(staff_page) == []
    staff_page.get_by_label("Name").fill("District 2 lobby")
    with staff_page.expect_navigation():
        staff_page.locator("main form button[type=submit]").first.click()
    assert staff_page.locator("svg").count() >= 1  # the QR code
    assert accessibility_violations(staff_page) == []


def test_an_import_preview_with_refused_rows_has_no_serious_accessibility_violation(staff_page, live_server, tmp_path):
    upload = tmp_path / "officers.csv"
    upload.write_text(
        "badge_number,first_name,last_name,rank,unit,shift,email,active\r\n"
        "7001,Ana,Lopez,Officer,Patrol District 1,,,yes\r\n"
        ",,Nobody,,,,not-an-email,maybe\r\n"
    )
    staff_page.goto(live_server.url + reverse("imports:index"))
    staff_page.get_by_label("Officer file (.csv or .xlsx)").set_input_files(str(upload))
    with staff_page.expect_navigation():
        staff_page.get_by_role("button", name="Preview officer import").click()
    staff_page.wait_for_load_state("networkidle")
    assert staff_page.locator("table").count() >= 1
    assert accessibility_violations(staff_page) == []
