"""Charts as inline SVG rendered on the server with pygal: no JavaScript, no CDN, prints as drawn."""

from __future__ import annotations

import re
from collections.abc import Sequence
from math import ceil

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style
from pygal.util import text_len

# Red means short (too few cameras), and nothing else: the default palette has no red, and a chart
# that shows a shortage passes SHORT for that series only.
BLUE, GREEN, AMBER, SLATE, PURPLE, TEAL = "#1565c0", "#1b6e35", "#8a5a00", "#536171", "#6a1b9a", "#00838f"
SHORT = "#a61b1b"
INDIGO, BROWN, OLIVE = "#283593", "#6d4c41", "#827717"
# Nine colours for the nine flag kinds: past the palette pygal darkens its colours to near-black
# ("Repair overdue at vendor" and "Return overdue" looked the same).
PALETTE = (BLUE, GREEN, AMBER, SLATE, PURPLE, TEAL, INDIGO, BROWN, OLIVE)

STYLE_OPTIONS = dict(
    background="white",
    plot_background="white",
    foreground="#16202c",
    foreground_strong="#16202c",
    foreground_subtle="#d5dbe3",
    colors=PALETTE,
    font_family='system-ui, "DejaVu Sans", sans-serif',
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
)
STYLE = Style(**STYLE_OPTIONS)

# pygal appends a script that loads its tooltips from a CDN; the charts need none of it.
_SCRIPT = re.compile(r"<script.*?</script>", re.DOTALL)


def _config(*, colors: Sequence[str] | None = None, **overrides) -> dict:
    config = {
        "style": Style(**{**STYLE_OPTIONS, "colors": tuple(colors)}) if colors else STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 860,
        "height": 340,
        "explicit_size": False,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "print_values": False,
        "no_data_text": "No data in this range",
        "show_minor_x_labels": True,
        "truncate_label": -1,
        # Series names are written to be read whole ("Spares charged by the start").
        "truncate_legend": -1,
        "margin": 12,
    }
    config.update(overrides)
    return config


# Room the y axis labels take on the left, roughly: the legend columns share what is left.
_Y_LABELS_WIDTH = 60


def _legend_columns(chart, names: Sequence[str]) -> None:
    # Four columns fit short names; "Damaged, not in maintenance" in a quarter of a 560-wide chart ran
    # over the next column's swatch. Fewer columns, so that the longest name fits in one.
    config = chart.config
    if not (config.legend_at_bottom and config.legend_at_bottom_columns and names):
        return
    size = config.style.legend_font_size
    longest = max(text_len(len(str(name)), size) for name in names)
    item = longest + config.legend_box_size + 5 + size  # swatch, its gap, and a gap before the next
    usable = config.width - 2 * config.margin - _Y_LABELS_WIDTH
    config.legend_at_bottom_columns = max(1, min(config.legend_at_bottom_columns, int(usable // item)))


def _legend_rows_fix(chart, series_count: int) -> None:
    # pygal reserves room for series // columns legend rows below the plot (5 series in 3 columns: 1
    # row; 2 series in 4 columns: 0 rows, less than nothing in fact), so the last row, or the only
    # one, is cut off; give the missing rows their room.
    columns = chart.config.legend_at_bottom_columns
    if not (chart.config.legend_at_bottom and columns and chart.config.show_legend):
        return
    missing = ceil(series_count / columns) - series_count // columns
    if missing > 0:
        row = max(chart.config.style.legend_font_size, chart.config.legend_box_size) * 1.5
        chart.config.margin_bottom = (chart.config.margin_bottom or chart.config.margin) + missing * row


def _render(chart, title: str) -> SafeString:
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    # A style attribute is inline style the Content-Security-Policy refuses (no nonce covers one);
    # the SVG presentation attribute draws the same (the tooltip layer pygal hides until hovered).
    svg = svg.replace('style="opacity: 0"', 'opacity="0"')
    # An accessible name for screen readers; the table beside each chart holds the same figures.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_escape(title)}" ', 1)
    return mark_safe(svg)


def with_nonce(svg: str, nonce: str) -> SafeString:
    """The chart with the request's CSP nonce on its <style> element, so the policy lets it apply.

    Charts are built before the page is rendered, without the request; the nonce is added last.
    """
    return mark_safe(svg.replace("<style", f'<style nonce="{_escape(nonce)}"'))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def bar(
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    rotate: int = 0,
    y_title: str = "",
    colors: Sequence[str] | None = None,
    **overrides,
) -> SafeString:
    """A bar chart; `colors` gives each series its colour in order (default: PALETTE, no red)."""
    kind = (
        pygal.HorizontalStackedBar
        if horizontal and stacked
        else pygal.HorizontalBar
        if horizontal
        else pygal.StackedBar
        if stacked
        else pygal.Bar
    )
    chart = kind(**_config(colors=colors, x_label_rotation=rotate, y_title=y_title or None, **overrides))
    chart.title = title
    chart.x_labels = [str(label) for label in labels]
    for name, values in series.items():
        chart.add(name, list(values))
    _legend_columns(chart, list(series))
    _legend_rows_fix(chart, len(series))
    return _render(chart, title)


def line(
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    rotate: int = 0,
    y_title: str = "",
    **overrides,
) -> SafeString:
    many = len(labels) > 31
    chart = pygal.Line(
        **_config(
            x_label_rotation=rotate,
            y_title=y_title or None,
            show_minor_x_labels=not many,
            # A dot per point is an SVG element with its tooltip: 731 of them took 0.3 s of the widest
            # range's page, and at that density they merge into the line (the table lists the values).
            show_dots=not many,
            dots_size=2,
            **overrides,
        )
    )
    chart.title = title
    chart.x_labels = [str(label) for label in labels]
    if many:
        chart.x_labels_major = [str(label) for label in labels[:: max(1, len(labels) // 12)]]
    for name, values in series.items():
        chart.add(name, list(values))
    _legend_columns(chart, list(series))
    _legend_rows_fix(chart, len(series))
    return _render(chart, title)
