#!/usr/bin/env python
"""Take the README's screenshots from a running demo server (`make run`) with headless Chromium.

    .venv/bin/python scripts/readme_screenshots.py [--base-url http://127.0.0.1:8000]

It signs in to the console as the quartermaster, registers a kiosk named "Front desk (screenshots)",
enrolls a second browser with its link and walks the demo officer through the kiosk: sign in, "My
equipment", take a camera, the confirmation with the pre-shift check, and a return (answered "Working",
then docked again in the console so that the next run finds the same state). In the console it assigns
the most severe open flag to a staff user with a note (once), and counts a dock in a stocktake
(scanning all but one of its cameras, one camera from elsewhere and an unknown code) to show the result.
So it changes the demo data a little, like a person clicking through would. The pictures land in
docs/screenshots/readme-*.png (console 1366 px wide, kiosk 1024x768).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
KIOSK_SIZE = {"width": 1024, "height": 768}
CONSOLE_SIZE = {"width": 1366, "height": 900}
KIOSK_NAME = "Front desk (screenshots)"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="quartermaster")
    parser.add_argument("--password", default="hartford-qm-2026")
    parser.add_argument("--badge", default="1002", help="the kiosk demo officer's badge (printed by make run)")
    parser.add_argument("--pin", default="246810")
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            console = _sign_in(browser, args)
            _kiosk(browser, console, args)
            _console(console, args)
        finally:
            browser.close()
    for path in sorted(args.out.glob("readme-*.png")):
        print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    return 0


def _sign_in(browser, args):
    page = browser.new_context(viewport=CONSOLE_SIZE).new_page()
    page.goto(f"{args.base_url}/accounts/login/")
    page.get_by_label("Username").fill(args.username)
    page.get_by_label("Password").fill(args.password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        sys.exit(f"Could not sign in as {args.username} at {args.base_url}; is the demo server running?")
    return page


def _shot(page, args, name: str) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=args.out / f"readme-{name}.png")


def _kiosk(browser, console, args) -> None:
    console.goto(f"{args.base_url}/kiosks/")
    row = console.locator("tbody tr", has_text=KIOSK_NAME)
    if row.count():  # registered by an earlier run: a new link enrolls this browser in its place
        row.first.get_by_role("button", name=re.compile("New")).click()
    else:
        console.goto(f"{args.base_url}/kiosks/register/")
        console.get_by_label("Name").fill(KIOSK_NAME)
        console.get_by_role("button", name="Register").click()
    enroll_url = console.locator("#enroll-url").inner_text().strip()

    kiosk = browser.new_context(viewport=KIOSK_SIZE).new_page()
    kiosk.goto(enroll_url)
    kiosk.goto(f"{args.base_url}/kiosk/")  # without the "now kiosk ..." note
    kiosk.get_by_label("Badge number").type(args.badge)
    kiosk.get_by_label("Badge number").press("Enter")  # moves on to the PIN, like a badge scanner
    kiosk.get_by_label("PIN").type(args.pin)
    _shot(kiosk, args, "kiosk-sign-in")
    kiosk.get_by_label("PIN").press("Enter")
    kiosk.wait_for_load_state()
    take = kiosk.get_by_role("button", name=re.compile(r"^Take "))
    if not take.count():
        sys.exit(f"The kiosk offers badge {args.badge} no camera to take: {kiosk.locator('main').inner_text()}")
    _shot(kiosk, args, "kiosk-signed-in")
    kiosk.get_by_role("link", name="My equipment").click()
    kiosk.get_by_role("heading", name="Cameras I hold").wait_for()
    _shot(kiosk, args, "kiosk-my-equipment")
    kiosk.get_by_role("link", name="Back").click()
    kiosk.wait_for_load_state()
    take.first.click()
    kiosk.wait_for_load_state()
    tag = re.search(r"[A-Z]+-[A-Z]+-\d+", kiosk.locator("[role=status]").inner_text())[0]
    _shot(kiosk, args, "kiosk-confirmation")
    kiosk.get_by_role("button", name="All checks passed").click()
    kiosk.wait_for_load_state()

    # Like a scanner: the code and its Enter in one burst. Typed by hand, the return of a camera would
    # raise a kiosk alert, and every later dashboard shot would show it.
    with kiosk.expect_navigation():
        kiosk.get_by_label("Camera barcode").press_sequentially(tag + "\n")
    kiosk.wait_for_load_state()
    _shot(kiosk, args, "kiosk-return")
    kiosk.get_by_role("button", name="Working").click()
    kiosk.wait_for_load_state()
    _dock_again(console, args, tag, kiosk.locator("[role=status]").inner_text())
    kiosk.context.close()


def _dock_again(console, args, tag: str, message: str) -> None:
    """Record the returned camera's full charge in the dock the kiosk named, so the next run can take it."""
    where = re.search(r"Dock (\S+), bay (\d+)", message)
    # A full charge does not dock a camera by itself: record the docking first, then the charge.
    for kind in ("docked", "full_charge"):
        console.goto(f"{args.base_url}/inventory/cameras/{tag}/")
        form = console.locator("section.action", has=console.get_by_role("heading", name="Record a charge or dock"))
        form.get_by_label("What happened").select_option(kind)
        if where:
            form.get_by_label("Dock").fill(f"Dock {where[1]}")
            form.get_by_label("Bay").fill(where[2])
        if kind == "full_charge":
            form.get_by_label("Battery %").fill("100")
        form.get_by_role("button", name="Record").click()
        console.wait_for_load_state()


