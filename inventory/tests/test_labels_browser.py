"""Every label stock prints the whole asset tag and serial at a legible size, in Chromium's print output.

Measured in headless Chromium with print media: each text must lie inside its label and not be cut
(no ellipsis, no overflow), at 7 pt or more; the PDF Chromium prints has one page per sheet, and one
per label on the 2" x 1" roll. The serials are as long as vendors' get (20 characters).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from hartford_bwc.factories import CameraFactory, UserFactory
from inventory.labels import ASSET_LABEL_SIZES

pytestmark = [pytest.mark.browser]

CAMERAS = [("HPD-BWC-0412", "X6910A2B4C5D6E7F8G9H"), ("HPD-BWC-1044", "MSI-VB400-2210734561")]
PT = 96 / 72  # CSS pixels per point

MEASURE = """label => {
  const box = label.getBoundingClientRect();
  const part = (selector) => {
    const el = label.querySelector(selector);
    const r = el.getBoundingClientRect();
    return {text: el.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            cut: el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
            size: parseFloat(getComputedStyle(el).fontSize)};
  };
  return {box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
          tag: part('.tag'), serial: part('.serial')};
}"""


def unreadable(measured: dict) -> list[str]:
    box, problems = measured["box"], []
    for name, part in (("tag", measured["tag"]), ("serial", measured["serial"])):
        outside = (
            part["left"] < box["left"] - 0.5
            or part["right"] > box["right"] + 0.5
            or part["top"] < box["top"] - 0.5
            or part["bottom"] > box["bottom"] + 0.5
        )
        if outside or part["cut"]:
            problems.append(f"{name} {part['text']!r} is cut")
        if part["size"] < 7 * PT - 0.01:
            problems.append(f"{name} {part['text']!r} is {part['size'] / PT:.1f} pt")
    return problems


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


@pytest.fixture
def labels_page(transactional_db, live_server, page, client):
    Group.objects.get_or_create(name=roles.QUARTERMASTER)
    for tag, serial in CAMERAS:
        CameraFactory(asset_tag=tag, serial_number=serial)
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.mark.parametrize("size", [size.key for size in ASSET_LABEL_SIZES])
def test_every_label_stock_prints_the_whole_tag_and_serial(labels_page, live_server, screenshot_dir, size):
    page = labels_page
    tags = "&".join(f"camera={tag}" for tag, _ in CAMERAS)
    page.goto(f"{live_server.url}/inventory/labels/?{tags}&size={size}")
    page.emulate_media(media="print")

    labels = page.locator(".asset-label").all()
    assert len(labels) == 2
    for label, (tag, serial) in zip(labels, CAMERAS, strict=True):
        measured = label.evaluate(MEASURE)
        assert measured["tag"]["text"] == tag
        assert measured["serial"]["text"] == f"SN {serial}"
        assert unreadable(measured) == [], size
    label_shot = screenshot_dir / f"labels-{size}-print.png"
    labels[0].screenshot(path=str(label_shot))

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    roll = size == "roll-2x1"
    assert pdf_pages(pdf) == (2 if roll else 1)


def test_the_roll_says_labels_on_the_roll_not_sheets(labels_page, live_server):
    page = labels_page
    page.goto(f"{live_server.url}/inventory/labels/?camera=HPD-BWC-0412&camera=HPD-BWC-1044&size=roll-2x1")

    summary = page.locator(".label-controls p.muted").inner_text()
    assert summary.startswith("2 labels on the roll")
    assert "sheet" not in summary


def test_unreadable_sees_an_ellipsis_and_small_print():
    box = {"left": 0, "right": 100, "top": 0, "bottom": 50}
    tag = {"text": "HPD-BWC-0412", "left": 10, "right": 60, "top": 5, "bottom": 15, "cut": False, "size": 14.7}
    serial = {"text": "SN X691", "left": 10, "right": 99, "top": 20, "bottom": 28, "cut": True, "size": 8.0}
    assert unreadable({"box": box, "tag": tag, "serial": serial}) == [
        "serial 'SN X691' is cut",
        "serial 'SN X691' is 6.0 pt",
    ]
