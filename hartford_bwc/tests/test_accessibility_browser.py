"""Section 508 (WCAG 2.1 AA) in real headless Chromium: every console, report and kiosk page passes
axe-core with no serious or critical violation, on a seeded demo fleet so that tables, charts and
forms are drawn with data."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.urls import resolve, reverse

from accounts import roles
from assignments import services as assignments
from assignments.models import Officer
from audit.actor import Actor
from audit.models import AuditEvent
from demo.services import seed_fleet
from devices import services as devices
from hartford_bwc.factories import (
    CameraFactory,
    DeviceFactory,
    DeviceModelFactory,
    DockFactory,
    OfficerFactory,
    ShiftFactory,
    UserFactory,
    VehicleFactory,
)
from hartford_bwc.testing import accessibility_violations
from inventory.flags.sweep import run_sweep
from inventory.models import Camera, Dock, Flag
from kiosk import pin_letters
from kiosk import services as kiosk_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _camera() -> Camera:
    return Camera.objects.order_by("asset_tag").first()


def _officer() -> Officer:
    return Officer.objects.filter(checkouts__isnull=False).order_by("badge_number").first()


def _kiosk():
    return kiosk_services.register_kiosk(name="District 2 lobby", location="", by=Actor.system_process("t"))[0]


def _device():
    """A holster sensor issued to an officer, paired with a camera, flagged: the device page at its fullest."""
    from devices import services as devices
    from devices.models import DeviceFlag
    from hartford_bwc.factories import DeviceFactory, DeviceModelFactory

    by = Actor.system_process("tests")
    device = DeviceFactory(model=DeviceModelFactory(minimum_firmware="2.0.0", needs_pairing=True))
    devices.issue_to_officer(device=device, officer=_officer(), by=by)
    devices.pair_with_camera(device=device, camera=_camera(), by=by)
    DeviceFlag.objects.create(device=device, kind=DeviceFlag.Kind.FIRMWARE_BELOW_MINIMUM)
    return device


def _vehicle():
    """A vehicle with a signal unit installed, and another unit in stock for the install form."""
    from devices import services as devices
    from devices.models import DeviceKind
    from hartford_bwc.factories import DeviceFactory, DeviceModelFactory

    model = DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT)
    vehicle = VehicleFactory()
    devices.install_in_vehicle(device=DeviceFactory(model=model), vehicle=vehicle, by=Actor.system_process("tests"))
    DeviceFactory(model=model)
    return vehicle


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


# Each console page answering GET, by its URL name (what test_accessibility_coverage.py checks against
# the URL resolver): None when the page is just reverse(name), else a function of the seeded fleet giving
# its path. A new page goes here; a page reached only by a POST or in a special state goes in STATE_PAGES.
CONSOLE_PAGES: dict[str, Callable[[], str] | None] = {
    "dashboard": None,
    "inventory:camera_list": None,
    "inventory:camera_detail": lambda: reverse("inventory:camera_detail", args=[_camera().asset_tag]),
    "inventory:camera_add": None,
    "inventory:camera_edit": lambda: reverse("inventory:camera_edit", args=[_camera().asset_tag]),
    "devices:device_list": lambda: (_device(), reverse("devices:device_list"))[1],
    "devices:device_detail": lambda: reverse("devices:device_detail", args=[_device().asset_tag]),
    "devices:vehicle_list": lambda: (_vehicle(), reverse("devices:vehicle_list"))[1],
    "devices:vehicle_detail": lambda: reverse("devices:vehicle_detail", args=[_vehicle().unit_number]),
    "devices:device_create": None,
    "devices:device_edit": lambda: reverse("devices:device_edit", args=[_device().asset_tag]),
    "devices:device_labels": lambda: _query("devices:device_labels", device=_device().asset_tag),
    "devices:vehicle_create": None,
    "devices:vehicle_edit": lambda: reverse("devices:vehicle_edit", args=[_vehicle().unit_number]),
    "inventory:flags": None,
    "inventory:flag_detail": lambda: reverse("inventory:flag_detail", args=[Flag.objects.order_by("pk").first().pk]),
    "inventory:labels": lambda: _query("inventory:labels", camera=_camera().asset_tag),
    "stocktake:list": None,
    "stocktake:detail": lambda: reverse("stocktake:detail", args=[_stocktake()]),
    "stocktake:shelves": None,
    "stocktake:vendor": None,
    "stocktake:vendor_export": lambda: reverse("stocktake:vendor_export", args=[_vendor_export()]),
    "assignments:officer_list": None,
    "assignments:officer_detail": lambda: reverse("assignments:officer_detail", args=[_officer().badge_number]),
    "assignments:officer_add": None,
    "assignments:officer_edit": lambda: reverse("assignments:officer_edit", args=[_officer().badge_number]),
    "assignments:officer_duty": lambda: reverse("assignments:officer_duty", args=[_officer().badge_number]),
    "assignments:pin_letters": lambda: _query("assignments:pin_letters", badge=_officer().badge_number),
    "assignments:badge_cards": lambda: _query("assignments:badge_cards", badge=_officer().badge_number),
    "imports:index": None,
    "kiosk_console:list": None,
    "kiosk_console:register": None,
    "kiosk_console:alerts": None,
    "kiosk_console:revoke": lambda: reverse("kiosk_console:revoke", args=[_kiosk().pk]),
    "reports:index": None,
    "reports:readiness": None,
    "reports:coverage": None,
    "reports:utilization": None,
    "reports:compliance": None,
    "reports:maintenance": None,
    "reports:officer_history": lambda: _query("reports:officer_history", badge=_officer().badge_number),
    "reports:camera_custody": lambda: _query("reports:camera_custody", asset_tag=_camera().asset_tag),
    "reports:signal_readiness": None,
    "reports:audit_log": None,
    "reports:audit_event": lambda: reverse("reports:audit_event", args=[AuditEvent.objects.order_by("pk").first().pk]),
    "password_change": None,
    "password_change_done": None,
    "notification_settings": None,
    "api_docs": None,
    "api:api-root": None,
    "api:camera-list": None,
    "api:camera-detail": lambda: reverse("api:camera-detail", args=[_camera().asset_tag]),
}


def console_path(name: str) -> str:
    path = CONSOLE_PAGES[name]
    return reverse(name) if path is None else path()


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
    staff_page.goto(live_server.url + console_path(name))
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


# --- pages reached only by a POST, or in a special state -----------------------------------------
# Each: the URL name the browser ends on (checked, and what test_accessibility_coverage.py counts) and how
# a person gets there from a signed-in administrator's browser on the seeded fleet.


def _submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def _camera_with(status: str) -> Camera:
    return Camera.objects.filter(status=status).order_by("asset_tag").first()


def _retire_confirmation(page, base: str) -> None:
    camera = _camera_with(Camera.Status.AVAILABLE)
    page.goto(base + reverse("inventory:camera_detail", args=[camera.asset_tag]))
    retire = page.locator("section.action", has=page.get_by_role("heading", name="Retire"))
    retire.get_by_label("Reason").fill("Cracked housing, beyond repair")
    _submit(page, retire.get_by_role("button", name="Retire…"))
    page.get_by_role("button", name=f"Confirm: retire {camera.asset_tag}").wait_for()


def _bulk(action: str, status: str, how_many: int = 3):
    """The camera list filtered to `status`, `how_many` rows ticked, then the bulk button `action`."""

    def drive(page, base: str) -> None:
        page.goto(base + _query("inventory:camera_list", status=status))
        boxes = page.locator("input[type=checkbox][name=camera]")
        boxes.first.wait_for()
        for index in range(min(how_many, boxes.count())):
            boxes.nth(index).check()
        _submit(page, page.get_by_role("button", name=action))
        page.get_by_role("table").wait_for()

    return drive


def _bulk_move_with_bays(page, base: str) -> None:
    _bulk("Move to a dock…", Camera.Status.AVAILABLE)(page, base)
    last = Dock.objects.filter(is_active=True).order_by("name").last()  # not where they are
    page.get_by_label("Dock").fill(last.name)
    _submit(page, page.get_by_role("button", name="Show the bays"))
    page.get_by_text("bay").first.wait_for()


def _pin_letters_printed(page, base: str) -> None:
    page.goto(base + _query("assignments:pin_letters", badge=_officer().badge_number))
    _submit(page, page.locator("main form button[type=submit]").first)
    page.locator(".pin-letter, main").first.wait_for()


def _new_pin(page, base: str) -> None:
    page.goto(base + reverse("assignments:officer_detail", args=[_officer().badge_number]))
    _submit(page, page.get_by_role("button", name="Reset kiosk PIN"))


def _new_kiosk_link(page, base: str) -> None:
    _kiosk()
    page.goto(base + reverse("kiosk_console:list"))
    _submit(page, page.get_by_role("button", name=re.compile("^New")).first)
    page.locator("svg").first.wait_for()  # the QR code


def _kiosk_registered(page, base: str) -> None:
    page.goto(base + reverse("kiosk_console:register"))
    page.get_by_label("Name").fill("District 2 lobby")
    _submit(page, page.locator("main form button[type=submit]").first)
    page.locator("svg").first.wait_for()


def _stocktake_started(page, base: str) -> None:
    page.goto(base + reverse("stocktake:list"))
    page.get_by_label("Place to count").select_option("spare_shelf")
    _submit(page, page.get_by_role("button", name="Start counting"))


def _stocktake_mid_scan(page, base: str) -> None:
    _stocktake_started(page, base)
    for code in (_camera().asset_tag, "HPD-BWC-9999"):  # one known, one the records do not know
        page.get_by_label("Scan a code").fill(code)
        _submit(page, page.get_by_role("button", name="Count", exact=True))


def _stocktake_result(page, base: str) -> None:
    _stocktake_mid_scan(page, base)
    _submit(page, page.get_by_role("button", name="Finish the count"))
    page.get_by_role("heading", name="Expected, not seen").wait_for()


def _stocktake_confirmation(asset_tag: Callable[[], str], fix: str):
    """A spare-shelf count that scanned an asset recorded with an officer, then its fix's confirmation page."""

    def drive(page, base: str) -> None:
        tag = asset_tag()
        _stocktake_started(page, base)
        page.get_by_label("Scan a code").fill(tag)
        _submit(page, page.get_by_role("button", name="Count", exact=True))
        _submit(page, page.get_by_role("button", name="Finish the count"))
        _submit(page, page.get_by_role("button", name=f"{fix}: {tag}"))
        page.get_by_role("heading", name=f"{fix} {tag}?").wait_for()

    return drive


