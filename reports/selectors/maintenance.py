"""Maintenance: repairs open and closed, turnaround, repeat failures, failures by model and batch, refresh,
and what repairs cost.

A failure is a repair or a battery replacement (inspections and firmware updates are routine).
Turnaround is opened -> closed for records closed in the range, split in-house / vendor.
A warranty repair is a failure closed on or before its camera's warranty end (under_warranty_condition).

At scale (issue 11; the widest range of a big fleet holds some 40,000 failures): the failures are
grouped per camera before the cameras are joined, the repeat failures are ordered and cut to the page
in the database with their count, and the warranty repairs are paged down the index of closing times
(maintenance_failures_closed) with the count the cost totals already hold.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from hartford_bwc.months import add_months
from inventory.models import Camera, CameraModel, MaintenanceRecord, under_warranty_condition

from ..forms import Period
from .sql import CountedRows, LazyRows, as_datetime, compiled, fetch_dicts

FAILURE_KINDS = (MaintenanceRecord.Kind.REPAIR, MaintenanceRecord.Kind.BATTERY_REPLACEMENT)
REPEAT_FAILURE_MIN = 2


def _turnaround():
    return ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())


def repairs_by_route(period: Period) -> list[dict]:
    """Open now, opened and closed in the range, and average turnaround per route."""
    opened = Q(opened_at__gte=period.since, opened_at__lt=period.until)
    closed = Q(closed_at__gte=period.since, closed_at__lt=period.until)
    counts = {
        row["performed_by"]: row
        for row in MaintenanceRecord.objects.filter(kind__in=FAILURE_KINDS)
        .values("performed_by")
        .annotate(
            open_now=Count("pk", filter=Q(closed_at__isnull=True)),
            opened=Count("pk", filter=opened),
            closed=Count("pk", filter=closed),
            retired=Count("pk", filter=closed & Q(outcome=MaintenanceRecord.Outcome.RETIRED)),
            turnaround=Avg(_turnaround(), filter=closed),
            longest=Max(_turnaround(), filter=closed),
        )
        .order_by()
    }
    rows = []
    for route, label in MaintenanceRecord.PerformedBy.choices:
        row = counts.get(route, {})
        rows.append(
            {
                "route": label,
                "open_now": row.get("open_now", 0),
                "opened": row.get("opened", 0),
                "closed": row.get("closed", 0),
                "retired": row.get("retired", 0),
                "turnaround_days": _days(row.get("turnaround")),
                "longest_days": _days(row.get("longest")),
            }
        )
    return rows


def _days(value) -> float | None:
    return round(value.total_seconds() / 86400, 1) if value is not None else None


def _failures_opened(period: Period):
    return MaintenanceRecord.objects.filter(
        kind__in=FAILURE_KINDS, opened_at__gte=period.since, opened_at__lt=period.until
    )


def _per_camera(period: Period) -> tuple[str, tuple]:
    """SQL of (camera_id, failures, first, last): the failures opened in the range, a row a camera.

    Grouped before the cameras are joined, so the join reads a row a camera that failed, not a row a
    failure (the widest range of a big fleet holds some 40,000 failures: bench/reports.py)."""
    return compiled(
        _failures_opened(period)
        .values("camera_id")
        .annotate(failures=Count("*"), first=Min("opened_at"), last=Max("opened_at"))
        .order_by()
    )


def _dated(row: dict) -> dict:
    row["first"], row["last"] = as_datetime(row["first"]), as_datetime(row["last"])
    return row


class RepeatFailures(LazyRows):
    """The cameras of `repeat_failures`, a page at a time."""


def repeat_failures(period: Period, *, offset: int = 0, limit: int = 25) -> RepeatFailures:
    """Cameras with REPEAT_FAILURE_MIN or more failures opened in the range, most first, then by asset
    tag. Cut in the database: the page `offset` to `offset + limit` (the one the table shows first) is
    read with the count in one query; another page is read when asked for, and iterating reads every
    row (an export)."""
    per_camera, params = _per_camera(period)
    select = f"""SELECT camera.asset_tag AS asset_tag, model.name AS model, camera.purchase_batch AS batch,
                        camera.status AS status, failed.failures AS failures, failed.first AS first,
                        failed.last AS last
                 FROM ({per_camera}) failed
                 JOIN {Camera._meta.db_table} camera ON camera.id = failed.camera_id
                 JOIN {CameraModel._meta.db_table} model ON model.id = camera.model_id
                 WHERE failed.failures >= {int(REPEAT_FAILURE_MIN)}"""
    order = "ORDER BY failures DESC, asset_tag"
    page = fetch_dicts(
        f"SELECT *, COUNT(*) OVER () AS cameras FROM ({select}) repeated {order} LIMIT %s OFFSET %s",
        [*params, limit, offset],
    )
    if page:
        count = page[0]["cameras"]
    elif offset == 0:
        count = 0  # not even a first page: none
    else:  # a page past the last: the count alone
        count = fetch_dicts(f"SELECT COUNT(*) AS cameras FROM ({select}) repeated", params)[0]["cameras"]
    for row in page:
        del row["cameras"]
    rows = RepeatFailures(f"SELECT * FROM ({select}) repeated {order}", params, count=count, convert=_dated)
    rows.prefetch(offset, limit, [_dated(row) for row in page])
    return rows


def failures_by_model_batch(period: Period) -> list[dict]:
    """Failures in the range per model and purchase batch, against the cameras bought in that batch:
    every camera joined to its failures of the range (grouped per camera first), one query."""
    per_camera, params = _per_camera(period)
    rows = fetch_dicts(
        f"""SELECT model.name AS model, camera.purchase_batch AS batch, COUNT(*) AS cameras,
                   COALESCE(SUM(failed.failures), 0) AS failures, COUNT(failed.camera_id) AS cameras_failed
            FROM {Camera._meta.db_table} camera
            JOIN {CameraModel._meta.db_table} model ON model.id = camera.model_id
            LEFT JOIN ({per_camera}) failed ON failed.camera_id = camera.id
            GROUP BY model.name, camera.purchase_batch""",
        params,
    )
    return [
        {
            **row,
            "batch": row["batch"] or "Unknown batch",
            "failures": int(row["failures"]),
            "per_100": round(100 * int(row["failures"]) / row["cameras"], 1),
        }
        for row in sorted(rows, key=lambda row: (row["model"], row["batch"]))
    ]


def _closed_failures(period: Period):
    return MaintenanceRecord.objects.filter(
        kind__in=FAILURE_KINDS, closed_at__gte=period.since, closed_at__lt=period.until
    )


def repair_costs_by_model_batch(period: Period) -> list[dict]:
    """Failures closed in the range per model and batch: what they cost, warranty repairs apart. One query.

    `cost` is what the department paid outside the warranty; `warranty_cost` is what it was billed for
    repairs the warranty should have covered (a figure to take back to the vendor).
    """
    warranty = under_warranty_condition()
    # Spelled out rather than ~warranty: NOT (closed <= NULL) is NULL in SQL and would drop the cameras
    # whose warranty end is unknown, which are exactly the ones the department pays for.
    outside = Q(camera__warranty_ends_on__isnull=True) | Q(closed_at__date__gt=F("camera__warranty_ends_on"))
    rows = (
        _closed_failures(period)
        .values(model=F("camera__model__name"), batch=F("camera__purchase_batch"))
        .annotate(
            closed=Count("pk"),
            costed=Count("repair_cost"),
            cost=Sum("repair_cost", filter=outside, default=0),
            warranty_repairs=Count("pk", filter=warranty),
            warranty_cost=Sum("repair_cost", filter=warranty, default=0),
        )
        .order_by("model", "batch")
    )
    return [
        {**row, "batch": row["batch"] or "Unknown batch", "total": row["cost"] + row["warranty_cost"]} for row in rows
    ]


def cost_totals(rows: list[dict]) -> dict:
    """The fleet's line under repair_costs_by_model_batch (summed here: the rows are one per model and batch)."""
    keys = ("closed", "costed", "cost", "warranty_repairs", "warranty_cost", "total")
    return {key: sum(row[key] for row in rows) for key in keys}


