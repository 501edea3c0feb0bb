"""Maintenance: repairs open and closed, turnaround, repeat failures, failures by model and batch, refresh,
and what repairs cost.

A failure is a repair or a battery replacement (inspections and firmware updates are routine).
Turnaround is opened -> closed for records closed in the range, split in-house / vendor.
A warranty repair is a failure closed on or before its camera's warranty end (under_warranty_condition).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from hartford_bwc.months import add_months
from inventory.models import Camera, MaintenanceRecord, under_warranty_condition

from ..forms import Period

FAILURE_KINDS = (MaintenanceRecord.Kind.REPAIR, MaintenanceRecord.Kind.BATTERY_REPLACEMENT)
REPEAT_FAILURE_MIN = 2


def _turnaround():
    return ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())


def _hours(value) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


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


def repeat_failures(period: Period):
    """Cameras with REPEAT_FAILURE_MIN or more failures opened in the range."""
    return (
        MaintenanceRecord.objects.filter(
            kind__in=FAILURE_KINDS, opened_at__gte=period.since, opened_at__lt=period.until
        )
        .values(
            asset_tag=F("camera__asset_tag"),
            model=F("camera__model__name"),
            batch=F("camera__purchase_batch"),
            status=F("camera__status"),
        )
        .annotate(failures=Count("pk"), first=Min("opened_at"), last=Max("opened_at"))
        .filter(failures__gte=REPEAT_FAILURE_MIN)
        .order_by("-failures", "asset_tag")
    )


def failures_by_model_batch(period: Period) -> list[dict]:
    """Failures in the range per model and purchase batch, against the cameras bought in that batch."""
    fleet = {
        (row["model_name"], row["batch"]): row["cameras"]
        for row in Camera.objects.values(model_name=F("model__name"), batch=F("purchase_batch"))
        .annotate(cameras=Count("pk"))
        .order_by()
    }
    failures = {
        (row["model"], row["batch"]): row
        for row in MaintenanceRecord.objects.filter(
            kind__in=FAILURE_KINDS, opened_at__gte=period.since, opened_at__lt=period.until
        )
        .values(model=F("camera__model__name"), batch=F("camera__purchase_batch"))
        .annotate(failures=Count("pk"), cameras_failed=Count("camera", distinct=True))
        .order_by()
    }
    rows = []
    for key in sorted(set(fleet) | set(failures)):
        model, batch = key
        cameras = fleet.get(key, 0)
        row = failures.get(key, {"failures": 0, "cameras_failed": 0})
        rows.append(
            {
                "model": model,
                "batch": batch or "Unknown batch",
                "cameras": cameras,
                "failures": row["failures"],
                "cameras_failed": row["cameras_failed"],
                "per_100": round(100 * row["failures"] / cameras, 1) if cameras else 0.0,
            }
        )
    return rows


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


def warranty_repairs(period: Period):
    """Each failure closed in the range while its camera was under warranty, latest first."""
    return (
        _closed_failures(period)
        .filter(under_warranty_condition())
        .select_related("camera", "camera__model")
        .order_by("-closed_at", "-pk")
    )


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


def opened_per_month(period: Period) -> list[dict]:
    return list(
        MaintenanceRecord.objects.filter(
            kind__in=FAILURE_KINDS, opened_at__gte=period.since, opened_at__lt=period.until
        )
        .annotate(month=TruncMonth("opened_at"))
        .values("month")
        .annotate(
            in_house=Count("pk", filter=Q(performed_by=MaintenanceRecord.PerformedBy.IN_HOUSE)),
            vendor=Count("pk", filter=Q(performed_by=MaintenanceRecord.PerformedBy.VENDOR)),
            triage=Count("pk", filter=Q(performed_by="")),
        )
        .order_by("month")
    )
