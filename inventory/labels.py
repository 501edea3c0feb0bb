"""Printable labels: sheet sizes, Code 128 barcodes (python-barcode's SVG writer) and QR codes (segno).

Both codes are inline SVG sized in millimetres, so that a browser prints them at a size a scanner reads.
The geometry of each sheet (page size, margins, grid) lives in static/css/labels.css under the size's key.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

# python-barcode logs at INFO on import that Pillow (its PNG writer) is missing; we only write SVG.
logging.getLogger("pyBarcode").setLevel(logging.WARNING)

import barcode  # noqa: E402
import segno  # noqa: E402
from barcode.writer import SVGWriter  # noqa: E402
from django.utils.html import escape  # noqa: E402
from django.utils.safestring import SafeString, mark_safe  # noqa: E402


@dataclass(frozen=True)
class SheetSize:
    key: str
    name: str
    columns: int
    rows: int
    # The width the barcode may take on one label, and its bar height, in millimetres.
    barcode_width_mm: float
    barcode_height_mm: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


ASSET_LABEL_SIZES = (
    SheetSize("avery-5160", 'Avery 5160 · Letter · 1" × 2⅝", 30 per sheet', 3, 10, 42, 7),
    SheetSize("avery-5163", 'Avery 5163 · Letter · 2" × 4", 10 per sheet', 2, 5, 62, 12),
    SheetSize("avery-l7160", "Avery L7160 · A4 · 63.5 × 38.1 mm, 21 per sheet", 3, 7, 38, 9),
    SheetSize("avery-l7163", "Avery L7163 · A4 · 99.1 × 38.1 mm, 14 per sheet", 2, 7, 62, 10),
    SheetSize("roll-2x1", 'Label printer roll · 2" × 1", one per label', 1, 1, 46, 7),
)

BADGE_CARD_SIZES = (
    SheetSize("avery-5371", 'Avery 5371 cards · Letter · 3½" × 2", 10 per sheet', 2, 5, 70, 10),
    SheetSize("a4-cards", "Cards · A4 · 85 × 54 mm, 10 per sheet", 2, 5, 70, 10),
    SheetSize("cr80", "Card printer · CR80 85.6 × 54 mm, one per card", 1, 1, 70, 10),
)

# One request renders at most this many (about 11 ms each the first time).
MAX_LABELS = 500

# Code 128 wants a quiet zone of at least ten modules either side.
_QUIET_MODULES = 10
_MAX_MODULE_MM = 0.33


def size_by_key(sizes: tuple[SheetSize, ...], key: str | None) -> SheetSize:
    return next((size for size in sizes if size.key == key), sizes[0])


# Rendering costs a few milliseconds per code (python-barcode builds a DOM); labels are reprinted often.
@lru_cache(maxsize=4096)
def code128_svg(text: str, *, width_mm: float, height_mm: float) -> SafeString:
    """A Code 128 barcode of `text` that fits `width_mm`, as an inline SVG element."""
    code = barcode.get("code128", text, writer=SVGWriter())
    modules = len(code.build()[0])
    module_mm = min(_MAX_MODULE_MM, width_mm / (modules + 2 * _QUIET_MODULES))
    svg = code.render(
        writer_options={
            "module_width": module_mm,
            "module_height": height_mm,
            "quiet_zone": module_mm * _QUIET_MODULES,
            "margin_top": 0.5,
            "margin_bottom": 0.5,
            "write_text": False,
        }
    ).decode()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    # The writer colours with style attributes, which the Content-Security-Policy refuses (the bars
    # and their white ground would all draw black); SVG's fill attribute draws the same and is allowed.
    svg = re.sub(r'style="fill:\s*([#\w]+);?"', r'fill="\1"', svg)
    label = escape(f"Code 128 barcode: {text}")
    return mark_safe(svg.replace("<svg ", f'<svg class="code128" role="img" aria-label="{label}" ', 1))


@lru_cache(maxsize=4096)
def qr_svg(text: str) -> SafeString:
    """A QR code of `text` (error correction M) as an inline, scalable SVG element."""
    svg = segno.make(text, error="m", micro=False).svg_inline(scale=1, border=2, omitsize=True, svgclass="qr")
    label = escape(f"QR code: {text}")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


def paged(items: list, size: SheetSize, *, skip: int = 0) -> list[list]:
    """Split `items` into sheets; `skip` leaves the first positions of the first sheet blank (a used sheet)."""
    skip = max(0, min(skip, size.per_page - 1))
    cells = [None] * skip + list(items)
    it = iter(cells)
    pages = []
    while page := list(islice(it, size.per_page)):
        pages.append(page)
    return pages


def parse_codes(values: list[str], *, upper: bool = True) -> list[str]:
    """Codes from repeated parameters or a pasted list (whitespace, commas), in order, without repeats."""
    codes: list[str] = []
    for value in values:
        for part in re.split(r"[\s,;]+", value):
            code = part.strip().upper() if upper else part.strip()
            if code and code not in codes:
                codes.append(code)
    return codes


@dataclass(frozen=True)
class SheetRequest:
    """What a label or card sheet page was asked for: the stock, the codes, the used positions."""

    size: SheetSize
    sizes: tuple[SheetSize, ...]
    codes: list[str]
    skip: int
    too_many: int = 0  # how many were asked for when over MAX_LABELS (then `codes` is empty)

    def context(self, items: list, *, codes_text: str | None = None) -> dict:
        """The template context of templates/labels/sheet.html for these `items`."""
        return {
            "size": self.size,
            "sizes": self.sizes,
            "pages": paged(items, self.size, skip=self.skip),
            "codes_text": "\n".join(self.codes) if codes_text is None else codes_text,
            "count": len(items),
            "skip": self.skip,
        }


def sheet_request(query, *, sizes: tuple[SheetSize, ...], param: str, upper: bool = True) -> SheetRequest:
    """Read `?<param>=...&size=&skip=` from a QueryDict; more than MAX_LABELS codes give none."""
    codes = parse_codes(query.getlist(param), upper=upper)
    too_many = len(codes) if len(codes) > MAX_LABELS else 0
    return SheetRequest(
        size=size_by_key(sizes, query.get("size")),
        sizes=sizes,
        codes=[] if too_many else codes,
        skip=_whole_number(query.get("skip")),
        too_many=too_many,
    )


def _whole_number(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0
