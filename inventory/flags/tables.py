"""The flags table (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from ..models import Flag


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
    kind = tables.Column(verbose_name="Flag")
    detail = tables.Column(verbose_name="Detail", orderable=False)
    officer = tables.Column(
        accessor="officer_badge", verbose_name="Officer / unit", order_by=("unit_name", "officer_last_name")
    )
    raised_at = tables.Column(verbose_name="Raised", attrs={"td": {"class": "nowrap"}})
    resolved_at = tables.Column(verbose_name="Resolved")
    acknowledged = tables.TemplateColumn(
        template_name="inventory/flags_ack_cell.html", verbose_name="Acknowledged", order_by="acknowledged_at"
    )

    class Meta:
        model = Flag
        fields = ("camera", "kind", "detail", "officer", "raised_at", "resolved_at", "acknowledged")
        order_by = "-raised_at"
        attrs = {"class": "flags-table"}
        empty_text = "No flags match."

    def __init__(self, *args, history: bool = False, **kwargs):
        if not history:
            kwargs.setdefault("exclude", ("resolved_at",))
        super().__init__(*args, **kwargs)

    def render_camera(self, value, record):
        return format_html('<a href="{}">{}</a>', record.camera.get_absolute_url(), value)

    def render_kind(self, value, record):
        return record.get_kind_display()

    def render_officer(self, value, record):
        if not value:
            return "—"
        unit = f" · {record.unit_name}" if record.unit_name else ""
        return f"{record.officer_last_name} (badge {value}){unit}"

    def render_raised_at(self, value):
        return _local(value)

    def render_resolved_at(self, value, record):
        return format_html("{}<br><span class='muted'>{}</span>", _local(value), record.resolution)