def _import_preview(page, base: str) -> None:
    """An officer file with one good row and one refused (no badge, a bad email, "maybe" for active)."""
    upload = Path(tempfile.mkdtemp()) / "officers.csv"
    upload.write_text(
        "badge_number,first_name,last_name,rank,unit,shift,email,active\r\n"
        "7001,Ana,Lopez,Officer,Patrol District 1,,,yes\r\n"
        ",,Nobody,,,,not-an-email,maybe\r\n"
    )
    page.goto(base + reverse("imports:index"))
    page.get_by_label("Officer file (.csv or .xlsx)").set_input_files(str(upload))
    _submit(page, page.get_by_role("button", name="Preview officer import"))
    page.get_by_role("table").first.wait_for()


def _import_refused(page, base: str) -> None:
    upload = Path(tempfile.mkdtemp()) / "officers.xlsx"
    upload.write_bytes(b"not a spreadsheet")
    page.goto(base + reverse("imports:index"))
    page.get_by_label("Officer file (.csv or .xlsx)").set_input_files(str(upload))
    _submit(page, page.get_by_role("button", name="Preview officer import"))


def _flag_note_refused(page, base: str) -> None:
    page.goto(base + reverse("inventory:flag_detail", args=[Flag.objects.order_by("pk").first().pk]))
    page.locator(".flag-note-form textarea, .flag-note-form input[type=text]").first.fill("   ")
    _submit(page, page.get_by_role("button", name="Add note"))
    page.get_by_role("alert").first.wait_for()


