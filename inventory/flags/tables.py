"""The flags table (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from ..models import Flag, FlagSeverity

SEVERITY_BADGE = {FlagSeverity.HIGH: "bad", FlagSeverity.MEDIUM: "warn", FlagSeverity.LOW: "info"}


def _local(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


class FlagTable(tables.Table):
    # An asset tag or a time broken over two lines reads as two things.
    camera = tables.Column(
        accessor="camera__asset_tag",
        verbose_name="Camera",
        order_by="camera__asset_tag",
        attrs={"td": {"class": "nowrap"}},
    )
    severity = tables.Column(
        accessor="severity_rank", verbose_name="Severity", order_by=("severity_rank", "-raised_at", "pk")
    )
    kind = tables.Column(verbose_name="Flag")
    detail = tables.Column(verbose_name="Detail", orderable=False)
    officer = tables.Column(
        accessor="officer_badge", verbose_name="Officer / unit", order_by=("unit_name", "officer_last_name")
    )
    # Sorting by "Raised" is sorting by age (ascending: the oldest first).
    raised_at = tables.Column(verbose_name="Raised", attrs={"td": {"class": "nowrap"}}, order_by=("raised_at", "pk"))
    assigned = tables.Column(
        accessor="assigned_to",
        verbose_name="Assigned to",
        order_by=("assigned_to__first_name", "assigned_to__username"),
    )
    resolved_at = tables.Column(verbose_name="Resolved")
    acknowledged = tables.TemplateColumn(
        template_name="inventory/flags_ack_cell.html", verbose_name="Acknowledged", order_by="acknowledged_at"
    )

    class Meta:
        model = Flag
        fields = (
            "severity",
            "camera",
            "kind",
            "detail",
            "officer",
            "raised_at",
            "assigned",
            "resolved_at",
            "acknowledged",
        )
        # Most severe first, and within a severity the oldest first: what has waited longest.
        order_by = ("-severity", "raised_at")
        attrs = {"class": "flags-table"}
        empty_text = "No flags match."

    def __init__(self, *args, history: bool = False, **kwargs):
        if not history:
            kwargs.setdefault("exclude", ("resolved_at",))
        super().__init__(*args, **kwargs)

    def render_camera(self, value, record):
        return format_html('<a href="{}">{}</a>', record.camera.get_absolute_url(), value)

    def render_severity(self, value, record):
        return format_html('<span class="badge {}">{}</span>', SEVERITY_BADGE[value], FlagSeverity(value).label)

    def render_kind(self, value, record):
        notes = f" · {record.note_count} note{'s' if record.note_count != 1 else ''}" if record.note_count else ""
        return format_html(
            '<a href="{}">{}</a><span class="muted">{}</span>',
            reverse("inventory:flag_detail", args=[record.pk]),
            record.get_kind_display(),
            notes,
        )

    def render_assigned(self, value, record):
        return value.get_full_name() or value.username

    def render_officer(self, value, record):
        if not value:
            return "—"
        unit = f" · {record.unit_name}" if record.unit_name else ""
        return f"{record.officer_last_name} (badge {value}){unit}"

    def render_raised_at(self, value):
        return _local(value)

    def render_resolved_at(self, value, record):
        return format_html("{}<br><span class='muted'>{}</span>", _local(value), record.resolution)
