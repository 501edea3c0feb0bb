"""The camera list as a django-tables2 table; the same columns are exported to CSV and XLSX."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from hartford_bwc import timefmt
from hartford_bwc.timefmt import when

from .models import Camera, Flag
from .selectors.cameras import Holder, open_flag_kinds, open_holders

STATUS_BADGE = {
    Camera.Status.AVAILABLE: "ok",
    Camera.Status.CHECKED_OUT: "info",
    Camera.Status.IN_MAINTENANCE: "warn",
    Camera.Status.LOST: "bad",
    Camera.Status.RETIRED: "",
}


def charge_state(camera: Camera) -> tuple[str, str]:
    """(text, badge class) of the camera's charge as the list shows it."""
    return charge_of(camera.status, camera.battery_percent, lambda: camera.is_charged)


def charge_of(status: str, battery_percent: int | None, is_charged: Callable[[], bool]) -> tuple[str, str]:
    """charge_state from the fields (the export reads them with values_list, not as cameras)."""
    if status == Camera.Status.CHECKED_OUT:
        return "In use", "info"
    if status in (Camera.Status.RETIRED, Camera.Status.LOST):
        return "", ""
    charged = is_charged()
    if battery_percent is not None:
        return f"{battery_percent} %", "ok" if charged else "warn"
    if charged:
        return "Charged", "ok"
    return "Needs charge", "warn"


# Secondary facts shown in small text under a main column's cell, so the page fits a 1366 px laptop.
# They stay whole columns for sorting (small links in the main column's header) and for the export.
SECONDARY = {
    "asset_tag": ("serial_number",),
    "model": ("firmware_version", "purchase_batch"),
    "status": ("pool",),
    "holder": ("holder_unit",),  # the badge number shows there too
}
_FOLDED = {name for names in SECONDARY.values() for name in names}