def _exemption_refused(page, base: str) -> None:
    page.goto(base + reverse("assignments:officer_duty", args=[_officer().badge_number]))
    _submit(page, page.get_by_role("button", name="Grant exemption"))  # nothing filled in


def _admin_change_form(page, base: str) -> None:
    page.goto(base + reverse("admin:assignments_officer_change", args=[_officer().pk]))


STATE_PAGES: dict[str, tuple[str, Callable]] = {
    "retire a camera: confirmation": ("inventory:camera_retire", _retire_confirmation),
    "bulk check-in: confirmation": (
        "inventory:camera_bulk_check_in",
        _bulk("Check in…", Camera.Status.CHECKED_OUT),
    ),
    "bulk retire: confirmation with a reason to give": (
        "inventory:camera_bulk_retire",
        _bulk("Retire…", Camera.Status.AVAILABLE),
    ),
    "bulk retire: refused cameras named": ("inventory:camera_bulk_retire", _bulk("Retire…", Camera.Status.CHECKED_OUT)),
    "bulk move to a dock: choose the dock": (
        "inventory:camera_bulk_move_to_dock",
        _bulk("Move to a dock…", Camera.Status.CHECKED_OUT),
    ),
    "bulk move to a dock: the bays shown": ("inventory:camera_bulk_move_to_dock", _bulk_move_with_bays),
    "bulk send to inspection: confirmation": (
        "inventory:camera_bulk_send_to_inspection",
        _bulk("Send to inspection…", Camera.Status.AVAILABLE),
    ),
    "PIN letters: printed": ("assignments:pin_letters", _pin_letters_printed),
    "officer: a new PIN shown once": ("assignments:officer_reset_pin", _new_pin),
    "kiosk registered: link and QR code": ("kiosk_console:register", _kiosk_registered),
    "kiosk: a new link for a replaced PC": ("kiosk_console:link", _new_kiosk_link),
    "stocktake: counting, after two scans": ("stocktake:detail", _stocktake_mid_scan),
    "stocktake: the result with its fixes": ("stocktake:detail", _stocktake_result),
    "stocktake: a check-in asks first": (
        "stocktake:fix",
        _stocktake_confirmation(lambda: _camera_with(Camera.Status.CHECKED_OUT).asset_tag, "Check in"),
    ),
    "stocktake: a device's return to stock asks first": (
        "stocktake:fix",
        _stocktake_confirmation(lambda: _device().asset_tag, "Return to stock"),
    ),
    "import preview with refused rows": ("imports:preview", _import_preview),
    "import: an unreadable file refused": ("imports:upload", _import_refused),
    "flag: an empty note refused": ("inventory:flag_note", _flag_note_refused),
    "officer duty: an exemption refused": ("assignments:officer_grant_exemption", _exemption_refused),
    "admin: index": ("admin:index", lambda page, base: page.goto(base + reverse("admin:index"))),
    "admin: an officer's change form": ("admin:assignments_officer_change", _admin_change_form),
}