def _console(page, args) -> None:
    base = args.base_url
    page.goto(f"{base}/")
    _shot(page, args, "console-dashboard")
    page.goto(f"{base}/inventory/cameras/")
    _shot(page, args, "console-cameras")
    page.goto(f"{base}/inventory/cameras/new/")
    _shot(page, args, "console-camera-add")
    # A camera with something to show: out with an officer, overdue, flagged.
    page.goto(f"{base}/inventory/flags/?kind=return_overdue")
    overdue = page.locator("tbody a[href^='/inventory/cameras/']").first
    page.goto(f"{base}{overdue.get_attribute('href')}" if overdue.count() else f"{base}/inventory/cameras/")
    _shot(page, args, "console-camera")
    _assign_a_flag(page, args)
    page.goto(f"{base}/inventory/flags/")
    _shot(page, args, "console-flags")
    _stocktake(page, args)
    page.goto(f"{base}/accounts/notifications/")
    _shot(page, args, "console-notifications")
    page.goto(f"{base}/reports/readiness/")
    _shot(page, args, "reports-readiness")


def _assign_a_flag(page, args) -> None:
    """The flag list sorts the most severe first: assign the top one to the first staff user offered, with a note."""
    page.goto(f"{args.base_url}/inventory/flags/")
    page.locator("tbody a[href^='/inventory/flags/']").first.click()
    page.wait_for_load_state()
    assignee = page.get_by_label("Assign to")
    if assignee.input_value():
        return  # assigned by an earlier run
    assignee.select_option(label=assignee.locator("option").nth(1).inner_text())
    page.get_by_role("button", name="Assign").click()
    page.wait_for_load_state()
    page.get_by_label("New note").fill("Called the officer's sergeant; camera due back at the end of the shift.")
    page.get_by_role("button", name="Add note").click()
    page.wait_for_load_state()


def _stocktake(page, args) -> None:
    """Count the dock of the first camera on the list: all its cameras but one, one from elsewhere, one unknown."""
    base = args.base_url
    page.goto(f"{base}/inventory/cameras/?status=available")
    rows = page.locator("tbody tr")
    first = rows.first.inner_text()
    dock = re.search(r"Dock \d+", first)
    if dock is None:
        sys.exit(f"The first available camera is in no dock: {first!r}")
    in_dock = [
        re.search(r"[A-Z]+-[A-Z]+-\d+", row)[0] for row in rows.all_inner_texts() if re.search(rf"{dock[0]}\b", row)
    ]
    elsewhere = next(re.search(r"[A-Z]+-[A-Z]+-\d+", row)[0] for row in rows.all_inner_texts() if dock[0] not in row)
    page.goto(f"{base}/inventory/stocktake/")
    page.get_by_label("Place to count").select_option("dock")
    docks = page.get_by_label("Dock")
    docks.select_option(docks.locator("option", has_text=f"{dock[0]} ").first.get_attribute("value"))
    page.get_by_role("button", name="Start counting").click()
    page.wait_for_load_state()
    for code in [*in_dock[:-1], elsewhere, "HPD-BWC-9999"]:
        page.get_by_label("Scan a code").fill(code)
        page.get_by_label("Scan a code").press("Enter")
        page.wait_for_load_state()
    page.get_by_role("button", name="Finish the count").click()
    page.wait_for_load_state()
    _shot(page, args, "console-stocktake-result")


if __name__ == "__main__":
    sys.exit(main())
