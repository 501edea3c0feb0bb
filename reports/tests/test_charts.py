"""Chart config: whole legends, and red only where a chart shows a shortage."""

from __future__ import annotations

import re

import pytest

from reports import charts


def _series_colours(svg: str) -> dict[int, str]:
    # pygal writes one CSS rule per series: ".color-N, .color-N a:visited { stroke: #...; fill: #...; }"
    return {
        int(n): colour.lower() for n, colour in re.findall(r"\.color-(\d+)[^{]*\{\s*stroke:\s*(#[0-9a-fA-F]{6})", svg)
    }


def test_long_series_names_are_not_truncated_in_the_legend():
    svg = charts.bar("T", ["A", "B"], {"Spares charged by the start of the shift": [1, 2], "Other": [3, 4]})
    assert "Spares charged by the start of the shift" in svg
    assert "…" not in svg


def test_default_palette_has_no_red():
    svg = charts.bar("T", ["A"], {f"S{n}": [n] for n in range(6)})
    colours = _series_colours(svg)
    assert len(colours) >= 6
    assert charts.SHORT not in colours.values()


def test_readiness_chart_draws_only_the_shortage_in_red(fleet, supervisor_client):
    html = supervisor_client.get("/reports/readiness/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    colours = _series_colours(svg)
    assert [n for n, colour in colours.items() if colour == charts.SHORT] == [4]
    assert "Short (officers without a camera)" in svg
    assert "Own cameras ready" in svg and colours[1] == charts.GREEN


def _legend_bottom_and_height(svg: str) -> tuple[float, float]:
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg)[1])
    top = float(re.search(r'<g transform="translate\([\d.]+, ([\d.]+)\)" class="legends">', svg)[1])
    rows = max(float(y) for y in re.findall(r'class="legends">.*?<rect x="[\d.]+" y="([\d.]+)"', svg, re.S))
    return top + rows + 12, height  # 12: the legend box's size


@pytest.mark.parametrize("series", [1, 2, 3, 4, 5, 8, 9])
def test_the_legend_fits_inside_the_chart_whatever_the_number_of_series(series):
    # With fewer series than legend columns pygal reserved no row at all: "Average", "Longest" and
    # every one- or two-series legend were cut off at the chart's bottom edge.
    svg = charts.bar("T", ["A", "B"], {f"Series {n}": [n, n + 1] for n in range(series)})
    bottom, height = _legend_bottom_and_height(svg)
    assert bottom <= height