@pytest.mark.parametrize("name", STATE_PAGES)
def test_page_after_a_post_or_in_a_state_has_no_serious_accessibility_violation(staff_page, live_server, name):
    url_name, drive = STATE_PAGES[name]
    drive(staff_page, live_server.url)
    staff_page.wait_for_load_state("networkidle")
    assert resolve(urlsplit(staff_page.url).path).view_name == url_name
    assert accessibility_violations(staff_page) == []


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
    spare = CameraFactory(asset_tag="HPD-BWC-0100", dock=dock, dock_bay=2)
    # Signal triggers: the confirmation of HPD-BWC-0100 lists one paired with it and one still to pair.
    sensor = DeviceFactory(asset_tag="HPD-SIG-0001")
    devices.issue_to_officer(device=sensor, officer=officer, by=by)
    devices.pair_with_camera(device=sensor, camera=spare, by=by)
    weapon = DeviceFactory(asset_tag="HPD-CEW-0002", model=DeviceModelFactory(kind="signal_weapon", needs_pairing=True))
    devices.issue_to_officer(device=weapon, officer=officer, by=by)
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
    assert "HPD-CEW-0002" in kiosk.page.locator(".kiosk-signal").inner_text()


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


def _sign_in_refused(kiosk: KioskSetup) -> None:
    kiosk.home().fill(kiosk.officer.badge_number)
    kiosk.page.get_by_label("PIN").fill("000000")
    kiosk.page.get_by_role("button", name="Sign in").click()
    kiosk.page.get_by_role("alert").wait_for()