def warranty_repairs(period: Period, count: int | None = None):
    """Each failure closed in the range while its camera was under warranty, latest first. `count`,
    when given, is how many there are (`cost_totals`' warranty_repairs, counted with the same
    condition): the pages are then read without a COUNT of their own."""
    repairs = (
        _closed_failures(period)
        .filter(under_warranty_condition())
        .select_related("camera", "camera__model")
        .order_by("-closed_at", "-pk")
    )
    return repairs if count is None else CountedRows(repairs, count)


def _quarter(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def refresh_due(now: datetime | None = None) -> list[dict]:
    """Cameras in service per quarter in which they reach REFRESH_DUE_MONTHS since purchase."""
    today = timezone.localtime(now or timezone.now()).date()
    months = settings.REFRESH_DUE_MONTHS
    by_month = (
        Camera.objects.in_service()
        .annotate(month=TruncMonth("purchased_on"))
        .values("month")
        .annotate(cameras=Count("pk"))
        .order_by("month")
    )
    quarters: dict[str, dict] = {}
    this_quarter = _quarter(today)
    unknown = 0
    for row in by_month:  # one row per purchase month, never per camera
        if row["month"] is None:
            unknown = row["cameras"]
            continue
        due = add_months(row["month"], months)
        label = _quarter(due)
        bucket = quarters.setdefault(label, {"quarter": label, "cameras": 0, "start": due, "overdue": False})
        bucket["cameras"] += row["cameras"]
        bucket["overdue"] = label < this_quarter
        bucket["current"] = label == this_quarter
    rows = sorted(quarters.values(), key=lambda row: row["quarter"])
    if unknown:
        rows.append({"quarter": "Purchase date unknown", "cameras": unknown, "overdue": False, "current": False})
    return rows


def open_repairs():
    return MaintenanceRecord.objects.open().select_related("camera", "camera__model").order_by("opened_at")