class CameraTable(tables.Table):
    select = tables.Column(
        verbose_name="Select",
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
    )
    asset_tag = tables.Column(verbose_name="Asset tag")
    serial_number = tables.Column(verbose_name="Serial")
    model = tables.Column(verbose_name="Model", order_by=("model__maker", "model__name"))
    status = tables.Column(verbose_name="Status")
    pool = tables.Column(verbose_name="Pool")
    holder = tables.Column(
        verbose_name="Holder", accessor="holder_name", order_by=("holder_name", "holder_badge"), default=""
    )
    holder_unit = tables.Column(verbose_name="Holder's unit", default="")
    charge = tables.Column(verbose_name="Charge", accessor="is_charged_now", order_by=("is_charged_now",))
    location = tables.Column(
        verbose_name="Dock", accessor="dock__name", order_by=("dock__name", "dock_bay"), default=""
    )
    firmware_version = tables.Column(verbose_name="Firmware", default="")
    purchase_batch = tables.Column(verbose_name="Batch", default="")
    last_inspected_at = tables.Column(verbose_name="Inspected", default="")
    flags = tables.Column(
        verbose_name="Open flags", accessor="open_flag_count", order_by=("open_flag_count", "asset_tag"), default=""
    )

    class Meta:
        model = Camera
        fields = ()
        sequence = (
            "select",
            "asset_tag",
            "serial_number",
            "model",
            "status",
            "pool",
            "holder",
            "holder_unit",
            "charge",
            "location",
            "firmware_version",
            "purchase_batch",
            "last_inspected_at",
            "flags",
        )
        order_by = "asset_tag"
        attrs = {"class": "data-table"}
        empty_text = "No camera matches these filters."
        template_name = "inventory/_table.html"

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        # What the rows show of their holders and flags, read for the rows shown (body_html) or, for
        # the table's own export, for every row at the first use.
        self._holders: dict[int, Holder] | None = None
        self._flag_kinds: dict[int, list[str]] | None = None
        # Hidden from the HTML columns, not from the export (django-tables2 exports hidden columns).
        for name in _FOLDED:
            self.columns.hide(name)

    def header(self) -> list[tuple]:
        """(column, its secondary columns, the one of them the list is sorted by) for each header cell."""
        cells = []
        for column in self.columns:
            subs = [self.columns[name] for name in SECONDARY.get(column.name, ())]
            ordered = next((c for c in (column, *subs) if c.is_ordered), None)
            cells.append((column, subs, ordered))
        return cells

    # --- HTML: one pass over the page -----------------------------------------------------------
    # django-tables2 renders each cell through its generic machinery (about 0.8 ms a row here), which
    # put a 100-row page over 100 ms. The rows are built here in one pass instead; headers, sorting,
    # pagination and the export (the value_* methods) stay django-tables2's.

    def body_html(self) -> str:
        names = [column.name for column in self.columns]
        cells = [getattr(self, f"cell_{name}") for name in names]
        records = [row.record for row in self.paginated_rows]
        # One query each for the page's held and flagged cameras; none when no row has one.
        held = [record.pk for record in records if record.holder_badge is not None]
        flagged = [record.pk for record in records if record.open_flag_count]
        self._holders = open_holders(held) if held else {}
        self._flag_kinds = open_flag_kinds(flagged) if flagged else {}
        rows = [
            format_html("<tr>{}</tr>", format_html_join("", "<td>{}</td>", ((cell(record),) for cell in cells)))
            for record in records
        ]
        if not rows:
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(names), self.empty_text)
        # Safe: every row above is built by format_html.
        return mark_safe("".join(rows))

    def holder_of(self, record: Camera) -> Holder | None:
        if self._holders is None:
            self._holders = open_holders(self.data.data)
        return self._holders.get(record.pk)

    def open_flag_labels(self, record: Camera) -> list[str]:
        """The record's open flags, as the list names them."""
        if self._flag_kinds is None:
            self._flag_kinds = open_flag_kinds(self.data.data)
        return [_FLAG_KIND.get(kind, kind) for kind in self._flag_kinds.get(record.pk, ())]

    def cell_select(self, record: Camera):
        # The checkbox belongs to the bulk-action form outside the table (form="bulk-form").
        return format_html(
            '<input type="checkbox" name="camera" value="{}" form="bulk-form" aria-label="Select {}">',
            record.asset_tag,
            record.asset_tag,
        )

    def cell_asset_tag(self, record: Camera):
        return format_html(
            '<a href="{}">{}</a><span class="sub">{}</span>',
            record.get_absolute_url(),
            record.asset_tag,
            record.serial_number,
        )

    def cell_serial_number(self, record: Camera) -> str:
        return record.serial_number

    def cell_model(self, record: Camera):
        facts = [f"fw {record.firmware_version}" if record.firmware_version else "", record.purchase_batch]
        return format_html(
            '{}<span class="sub" title="Firmware · purchase batch">{}</span>',
            str(record.model),
            " · ".join(filter(None, facts)),
        )

    def cell_status(self, record: Camera):
        return format_html(
            '<span class="badge {}">{}</span><span class="sub">{}</span>',
            STATUS_BADGE.get(record.status, ""),
            record.get_status_display(),
            record.get_pool_display(),
        )

    def cell_pool(self, record: Camera) -> str:
        return record.get_pool_display()

    def cell_holder(self, record: Camera):
        holder = self.holder_of(record)
        if holder is None:
            return ""
        overdue = mark_safe(' <span class="badge bad">overdue</span>') if holder.due_back_at < self.now else ""
        return format_html(
            '<a href="{}">{}</a>{}<span class="sub">#{}{}</span>',
            holder.url,
            holder.name,
            overdue,
            holder.badge_number,
            f" · {unit}" if (unit := self.cell_holder_unit(record)) else "",
        )

    def cell_holder_unit(self, record: Camera) -> str:
        return getattr(record, "holder_unit", None) or ""

    def cell_charge(self, record: Camera):
        text, badge = charge_state(record)
        if not text:
            return ""
        since = ""
        if record.last_full_charge_at and record.status != Camera.Status.CHECKED_OUT:
            since = format_html(
                '<span class="sub" title="Last full charge">{}</span>',
                when(record.last_full_charge_at, now=self.now),
            )
        return format_html('<span class="badge {}">{}</span>{}', badge, text, since)

    def cell_location(self, record: Camera) -> str:
        return record.location_label

    def cell_firmware_version(self, record: Camera) -> str:
        return record.firmware_version

    def cell_purchase_batch(self, record: Camera) -> str:
        return record.purchase_batch

    def cell_last_inspected_at(self, record: Camera) -> str:
        return timefmt.day(record.last_inspected_at)

    def cell_flags(self, record: Camera):
        return format_html_join(
            " ", '<span class="badge warn">{}</span>', ((label,) for label in self.open_flag_labels(record))
        )

    # --- export values -----------------------------------------------------------------------------

    def value_status(self, record: Camera) -> str:
        return record.get_status_display()

    def value_pool(self, record: Camera) -> str:
        return record.get_pool_display()

    def value_holder(self, record: Camera) -> str:
        holder = self.holder_of(record)
        return holder.label if holder else ""

    def value_charge(self, record: Camera) -> str:
        return charge_state(record)[0]

    def value_location(self, record: Camera) -> str:
        return record.location_label

    def value_flags(self, record: Camera) -> str:
        return ", ".join(self.open_flag_labels(record))

    def value_last_inspected_at(self, record: Camera) -> str:
        at = record.last_inspected_at
        return timezone.localtime(at).strftime("%Y-%m-%d") if at else ""


