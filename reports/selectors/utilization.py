"""Utilization: hours in use per camera and per model, idle cameras, check-outs by day and by hour.

Hours count the part of each check-out inside the range: from check-out (taken in the range) to
check-in, or to now / the range end while still out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractHour, Least, TruncDate
from django.utils import timezone

from assignments.models import Checkout
from inventory.models import Camera

from ..forms import Period


def _in_range(period: Period):
    return Checkout.objects.filter(checked_out_at__gte=period.since, checked_out_at__lt=period.until)


def _duration(period: Period, now: datetime):
    end = Value(min(period.until, now))
    return ExpressionWrapper(
        Least(Coalesce("checked_in_at", end), end) - F("checked_out_at"), output_field=DurationField()
    )


def hours(value: timedelta | None) -> float:
    return round(value.total_seconds() / 3600, 1) if value else 0.0


def per_model(period: Period, now: datetime | None = None) -> list[dict]:
    now = now or timezone.now()
    fleet = {
        row["model_name"]: row["cameras"]
        for row in Camera.objects.in_service()
        .values(model_name=F("model__name"))
        .annotate(cameras=Count("pk"))
        .order_by()
    }
    used = (
        _in_range(period)
        .values(model=F("camera__model__name"), maker=F("camera__model__maker"))
        .annotate(
            checkouts=Count("pk"), cameras_used=Count("camera", distinct=True), in_use=Sum(_duration(period, now))
        )
        .order_by("maker", "model")
    )
    rows = []
    for row in used:
        cameras = fleet.pop(row["model"], 0)
        in_use = row.pop("in_use")
        row["seconds"] = in_use.total_seconds() if in_use else 0.0
        row["hours"] = hours(in_use)
        row["cameras"] = cameras
        row["hours_per_camera"] = round(row["seconds"] / 3600 / cameras, 1) if cameras else 0.0
        rows.append(row)
    for model, cameras in sorted(fleet.items()):
        rows.append(
            {
                "model": model,
                "maker": "",
                "checkouts": 0,
                "cameras_used": 0,
                "seconds": 0.0,
                "hours": 0.0,
                "cameras": cameras,
                "hours_per_camera": 0.0,
            }
        )
    return rows


def per_camera(period: Period, now: datetime | None = None):
    """Cameras used in the range, most hours first (a queryset, paginated by the table)."""
    now = now or timezone.now()
    return (
        _in_range(period)
        .values(asset_tag=F("camera__asset_tag"), model=F("camera__model__name"), pool=F("camera__pool"))
        .annotate(checkouts=Count("pk"), in_use=Sum(_duration(period, now)))
        .order_by("-in_use", "asset_tag")
    )


def idle(days: int, now: datetime | None = None):
    """Cameras available on the shelf that nobody took in the last `days` days."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    recent = Checkout.objects.filter(camera=OuterRef("pk"), checked_out_at__gte=cutoff)
    last_out = Checkout.objects.filter(camera=OuterRef("pk")).order_by("-checked_out_at").values("checked_out_at")[:1]
    return (
        Camera.objects.filter(status=Camera.Status.AVAILABLE)
        .filter(~Exists(recent))
        .annotate(last_checkout=Subquery(last_out))
        .select_related("model")
        .order_by(F("last_checkout").asc(nulls_first=True), "asset_tag")
    )


def per_day(period: Period) -> list[dict]:
    counts = {
        row["day"]: row["checkouts"]
        for row in _in_range(period)
        .annotate(day=TruncDate("checked_out_at"))
        .values("day")
        .annotate(checkouts=Count("pk"))
        .order_by()
    }
    # Every day of the range appears, zero included, so a quiet day shows as one.
    return [
        {"day": day, "checkouts": counts.get(day, 0)}
        for day in (period.start + timedelta(days=n) for n in range(period.days))
    ]


def per_hour(period: Period) -> list[dict]:
    counts = {
        row["hour"]: row["checkouts"]
        for row in _in_range(period)
        .annotate(hour=ExtractHour("checked_out_at"))
        .values("hour")
        .annotate(checkouts=Count("pk"))
        .order_by()
    }
    return [{"hour": hour, "checkouts": counts.get(hour, 0)} for hour in range(24)]


def summary(model_rows: list[dict]) -> dict:
    """Fleet totals from the per-model rows (a camera has one model, so the sums are exact)."""
    keys = ("checkouts", "cameras_used", "seconds", "cameras")
    total = {key: sum(row[key] for row in model_rows) for key in keys}
    total["hours"] = round(total["seconds"] / 3600, 1)
    total["hours_per_camera"] = round(total["seconds"] / 3600 / total["cameras"], 1) if total["cameras"] else 0.0
    return total
