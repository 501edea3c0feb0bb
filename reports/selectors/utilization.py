"""Utilization: hours in use per camera and per model, idle cameras, check-outs by day and by hour.

Hours count the part of each check-out inside the range: from check-out (taken in the range) to
check-in, or to now / the range end while still out. They are read from the check-outs counted per
day (assignments.CheckoutDay, kept by the services): the range's day rows summed per camera, plus the
few check-outs a day row cannot give whole (still out, or back after the range's end), read from the
check-outs themselves (reports.selectors.counted reads the smaller of the range's day rows and the
all-time totals less the rest). The per-day and per-hour charts read the per-hour counts (CheckoutHour).
`per_camera_from_checkouts` and `per_day_and_hour_from_checkouts` count the check-outs themselves:
the reference the counted figures are tested against (reports/tests/test_counted_reports.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from typing import cast

from django.db import connection
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Least, TruncHour
from django.utils import timezone

from assignments.models import Checkout, CheckoutDay, CheckoutHour
from inventory.models import Camera, CameraModel

from ..forms import Period
from . import counted
from .sql import LazyRows, as_timedelta, compiled, fetch_dicts


def _in_range(period: Period):
    return Checkout.objects.filter(checked_out_at__gte=period.since, checked_out_at__lt=period.until)


def _duration(period: Period, now: datetime):
    end = Value(min(period.until, now))
    return ExpressionWrapper(
        Least(Coalesce("checked_in_at", end), end) - F("checked_out_at"), output_field=DurationField()
    )


def hours(value: timedelta | None) -> float:
    return round(value.total_seconds() / 3600, 1) if value else 0.0


def _per_camera_sql(period: Period, now: datetime) -> tuple[str, tuple]:
    return compiled(
        _in_range(period)
        .values("camera_id")
        .annotate(checkouts=Count("pk"), in_use=Sum(_duration(period, now)))
        .order_by()
    )


_TABLES = {"camera": Camera._meta.db_table, "model": CameraModel._meta.db_table}


def _with_cameras(inner: str, params, in_use: str = "in_use") -> list[dict]:
    return fetch_dicts(
        f"""SELECT c.asset_tag AS asset_tag, m.name AS model, m.maker AS maker, c.pool AS pool,
                   per_camera.checkouts AS checkouts, per_camera.{in_use} AS in_use,
                   per_camera.camera_id AS camera_id
            FROM ({inner}) per_camera
            JOIN {_TABLES["camera"]} c ON c.id = per_camera.camera_id
            JOIN {_TABLES["model"]} m ON m.id = c.model_id""",
        params,
    )


def _zero_duration() -> str:
    # A summed duration is an interval on PostgreSQL and a count of microseconds on SQLite.
    return "INTERVAL '0'" if connection.vendor == "postgresql" else "0"


def _bytewise(column: str) -> str:
    # Ties are broken by asset tag in code-point order on either database (as Python sorts strings),
    # whatever collation the PostgreSQL database was created with.
    return f'{column} COLLATE "C"' if connection.vendor == "postgresql" else column


def per_camera_sql(period: Period, now: datetime | None = None, most: bool | None = None) -> tuple[str, list]:
    """SQL of (camera_id, checkouts, in_use) for the cameras used in the range, from the per-day counts
    (reports.selectors.counted: the range's day rows, or the all-time totals less the day rows outside
    the range).

    A day row holds its returned check-outs' whole time out. The range counts a check-out's time
    only up to its end (now, or the range's last midnight), so the check-outs still out then, or back
    after it, are read one by one (the open ones through the open-check-out index; those back after
    the end, rare but for a range that ends in the past, only on the cameras whose day rows say so,
    found through the day rows' last-return index) and their time put right: less the whole time out
    counted, plus the part inside the range. All of it in one statement, so that a page of cameras,
    the per-model sums and the totals are each one query whatever the fleet's size. `most` is
    `counted.range_is_most_of_history(period)`, worked out when not given.
    """
    now = now or timezone.now()
    end = min(period.until, now)
    most = counted.range_is_most_of_history(period) if most is None else most
    inner, params = counted.per_key_sql(period, "camera_id", [], most=most)
    back_after_end = CheckoutDay.objects.filter(day__gte=period.start, day__lte=period.end, last_in__gt=end).values(
        "camera_id"
    )
    # What the day rows counted: a returned check-out's whole time out, nothing of one still out.
    counted_time = ExpressionWrapper(
        Coalesce("checked_in_at", "checked_out_at") - F("checked_out_at"), output_field=DurationField()
    )
    # Two parts, each through its own index: an OR of the two would read every check-out of the range
    # (150 ms at 650,000; the open-check-out index serves only the first on its own).
    parts = [
        _in_range(period).filter(checked_in_at__isnull=True),
        _in_range(period).filter(checked_in_at__gt=end, camera_id__in=back_after_end),
    ]
    sqls: list[str] = []
    tail_params: list = []
    for part in parts:
        sql, part_params = compiled(
            part.values("camera_id").annotate(correction=Sum(_duration(period, now) - counted_time)).order_by()
        )
        sqls.append(f"SELECT * FROM ({sql}) part{len(sqls)}")
        tail_params.extend(part_params)
    tail = f"SELECT camera_id, SUM(correction) AS correction FROM ({' UNION ALL '.join(sqls)}) parts GROUP BY camera_id"
    sql = f"""SELECT counted.camera_id AS camera_id, counted.checkouts AS checkouts,
                     counted.held + COALESCE(tail.correction, {_zero_duration()}) AS in_use
              FROM ({inner}) counted LEFT JOIN ({tail}) tail ON tail.camera_id = counted.camera_id"""
    return sql, [*params, *tail_params]


def _camera_row(row: dict) -> dict:
    row["in_use"] = as_timedelta(row["in_use"]) or timedelta(0)
    return row


def per_camera(
    period: Period, now: datetime | None = None, *, most: bool | None = None, count: int | None = None
) -> LazyRows:
    """Cameras used in the range, most hours first (ties by asset tag), ordered in the database and
    read a page at a time (`per_camera_sql`); `count` is how many there are (the per-model rows'
    `cameras_used` summed), counted when not given. Iterating it reads every row (an export)."""
    inner, params = per_camera_sql(period, now, most)
    if count is None:
        count = fetch_dicts(f"SELECT COUNT(*) AS n FROM ({inner}) per_camera", params)[0]["n"]
    sql = f"""SELECT c.asset_tag AS asset_tag, m.name AS model, m.maker AS maker, c.pool AS pool,
                     per_camera.checkouts AS checkouts, per_camera.in_use AS in_use
              FROM ({inner}) per_camera
              JOIN {_TABLES["camera"]} c ON c.id = per_camera.camera_id
              JOIN {_TABLES["model"]} m ON m.id = c.model_id
              ORDER BY per_camera.in_use DESC, {_bytewise("c.asset_tag")}"""
    return LazyRows(sql, params, count=count, convert=_camera_row)


def per_camera_from_checkouts(period: Period, now: datetime | None = None) -> list[dict]:
    """Cameras used in the range, most hours first: the one pass over the range's check-outs, sorted
    in Python (the reference `per_camera` is tested against)."""
    now = now or timezone.now()
    inner, params = _per_camera_sql(period, now)
    rows = _with_cameras(inner, params)
    for row in rows:
        row["in_use"] = as_timedelta(row["in_use"]) or timedelta(0)
        del row["camera_id"]
    rows.sort(key=lambda row: (-row["in_use"], row["asset_tag"]))
    return rows


def models_and_cameras(
    period: Period, now: datetime | None = None, *, most: bool | None = None, offset: int = 0, limit: int = 25
) -> tuple[list[dict], LazyRows]:
    """`per_model`'s rows and `per_camera`'s, the page `offset` to `offset + limit` of the cameras read
    with the per-model sums in one statement: the per-camera counts (`per_camera_sql`, the costly
    part: a group per camera used) are computed once for both. Another page is read when asked for."""
    now = now or timezone.now()
    most = counted.range_is_most_of_history(period) if most is None else most
    inner, params = per_camera_sql(period, now, most)
    materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""
    rows = fetch_dicts(
        # CAST: PostgreSQL sums counts as numeric. The two parts' order is not kept by UNION ALL:
        # the page's few rows are put in order again below.
        f"""WITH per_camera AS {materialized} (
                SELECT c.asset_tag AS asset_tag, m.name AS model, m.maker AS maker, c.pool AS pool,
                       counted.checkouts AS checkouts, counted.in_use AS in_use
                FROM ({inner}) counted
                JOIN {_TABLES["camera"]} c ON c.id = counted.camera_id
                JOIN {_TABLES["model"]} m ON m.id = c.model_id)
            SELECT NULL AS asset_tag, model, maker, NULL AS pool, COUNT(*) AS cameras_used,
                   CAST(SUM(checkouts) AS BIGINT) AS checkouts, SUM(in_use) AS in_use
            FROM per_camera GROUP BY maker, model
            UNION ALL
            SELECT * FROM (SELECT asset_tag, model, maker, pool, 1, checkouts, in_use FROM per_camera
                           ORDER BY in_use DESC, {_bytewise("asset_tag")} LIMIT %s OFFSET %s) page""",
        [*params, limit, offset],
    )
    used, page = [], []
    for row in rows:
        row["in_use"] = as_timedelta(row["in_use"]) or timedelta(0)
        if row["asset_tag"] is None:
            del row["asset_tag"], row["pool"]
            used.append(row)
        else:
            del row["cameras_used"]
            page.append(row)
    page.sort(key=lambda row: (-row["in_use"], row["asset_tag"]))
    models = per_model(period, now, used=used)
    cameras = per_camera(period, now, most=most, count=sum(row["cameras_used"] for row in models))
    cameras.prefetch(offset, limit, page)
    return models, cameras


def per_model(
    period: Period,
    now: datetime | None = None,
    cameras: Iterable[dict] | None = None,
    *,
    most: bool | None = None,
    used: list[dict] | None = None,
) -> list[dict]:
    """Per model: cameras in service, cameras used, check-outs and hours. Summed in the database over
    `per_camera_sql` (a row per model, whatever the fleet), or, given `cameras` (`per_camera`'s rows
    or the reference's), from those; `used` is the sums already read (`models_and_cameras`)."""
    fleet = {
        row["model_name"]: row["cameras"]
        for row in Camera.objects.in_service()
        .values(model_name=F("model__name"))
        .annotate(cameras=Count("pk"))
        .order_by()
    }
    if used is None:
        used = _used_per_model(period, now, most) if cameras is None else _sum_per_model(cameras)
    rows = []
    for row in sorted(used, key=lambda row: (row["maker"], row["model"])):
        cameras_in_model = fleet.pop(row["model"], 0)
        in_use = row.pop("in_use")
        row["seconds"] = in_use.total_seconds()
        row["hours"] = hours(in_use)
        row["cameras"] = cameras_in_model
        row["hours_per_camera"] = round(row["seconds"] / 3600 / cameras_in_model, 1) if cameras_in_model else 0.0
        rows.append(row)
    for model, cameras_in_model in sorted(fleet.items()):
        rows.append(
            {
                "model": model,
                "maker": "",
                "checkouts": 0,
                "cameras_used": 0,
                "seconds": 0.0,
                "hours": 0.0,
                "cameras": cameras_in_model,
                "hours_per_camera": 0.0,
            }
        )
    return rows


def _used_per_model(period: Period, now: datetime | None, most: bool | None) -> list[dict]:
    inner, params = per_camera_sql(period, now, most)
    rows = fetch_dicts(
        # CAST: PostgreSQL sums counts as numeric.
        f"""SELECT m.name AS model, m.maker AS maker, COUNT(*) AS cameras_used,
                   CAST(SUM(per_camera.checkouts) AS BIGINT) AS checkouts, SUM(per_camera.in_use) AS in_use
            FROM ({inner}) per_camera
            JOIN {_TABLES["camera"]} c ON c.id = per_camera.camera_id
            JOIN {_TABLES["model"]} m ON m.id = c.model_id
            GROUP BY m.maker, m.name""",
        params,
    )
    for row in rows:
        row["in_use"] = as_timedelta(row["in_use"]) or timedelta(0)
    return rows


def _sum_per_model(cameras: Iterable[dict]) -> list[dict]:
    used: dict[tuple[str, str], dict] = {}
    for camera in cameras:
        row = used.setdefault(
            (camera["maker"], camera["model"]),
            {
                "model": camera["model"],
                "maker": camera["maker"],
                "cameras_used": 0,
                "checkouts": 0,
                "in_use": timedelta(0),
            },
        )
        row["cameras_used"] += 1
        row["checkouts"] += camera["checkouts"]
        row["in_use"] += camera["in_use"]
    return list(used.values())


def idle(days: int, now: datetime | None = None):
    """Cameras available on the shelf that nobody took in the last `days` days, longest idle first.

    "Taken since the cutoff" is one probe of the camera/check-out-time index per available camera,
    and only the few idle ones look their last check-out up (a filter on that last check-out would
    look it up for every available camera, twice: 120-170 ms against 35 ms at 16,000 on the shelf).
    """
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


def _offsets_are_whole_hours(period: Period) -> bool:
    """Whether every local hour of the range is a whole UTC hour (true of America/New_York)."""
    zone = timezone.get_current_timezone()
    for n in range(period.days):
        for hour in (0, 12):
            moment = datetime.combine(period.start + timedelta(days=n), time(hour), tzinfo=zone)
            if cast(timedelta, moment.utcoffset()) % timedelta(hours=1):
                return False
    return True


def per_day_and_hour(period: Period) -> tuple[list[dict], list[dict]]:
    """Check-outs per day of the range and per hour of day, from the per-hour counts (CheckoutHour:
    24 rows a day, whatever the fleet). Those hours are UTC hours, so in a zone whose offsets are not
    whole hours the check-outs themselves are read."""
    if not _offsets_are_whole_hours(period):
        return per_day_and_hour_from_checkouts(period)
    cells = CheckoutHour.objects.filter(hour__gte=period.since, hour__lt=period.until).values_list("hour", "checkouts")
    return _days_and_hours(period, ({"hour_start": hour, "checkouts": n} for hour, n in cells))


def per_day_and_hour_from_checkouts(period: Period) -> tuple[list[dict], list[dict]]:
    """Check-outs per day of the range and per hour of day, from one pass grouped by hour.

    The rows are grouped by their hour in UTC, which needs no time-zone conversion per row; each
    of those few hundred hours is then placed in its local day and hour. That needs the zone's
    offsets to be whole hours; in a zone where they are not, the rows are grouped by local hour.
    """
    hour = TruncHour("checked_out_at", tzinfo=UTC if _offsets_are_whole_hours(period) else None)
    cells = _in_range(period).annotate(hour_start=hour).values("hour_start").annotate(checkouts=Count("pk")).order_by()
    return _days_and_hours(period, cells)


def _days_and_hours(period: Period, cells) -> tuple[list[dict], list[dict]]:
    by_day: dict = {}
    by_hour: dict = {}
    for cell in cells:  # at most 25 cells a day, already counted by the database
        local = timezone.localtime(cell["hour_start"])
        by_day[local.date()] = by_day.get(local.date(), 0) + cell["checkouts"]
        by_hour[local.hour] = by_hour.get(local.hour, 0) + cell["checkouts"]
    # Every day and hour appears, zero included, so a quiet one shows as one.
    days = [
        {"day": day, "checkouts": by_day.get(day, 0)}
        for day in (period.start + timedelta(days=n) for n in range(period.days))
    ]
    return days, [{"hour": hour, "checkouts": by_hour.get(hour, 0)} for hour in range(24)]


def summary(model_rows: list[dict]) -> dict:
    """Fleet totals from the per-model rows (a camera has one model, so the sums are exact)."""
    keys = ("checkouts", "cameras_used", "seconds", "cameras")
    total = {key: sum(row[key] for row in model_rows) for key in keys}
    total["hours"] = round(total["seconds"] / 3600, 1)
    total["hours_per_camera"] = round(total["seconds"] / 3600 / total["cameras"], 1) if total["cameras"] else 0.0
    return total