# --- the whole-list export, without a model instance or a django-tables2 cell per row ---------------

EXPORT_COLUMNS = (
    "asset_tag",
    "serial_number",
    "model",
    "status",
    "pool",
    "holder",
    "holder_unit",
    "charge",
    "location",
    "firmware_version",
    "purchase_batch",
    "last_inspected_at",
    "flags",
)
_EXPORT_FIELDS = (
    "pk",
    "asset_tag",
    "serial_number",
    "model__maker",
    "model__name",
    "status",
    "pool",
    "holder_unit",
    "is_charged_now",
    "battery_percent",
    "dock__name",
    "dock_bay",
    "firmware_version",
    "purchase_batch",
    "last_inspected_at",
)


def export_rows(cameras) -> tuple[tuple[str, ...], Iterator[list[Any]]]:
    """CameraTable's export (the value_* methods above, column for column) from the list's filtered and
    sorted queryset, in three queries at any fleet size: the cameras (streamed), their holders, their flags."""
    holders = open_holders(cameras)
    flags = open_flag_kinds(cameras)
    rows = cameras.values_list(*_EXPORT_FIELDS).iterator(chunk_size=2000)
    return EXPORT_COLUMNS, (_export_row(row, holders, flags) for row in rows)


_STATUS = dict(Camera.Status.choices)
_POOL = dict(Camera.Pool.choices)
_FLAG_KIND = dict(Flag.Kind.choices)


def _export_row(row, holders: dict[int, Holder], flags: dict[int, list[str]]) -> list[Any]:
    (pk, tag, serial, maker, model, status, pool, unit, charged, battery, dock, bay, firmware, batch, inspected) = row
    holder = holders.get(pk)
    return [
        tag,
        serial,
        f"{maker} {model}",
        _STATUS.get(status, status),
        _POOL.get(pool, pool),
        holder.label if holder else None,
        unit,
        charge_of(status, battery, lambda: charged)[0],
        (f"{dock}, bay {bay}" if bay else dock) if dock else None,
        firmware,
        batch,
        timezone.localtime(inspected).strftime("%Y-%m-%d") if inspected else None,
        ", ".join(_FLAG_KIND.get(kind, kind) for kind in flags.get(pk, ())),
    ]