def _choose_pin_refused(kiosk: KioskSetup) -> None:
    _choose_pin(kiosk)
    kiosk.page.get_by_label("New PIN", exact=True).fill("135792")
    kiosk.page.get_by_label("New PIN again").fill("135790")
    kiosk.page.get_by_role("button", name="Set my PIN and sign in").click()
    kiosk.page.get_by_role("alert").wait_for()


def _enrollment_link_spent(kiosk: KioskSetup) -> None:
    kiosk.page.goto(kiosk.live_server.url + reverse("kiosk:enroll", args=["no-such-token"]))


def _as_quartermaster(kiosk: KioskSetup) -> None:
    kiosk.officer.user = UserFactory(username="kiosk-qm", role=roles.QUARTERMASTER)
    kiosk.officer.save(update_fields=["user"])
    kiosk.sign_in()
    kiosk.page.get_by_role("link", name="Stocktake").click()
    kiosk.page.get_by_role("heading", name="Stocktake: choose the place").wait_for()


def _stocktake_count(kiosk: KioskSetup) -> None:
    _as_quartermaster(kiosk)
    kiosk.page.get_by_label("A dock: the name on its label").fill("Dock 01")
    kiosk.page.get_by_role("button", name="Count the dock").click()
    kiosk.page.get_by_label("Scan a code").fill("HPD-BWC-0100")
    kiosk.page.get_by_role("button", name="Count", exact=True).click()
    kiosk.page.get_by_role("status").wait_for()


def _stocktake_done(kiosk: KioskSetup) -> None:
    _stocktake_count(kiosk)
    kiosk.page.get_by_role("button", name="Finish the count").click()
    kiosk.page.get_by_role("heading", name="Count finished").wait_for()


# Each kiosk screen: the URL name the browser ends on (checked; test_accessibility_coverage.py counts
# it) and how an officer gets there from the start screen.
KIOSK_SCREENS: dict[str, tuple[str, Callable[[KioskSetup], None]]] = {
    "start": ("kiosk:home", lambda kiosk: None),
    "sign-in refused": ("kiosk:sign_in", _sign_in_refused),
    "signed in": ("kiosk:home", _signed_in),
    "refusal": ("kiosk:check_out", _refused),
    "my equipment": ("kiosk:my_equipment", _my_equipment),
    "confirmation and pre-shift check": ("kiosk:done", _confirmation),
    "return": ("kiosk:return", _return),
    "return refused": ("kiosk:return", _return_refused),
    "pre-shift swap": ("kiosk:done", _swapped),
    "PIN letter": ("kiosk:pin_letter", _pin_letter),
    "choose a PIN": ("kiosk:pin_letter", _choose_pin),
    "choose a PIN refused": ("kiosk:choose_pin", _choose_pin_refused),
    "not enrolled": ("kiosk:home", _not_enrolled),
    "enrollment link spent": ("kiosk:enroll", _enrollment_link_spent),
    "stocktake: choose the place": ("kiosk:stocktake", _as_quartermaster),
    "stocktake: counting": ("kiosk:stocktake_count", _stocktake_count),
    "stocktake: finished": ("kiosk:stocktake_count", _stocktake_done),
}


@pytest.mark.parametrize("name", KIOSK_SCREENS)
def test_kiosk_screen_has_no_serious_accessibility_violation_and_glove_sized_targets(kiosk, name):
    url_name, drive = KIOSK_SCREENS[name]
    drive(kiosk)
    page = kiosk.page
    page.wait_for_load_state("networkidle")
    assert resolve(urlsplit(page.url).path).view_name == url_name
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
