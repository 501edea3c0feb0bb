"""The device and vehicle lists as django-tables2 tables; the same columns are exported to CSV and XLSX."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from assignments.models import Officer
from hartford_bwc import timefmt

from .lifecycle import DeviceStatus
from .models import Device, DeviceFlag, DeviceModel, Vehicle, add_months
from .selectors import device_models_by_id, open_device_flag_kinds, open_pairing_cameras, vehicles_with_working_unit

STATUS_BADGE = {
    DeviceStatus.IN_STOCK: "ok",
    DeviceStatus.ISSUED: "info",
    DeviceStatus.IN_MAINTENANCE: "warn",
    DeviceStatus.LOST: "bad",
    DeviceStatus.RETIRED: "",
}


PROBLEM_BADGE = mark_safe(' <span class="badge warn">problem</span>')


def _pairing(record: Device):
    pairings = getattr(record, "open_pairings", None)
    return pairings[0] if pairings else None


class DeviceTable(tables.Table):
    asset_tag = tables.Column(verbose_name="Asset tag", linkify=True)
    serial_number = tables.Column(verbose_name="Serial")
    kind = tables.Column(verbose_name="Kind", accessor="model__kind", order_by=("model__kind", "asset_tag"))
    model = tables.Column(verbose_name="Model", order_by=("model__maker", "model__name"))
    status = tables.Column(verbose_name="Status")
    holder = tables.Column(verbose_name="Issued to", accessor="holder_name", order_by=("holder_name",), default="")
    camera = tables.Column(verbose_name="Paired camera", accessor="pk", orderable=False, default="")
    firmware_version = tables.Column(verbose_name="Firmware", default="")
    battery_fitted_on = tables.Column(verbose_name="Battery fitted", default="")
    replace_by = tables.Column(verbose_name="Battery due", accessor="pk", orderable=False, default="")
    flags = tables.Column(verbose_name="Open flags", accessor="pk", orderable=False, default="")

    class Meta:
        model = Device
        fields = ()
        sequence = (
            "asset_tag",
            "serial_number",
            "kind",
            "model",
            "status",
            "holder",
            "camera",
            "firmware_version",
            "battery_fitted_on",
            "replace_by",
            "flags",
        )
        order_by = "asset_tag"
        attrs = {"class": "data-table"}
        empty_text = "No device matches these filters."
        template_name = "devices/_table.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_kind(self, record: Device) -> str:
        return record.model.get_kind_display()

    def render_status(self, record: Device):
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGE.get(record.status, ""), record.get_status_display()
        )

    def render_holder(self, record: Device):
        if record.officer_id is not None:
            officer = record.officer
            return format_html(
                '<a href="{}">{}</a><span class="sub">#{}</span>',
                officer.get_absolute_url(),
                officer.display_name,
                officer.badge_number,
            )
        if record.vehicle_id is not None:
            return format_html('<a href="{}">{}</a>', record.vehicle.get_absolute_url(), record.vehicle)
        return ""

    def render_camera(self, record: Device):
        pairing = _pairing(record)
        if pairing is None:
            return ""
        return format_html('<a href="{}">{}</a>', pairing.camera.get_absolute_url(), pairing.camera.asset_tag)

    def render_firmware_version(self, record: Device):
        if record.firmware_below_minimum:
            return format_html(
                '{} <span class="badge warn">below {}</span>', record.firmware_version, record.model.minimum_firmware
            )
        return record.firmware_version

    def render_battery_fitted_on(self, value) -> str:
        return timefmt.day(value)

    def render_replace_by(self, record: Device):
        due = record.battery_replace_by
        if due is None:
            return ""
        if due <= self.today:
            return format_html('<span class="badge bad">{}</span>', timefmt.day(due))
        return timefmt.day(due)

    def render_flags(self, record: Device):
        return format_html_join(
            " ", '<span class="badge warn">{}</span>', ((flag.get_kind_display(),) for flag in record.open_flags)
        )

    # --- export values -----------------------------------------------------------------------------

    def value_asset_tag(self, record: Device) -> str:
        return record.asset_tag

    def value_kind(self, record: Device) -> str:
        return record.model.get_kind_display()

    def value_model(self, record: Device) -> str:
        return str(record.model)

    def value_status(self, record: Device) -> str:
        return record.get_status_display()

    def value_holder(self, record: Device) -> str:
        return record.holder_label

    def value_camera(self, record: Device) -> str:
        pairing = _pairing(record)
        return pairing.camera.asset_tag if pairing else ""

    def value_firmware_version(self, record: Device) -> str:
        return record.firmware_version

    def value_battery_fitted_on(self, record: Device) -> str:
        return timefmt.iso_day(record.battery_fitted_on)

    def value_replace_by(self, record: Device) -> str:
        return timefmt.iso_day(record.battery_replace_by)

    def value_flags(self, record: Device) -> str:
        return ", ".join(flag.get_kind_display() for flag in record.open_flags)


# --- the whole-list export, without a model instance or a django-tables2 cell per row ---------------

EXPORT_COLUMNS = (
    "asset_tag",
    "serial_number",
    "kind",
    "model",
    "status",
    "holder",
    "camera",
    "firmware_version",
    "battery_fitted_on",
    "replace_by",
    "flags",
)
_EXPORT_FIELDS = (
    "pk",
    "asset_tag",
    "serial_number",
    "model_id",
    "status",
    "officer__rank",
    "officer__first_name",
    "officer__last_name",
    "officer__badge_number",
    "vehicle__unit_number",
    "firmware_version",
    "battery_fitted_on",
)
_DEVICE_STATUS = dict(DeviceStatus.choices)
_FLAG_KIND = dict(DeviceFlag.Kind.choices)


def export_rows(devices) -> tuple[tuple[str, ...], Iterator[list[Any]]]:
    """DeviceTable's export (its value_* methods, column for column) from the list's filtered and sorted
    queryset, in four queries at any fleet size: the models, the pairings, the flags, the devices (streamed)."""
    models = device_models_by_id()
    cameras = open_pairing_cameras(devices)
    flags = open_device_flag_kinds(devices)
    rows = devices.prefetch_related(None).values_list(*_EXPORT_FIELDS).iterator(chunk_size=2000)
    return EXPORT_COLUMNS, (_export_row(row, models, cameras, flags) for row in rows)


def _holder(rank, first, last, badge, vehicle) -> str | None:
    """Device.holder_label; None (an empty cell) where the list's holder column is empty."""
    if badge is not None:
        return f"{Officer.name_for(rank, first, last)} (badge {badge})"
    return f"Vehicle {vehicle}" if vehicle is not None else None


