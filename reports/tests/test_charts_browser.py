"""Every chart's legend is drawn whole inside its chart, in real headless Chromium, on a phone and a desk.

Measured from the rendered page, not pygal's arithmetic: the legend's swatches and texts must lie
inside the SVG's box, and no legend text may run into the next one.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from demo.services import seed_fleet
from hartford_bwc.factories import UserFactory
from inventory.flags.sweep import run_sweep

pytestmark = [pytest.mark.browser]

# Each report's charts, and the smallest number of legend entries the demo fleet gives each.
PAGES = {"utilization": 3, "maintenance": 3, "compliance": 2, "signal-readiness": 1}

LEGENDS = """svg => {
  const box = svg.getBoundingClientRect();
  const items = [...svg.querySelectorAll('.legends .legend')].map(g => {
    const r = g.getBoundingClientRect();
    return {text: g.textContent.trim(), left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  });
  return {box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom}, items};
}"""


def legend_problems(measured: dict) -> list[str]:
    box, items = measured["box"], measured["items"]
    problems = [
        f"{item['text']!r} is cut off"
        for item in items
        if item["left"] < box["left"] - 0.5
        or item["right"] > box["right"] + 0.5
        or item["top"] < box["top"] - 0.5
        or item["bottom"] > box["bottom"] + 0.5
    ]
    for n, one in enumerate(items):
        for other in items[n + 1 :]:
            across = min(one["right"], other["right"]) - max(one["left"], other["left"])
            down = min(one["bottom"], other["bottom"]) - max(one["top"], other["top"])
            if across > 1 and down > 1:
                problems.append(f"{one['text']!r} runs into {other['text']!r}")
    return problems


def test_legend_problems_sees_a_cut_and_an_overlap():
    box = {"left": 0, "top": 0, "right": 100, "bottom": 100}
    cut = {"text": "A", "left": 10, "top": 95, "right": 40, "bottom": 108}
    first = {"text": "B", "left": 10, "top": 80, "right": 60, "bottom": 92}
    second = {"text": "C", "left": 50, "top": 80, "right": 90, "bottom": 92}
    assert legend_problems({"box": box, "items": [cut, first, second]}) == ["'A' is cut off", "'B' runs into 'C'"]


@pytest.fixture
def signed_in(transactional_db, live_server, page, client):
    Group.objects.get_or_create(name=roles.SUPERVISOR)
    seed_fleet(cameras=160, days=21)
    run_sweep()  # the compliance report's flags per week
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_every_chart_legend_is_whole_on_utilization_maintenance_and_compliance(
    signed_in, live_server, screenshot_dir, width, height
):
    page = signed_in
    page.set_viewport_size({"width": width, "height": height})
    for slug, charts in PAGES.items():
        page.goto(f"{live_server.url}/reports/{slug}/")
        svgs = page.locator("figure.chart svg").all()
        assert len(svgs) >= charts, slug
        for n, svg in enumerate(svgs):
            measured = svg.evaluate(LEGENDS)
            assert measured["items"], f"{slug} chart {n} has no legend"
            assert legend_problems(measured) == [], f"{slug} chart {n}"
        page.screenshot(path=str(screenshot_dir / f"reports-{slug}-{width}.png"), full_page=True)
