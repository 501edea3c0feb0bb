"""django-tables2 tables of the officer pages: the officer list (exportable) and one officer's checkouts."""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from hartford_bwc import timefmt
from hartford_bwc.timefmt import when

from .models import Checkout, Officer


def _camera_url(tag: str) -> str:
    return reverse("inventory:camera_detail", args=[tag])


class OfficerTable(tables.Table):
    # Each box belongs to the badge-card form below the table (HTML `form=` attribute), so the
    # filter form and the selection can live on one page without nesting forms.
    select = tables.CheckBoxColumn(
        accessor="badge_number",
        attrs={
            "td__input": {
                "name": "badge",
                "form": "badge-cards-form",
                "aria-label": lambda record: f"Select badge {record.badge_number}",
            },
            "th__input": {"aria-label": "Select all officers on this page", "data-select-all": "badge"},
        },
        exclude_from_export=True,
        orderable=False,
    )
    badge_number = tables.Column("Badge", linkify=lambda record: record.get_absolute_url())
    name = tables.Column("Name", accessor="last_name", order_by=("last_name", "first_name"))
    rank = tables.Column("Rank")
    unit = tables.Column("Unit", accessor="unit__name", default="")
    shift = tables.Column("Shift", accessor="shift__name", default="")
    is_active = tables.Column("Active")
    current_camera_tag = tables.Column("Holds now", default="")
    current_due_back_at = tables.Column("Due back", default="")
    personal_camera_tag = tables.Column("Personal camera", default="")
    pin_set_at = tables.Column("PIN set", default="")

    class Meta:
        model = Officer
        fields = ()
        sequence = (
            "select",
            "badge_number",
            "name",
            "rank",
            "unit",
            "shift",
            "is_active",
            "current_camera_tag",
            "current_due_back_at",
            "personal_camera_tag",
            "pin_set_at",
        )
        order_by = ("name",)
        attrs = {"class": "data-table officer-table"}
        row_attrs = {"class": lambda record: "" if record.is_active else "inactive"}
        empty_text = "No officer matches these filters."

    def render_name(self, record):
        return f"{record.last_name}, {record.first_name}"

    def value_name(self, record):
        return f"{record.last_name}, {record.first_name}"

    def render_is_active(self, value):
        return mark_safe('<span class="badge ok">Yes</span>' if value else '<span class="badge">No</span>')

    def value_is_active(self, value):
        return "yes" if value else "no"

    def render_current_camera_tag(self, value):
        return format_html('<a href="{}">{}</a>', _camera_url(value), value)

    def render_personal_camera_tag(self, value):
        return format_html('<a href="{}">{}</a>', _camera_url(value), value)

    def value_current_camera_tag(self, value):
        return value

    def value_personal_camera_tag(self, value):
        return value

    def render_current_due_back_at(self, value):
        if value < timezone.now():
            return format_html('<span class="badge bad">Overdue</span> {}', when(value))
        return when(value)

    def value_current_due_back_at(self, value):
        return timezone.localtime(value).isoformat(timespec="minutes") if value else ""

    def render_pin_set_at(self, value):
        return timefmt.day(value)

    def value_pin_set_at(self, value):
        return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


# --- the whole-list export, without a model instance or a django-tables2 cell per row ---------------

EXPORT_COLUMNS = (
    "badge_number",
    "name",
    "rank",
    "unit",
    "shift",
    "is_active",
    "current_camera_tag",
    "current_due_back_at",
    "personal_camera_tag",
    "pin_set_at",
)
_EXPORT_FIELDS = (
    "badge_number",
    "last_name",
    "first_name",
    "rank",
    "unit__name",
    "shift__name",
    "is_active",
    "current_camera_tag",
    "current_due_back_at",
    "personal_camera_tag",
    "pin_set_at",
)
_RANK = dict(Officer.Rank.choices)


def _minute(value):
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def export_rows(officers):
    """OfficerTable's export (its value_* methods, column for column) from the list's filtered and sorted
    queryset: one values_list query, streamed (the holder and personal camera are its annotations)."""
    rows = officers.values_list(*_EXPORT_FIELDS).iterator(chunk_size=2000)
    return EXPORT_COLUMNS, (
        [
            badge,
            f"{last}, {first}",
            _RANK.get(rank, rank),
            unit,
            shift,
            "yes" if active else "no",
            current or None,
            _minute(due),
            personal or None,
            _minute(pin_set),
        ]
        for badge, last, first, rank, unit, shift, active, current, due, personal, pin_set in rows
    )


class CheckoutHistoryTable(tables.Table):
    camera = tables.Column(
        "Camera", accessor="camera__asset_tag", linkify=lambda record: record.camera.get_absolute_url()
    )
    checked_out_at = tables.Column("Out")
    due_back_at = tables.Column("Due back")
    checked_in_at = tables.Column("Returned", default="")
    condition = tables.Column("Condition", default="")
    where = tables.Column("Recorded", empty_values=(), orderable=False)

    class Meta:
        model = Checkout
        fields = ()
        sequence = ("camera", "checked_out_at", "due_back_at", "checked_in_at", "condition", "where")
        order_by = ("-checked_out_at",)
        attrs = {"class": "data-table"}
        row_attrs = {"class": lambda record: "overdue" if record.is_overdue() else ""}
        empty_text = "No checkouts yet."

    def _local(self, value):
        return timefmt.moment(value)

    def render_checked_out_at(self, value):
        return self._local(value)

    def render_due_back_at(self, value, record):
        if record.is_overdue():
            return format_html('<span class="badge bad">Overdue</span> {}', self._local(value))
        return self._local(value)

    def render_checked_in_at(self, value):
        return self._local(value)

    def render_condition(self, value, record):
        text = record.get_condition_display()
        if value == Checkout.Condition.DAMAGED:
            return format_html('<span class="badge warn">{}</span> {}', text, record.damage_description)
        return text

    def render_where(self, record):
        out = f"kiosk {record.out_kiosk}" if record.out_kiosk_id else (record.out_by or "")
        back = f"kiosk {record.in_kiosk}" if record.in_kiosk_id else (record.in_by or "")
        return f"out: {out or '-'}; in: {back or '-'}"


PAGE_SIZES = (25, 50, 100)


class PageSizePaginator(Paginator):
    """A paginator that only accepts the page sizes the list offers, whatever `?per_page=` says."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        per_page = int(per_page) if str(per_page).isdigit() and int(per_page) in PAGE_SIZES else PAGE_SIZES[0]
        super().__init__(object_list, per_page, *args, **kwargs)