def _replace_by(model: DeviceModel, fitted) -> str:
    """Device.battery_replace_by, as the export writes it."""
    if not model.has_battery or fitted is None:
        return ""
    return timefmt.iso_day(add_months(fitted, model.battery_months))


def _export_row(row, models: dict[int, DeviceModel], cameras: dict, flags: dict) -> list[Any]:
    (pk, tag, serial, model_id, status, rank, first, last, badge, vehicle, firmware, fitted) = row
    model = models[model_id]
    return [
        tag,
        serial or None,
        model.get_kind_display(),
        str(model),
        _DEVICE_STATUS.get(status, status),
        _holder(rank, first, last, badge, vehicle),
        cameras.get(pk, ""),
        firmware or None,
        timefmt.iso_day(fitted) if fitted else None,
        _replace_by(model, fitted),
        ", ".join(_FLAG_KIND.get(kind, kind) for kind in flags.get(pk, ())),
    ]


class VehicleTable(tables.Table):
    unit_number = tables.Column(verbose_name="Vehicle", linkify=True)
    assigned_unit = tables.Column(verbose_name="Unit", default="")
    plate = tables.Column(verbose_name="Plate", default="")
    fleet_number = tables.Column(verbose_name="Fleet number", default="")
    in_service = tables.Column(verbose_name="In service")
    units = tables.Column(verbose_name="Signal units", accessor="pk", orderable=False, default="")
    working = tables.Column(verbose_name="Signal works", accessor="pk", order_by=("has_working_unit",))

    class Meta:
        model = Vehicle
        fields = ()
        sequence = ("unit_number", "assigned_unit", "plate", "fleet_number", "in_service", "units", "working")
        order_by = "unit_number"
        attrs = {"class": "data-table"}
        empty_text = "No vehicle matches these filters."
        template_name = "devices/_table.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._working: set[int] | None = None  # signal_works' answer for the page shown

    def render_in_service(self, value: bool):
        return format_html(
            '<span class="badge {}">{}</span>', "" if value else "warn", "Yes" if value else "Out of service"
        )

    def render_units(self, record: Vehicle):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>{}',
            (
                (
                    d.get_absolute_url(),
                    d.asset_tag,
                    PROBLEM_BADGE if d.has_problem else "",
                )
                for d in record.installed
            ),
        )

    def signal_works(self, record: Vehicle) -> bool:
        """The list's annotation where the view asked for it (sorted, filtered, exported), else read for
        the vehicles of the page shown, in one query, none when none of them has a device installed."""
        if hasattr(record, "has_working_unit"):
            return record.has_working_unit
        if self._working is None:
            equipped = [row.record.pk for row in self.paginated_rows if row.record.installed]
            self._working = vehicles_with_working_unit(equipped) if equipped else set()
        return record.pk in self._working

    def render_working(self, record: Vehicle):
        works = self.signal_works(record)
        return format_html('<span class="badge {}">{}</span>', "ok" if works else "bad", "Yes" if works else "No")

    def value_unit_number(self, record: Vehicle) -> str:
        return record.unit_number

    def value_assigned_unit(self, record: Vehicle) -> str:
        return str(record.assigned_unit or "")

    def value_in_service(self, value: bool) -> str:
        return "Yes" if value else "No"

    def value_units(self, record: Vehicle) -> str:
        return ", ".join(d.asset_tag for d in record.installed)

    def value_working(self, record: Vehicle) -> str:
        return "Yes" if self.signal_works(record) else "No"
