"""Overdue and compliance: late and overdue returns, cameras not docked after return, flags.

- a late return: a check-out taken in the range and checked in after it was due back;
- overdue now: a check-out still open past its due time (whenever it was taken);
- not docked after return: a camera checked in as working in the range with no dock record within
  NOT_DOCKED_AFTER_RETURN_MINUTES of the check-in (and that much time has passed): its first dock
  after the check-in, kept on the check-out, is later than that or missing;
- a repeat offender: an officer with at least REPEAT_OFFENDER_MIN of these in the range.

Returns and late returns are read from the check-outs counted per day (reports.selectors.counted:
the range's day rows, or the all-time totals less the rest), the open check-outs overdue now from the
check-outs (few, through the open-check-out
index). `by_officer_from_checkouts` and `by_unit_from_checkouts` count the check-outs themselves: the
reference the counted figures are tested against (reports/tests/test_counted_reports.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, IntegerField, Q, Value
from django.db.models.functions import TruncWeek
from django.utils import timezone

from assignments.models import DOCK_DELAY, Checkout, Officer, Unit, overdue_checkout
from inventory.models import Flag

from ..forms import Period
from . import counted
from .exemptions import not_exempt
from .sql import LazyRows, compiled, fetch_dicts

REPEAT_OFFENDER_MIN = 2


def _late_or_overdue(period: Period, now: datetime, exempt: list[dict]):
    late = Q(checked_out_at__gte=period.since, checked_out_at__lt=period.until, checked_in_at__gt=F("due_back_at"))
    overdue = overdue_checkout(now)
    return not_exempt(Checkout.objects.filter(late | overdue), exempt), late, overdue


def _not_docked(period: Period, now: datetime, exempt: list[dict]):
    window = timedelta(minutes=settings.NOT_DOCKED_AFTER_RETURN_MINUTES)
    # The first dock after each return is kept on the check-out (Checkout.first_docked_at): no dock
    # records read here. Written as the delay, the expression the index checkout_dock_delay holds
    # (never docked: a century), so PostgreSQL finds the few late or never-docked returns of the range
    # in that index alone, without reading the rest or the table.
    returns = (
        Checkout.objects.alias(dock_delay=DOCK_DELAY)
        .filter(
            checked_out_at__gte=period.since,
            checked_out_at__lt=period.until,
            condition=Checkout.Condition.WORKING,
            checked_in_at__lte=now - window,
        )
        .filter(dock_delay__gt=window)
    )
    return not_exempt(returns, exempt)


_OFFICER = {
    "badge": F("officer__badge_number"),
    "rank": F("officer__rank"),
    "first_name": F("officer__first_name"),
    "last_name": F("officer__last_name"),
    "unit": F("officer__unit__name"),
}


def not_docked_by_officer(period: Period, now: datetime | None = None, exempt: list[dict] | None = None) -> list[dict]:
    """Undocked returns per officer, each row with its unit's total (a window over the same rows).

    The dock check is the costly part (one anti-join over the range), so it runs once for both tables.
    `exempt` is `exemptions(period)`: check-outs taken on an exempt day are left out.
    """
    now = now or timezone.now()
    inner, params = compiled(
        _not_docked(period, now, exempt or []).values(**_OFFICER).annotate(not_docked=Count("*")).order_by()
    )
    return fetch_dicts(
        f"""SELECT per_officer.*, SUM(per_officer.not_docked) OVER (PARTITION BY per_officer.unit) AS unit_not_docked
            FROM ({inner}) per_officer""",
        params,
    )


def _zero() -> Value:
    return Value(0, output_field=IntegerField())


def _overdue_now(now: datetime, exempt: list[dict]):
    return not_exempt(Checkout.objects.filter(overdue_checkout(now)), exempt)


def _most(period: Period, most: bool | None) -> bool:
    return counted.range_is_most_of_history(period) if most is None else most


def _bytewise(column: str) -> str:
    # Names in code-point order on either database (as Python sorts strings), whatever collation the
    # PostgreSQL database was created with.
    return f'{column} COLLATE "C"' if connection.vendor == "postgresql" else column


def _not_docked_per_officer(period: Period, now: datetime, exempt: list[dict]) -> tuple[str, tuple]:
    # COUNT(*), not of the id: every column the query reads is in checkout_dock_delay, so it reads no table row.
    return compiled(_not_docked(period, now, exempt).values("officer_id").annotate(not_docked=Count("*")).order_by())


def offenders_sql(period: Period, now: datetime, exempt: list[dict], most: bool) -> tuple[str, list]:
    """SQL of (badge, rank, first_name, last_name, unit, late, overdue, not_docked, total): a row per
    officer with any late return (the per-day counts, reports.selectors.counted), open check-out overdue
    now, or undocked return in the range, summed per officer in one statement."""
    per_officer, params = counted.per_key_sql(period, "officer_id", exempt, most=most, late_only=True)
    overdue, overdue_params = compiled(
        _overdue_now(now, exempt).values("officer_id").annotate(overdue=Count("pk")).order_by()
    )
    undocked, undocked_params = _not_docked_per_officer(period, now, exempt)
    sql = f"""SELECT o.badge_number AS badge, o.rank AS rank, o.first_name AS first_name, o.last_name AS last_name,
                     u.name AS unit, per_officer.late AS late, per_officer.overdue AS overdue,
                     per_officer.not_docked AS not_docked,
                     per_officer.late + per_officer.overdue + per_officer.not_docked AS total
              FROM (SELECT officer_id, CAST(SUM(late) AS BIGINT) AS late, CAST(SUM(overdue) AS BIGINT) AS overdue,
                           CAST(SUM(not_docked) AS BIGINT) AS not_docked
                    FROM (SELECT officer_id, late, 0 AS overdue, 0 AS not_docked FROM ({per_officer}) counted
                          WHERE late > 0
                          UNION ALL SELECT officer_id, 0, overdue, 0 FROM ({overdue}) overdue
                          UNION ALL SELECT officer_id, 0, 0, not_docked FROM ({undocked}) undocked) parts
                    GROUP BY officer_id) per_officer
              JOIN {Officer._meta.db_table} o ON o.id = per_officer.officer_id
              LEFT JOIN {Unit._meta.db_table} u ON u.id = o.unit_id"""
    return sql, [*params, *overdue_params, *undocked_params]


class Offenders(LazyRows):
    """The officers of `by_officer`, a page at a time, with how many are repeat offenders."""

    repeat: int


def _offender(row: dict) -> dict:
    row["repeat"] = row["total"] >= REPEAT_OFFENDER_MIN
    row["unit"] = row["unit"] or "No unit"
    return row


def by_officer(
    period: Period,
    now: datetime | None = None,
    exempt: list[dict] | None = None,
    most: bool | None = None,
    *,
    offset: int = 0,
    limit: int = 25,
) -> Offenders:
    """Officers with any late, overdue or undocked return in the range, most first (then by name and
    badge; check-outs taken on a day the officer was exempt left out): late returns from the per-day
    counts (reports.selectors.counted; `most` is its `range_is_most_of_history`, worked out when not
    given), overdue from the open check-outs, undocked from the range's returns (`offenders_sql`).

    Ordered and cut in the database: the page `offset` to `offset + limit` (the one the table will
    show) is read with the count of officers and of repeat offenders, in one query; another page is
    read when asked for, and iterating it reads every row (an export).
    """
    now = now or timezone.now()
    inner, params = offenders_sql(period, now, exempt or [], _most(period, most))
    order = ", ".join(_bytewise(column) for column in ("last_name", "first_name", "badge"))
    ordered = f"SELECT * FROM ({inner}) offenders ORDER BY total DESC, {order}"
    repeat = f"SUM(CASE WHEN total >= {int(REPEAT_OFFENDER_MIN)} THEN 1 ELSE 0 END)"
    page = fetch_dicts(
        f"""SELECT * FROM (SELECT *, COUNT(*) OVER () AS officers, {repeat} OVER () AS repeat_offenders
                           FROM ({inner}) offenders) counted
            ORDER BY total DESC, {order} LIMIT %s OFFSET %s""",
        [*params, limit, offset],
    )
    if page:
        figures = {key: page[0][key] for key in ("officers", "repeat_offenders")}
    else:  # a page past the last: the figures alone
        figures = fetch_dicts(
            f"SELECT COUNT(*) AS officers, {repeat} AS repeat_offenders FROM ({inner}) offenders", params
        )[0]
    rows = Offenders(ordered, params, count=figures["officers"], convert=_offender)
    rows.repeat = int(figures["repeat_offenders"] or 0)
    for row in page:
        del row["officers"], row["repeat_offenders"]
    rows.prefetch(offset, limit, [_offender(row) for row in page])
    return rows


def by_officer_from_checkouts(
    period: Period, now: datetime | None = None, not_docked: list[dict] | None = None, exempt: list[dict] | None = None
) -> list[dict]:
    """`by_officer` from every check-out of the range (the reference for the counted figures)."""
    now = now or timezone.now()
    returns, late, overdue = _late_or_overdue(period, now, exempt or [])
    merged: dict[str, dict] = {}
    for row in (
        returns.values(**_OFFICER)
        .annotate(late=Count("pk", filter=late), overdue=Count("pk", filter=overdue))
        .order_by()
    ):
        merged[row["badge"]] = {**row, "not_docked": 0}
    return _with_not_docked(
        merged, not_docked if not_docked is not None else not_docked_by_officer(period, now, exempt)
    )


def _with_not_docked(merged: dict[str, dict], not_docked: list[dict]) -> list[dict]:
    for row in not_docked:
        entry = merged.setdefault(row["badge"], {key: row[key] for key in _OFFICER} | {"late": 0, "overdue": 0})
        entry["not_docked"] = row["not_docked"]
    for row in merged.values():
        row["total"] = row["late"] + row["overdue"] + row["not_docked"]
        row["repeat"] = row["total"] >= REPEAT_OFFENDER_MIN
        row["unit"] = row["unit"] or "No unit"
    return sorted(merged.values(), key=lambda row: (-row["total"], row["last_name"], row["first_name"], row["badge"]))


def by_unit(
    period: Period, now: datetime | None = None, exempt: list[dict] | None = None, most: bool | None = None
) -> list[dict]:
    """Returns, late returns, overdue and undocked per unit (check-outs taken on a day the officer was
    exempt left out): the per-day counts of the range (reports.selectors.counted), the open check-outs
    overdue now and the undocked returns, summed per officer and then per unit through the officers,
    in one query."""
    now = now or timezone.now()
    exempt = exempt or []
    per_officer, params = counted.per_key_sql(period, "officer_id", exempt, most=_most(period, most))
    overdue, overdue_params = compiled(
        _overdue_now(now, exempt).values("officer_id").annotate(overdue=Count("pk")).order_by()
    )
    undocked, undocked_params = _not_docked_per_officer(period, now, exempt)
    inner = f"""SELECT officer_id, SUM(returns) AS returns, SUM(late) AS late, SUM(overdue) AS overdue,
                       SUM(not_docked) AS not_docked
        FROM (SELECT officer_id, returns, late, 0 AS overdue, 0 AS not_docked FROM ({per_officer}) counted
              UNION ALL SELECT officer_id, 0, 0, overdue, 0 FROM ({overdue}) overdue
              UNION ALL SELECT officer_id, 0, 0, 0, not_docked FROM ({undocked}) undocked) parts
        GROUP BY officer_id"""
    return _units(inner, [*params, *overdue_params, *undocked_params])


def by_unit_from_checkouts(
    period: Period, now: datetime | None = None, not_docked: list[dict] | None = None, exempt: list[dict] | None = None
) -> list[dict]:
    """`by_unit` from every check-out of the range (the reference for the counted figures)."""
    now = now or timezone.now()
    in_range = Q(checked_out_at__gte=period.since, checked_out_at__lt=period.until)
    late = in_range & Q(checked_in_at__gt=F("due_back_at"))
    overdue = overdue_checkout(now)
    # Counted per officer first (check-outs alone, no join: a hash of one group per officer), then
    # per unit through the officers: officers late become a plain count of the officers with a late
    # return, where COUNT(DISTINCT) would sort every row of the range. Grouping the range's rows by
    # (officer, unit name) after a join sorted them on disk at 30,000 cameras.
    inner, params = compiled(
        not_exempt(Checkout.objects.filter(in_range | overdue), exempt or [])
        .values("officer_id")
        .annotate(
            returns=Count("pk", filter=in_range & Q(checked_in_at__isnull=False)),
            late=Count("pk", filter=late),
            overdue=Count("pk", filter=overdue),
        )
        .order_by()
    )
    return _units(inner, params, not_docked if not_docked is not None else not_docked_by_officer(period, now, exempt))


def _units(inner: str, params, not_docked: list[dict] | None = None) -> list[dict]:
    """Per unit from per-officer counts (`inner`: officer_id, returns, late, overdue, and not_docked
    unless the undocked returns per officer, `not_docked_by_officer`'s rows, are given)."""
    summed_not_docked = "CAST(SUM(not_docked) AS BIGINT)" if not_docked is None else "0"
    rows = {
        row["unit"]: row
        for row in fetch_dicts(
            # CAST: PostgreSQL sums counts as numeric.
            f"""SELECT u.name AS unit, CAST(SUM(returns) AS BIGINT) AS returns, CAST(SUM(late) AS BIGINT) AS late,
                       CAST(SUM(overdue) AS BIGINT) AS overdue,
                       SUM(CASE WHEN late > 0 THEN 1 ELSE 0 END) AS late_officers,
                       {summed_not_docked} AS not_docked
                FROM ({inner}) per_officer
                JOIN {Officer._meta.db_table} o ON o.id = per_officer.officer_id
                LEFT JOIN {Unit._meta.db_table} u ON u.id = o.unit_id
                GROUP BY u.name""",
            params,
        )
    }
    if not_docked is None:
        undocked = {unit: row["not_docked"] for unit, row in rows.items()}
    else:
        undocked = {row["unit"]: row["unit_not_docked"] for row in not_docked}
    result = []
    for unit in sorted(set(rows) | set(undocked), key=lambda name: (name is None, name or "")):
        row = rows.get(unit, {"unit": unit, "returns": 0, "late": 0, "overdue": 0, "late_officers": 0})
        row["not_docked"] = undocked.get(unit, 0)
        row["late_percent"] = round(100 * row["late"] / row["returns"], 1) if row["returns"] else 0.0
        row["unit"] = unit or "No unit"
        result.append(row)
    return result


def _resolve_time():
    return ExpressionWrapper(F("resolved_at") - F("raised_at"), output_field=DurationField())


def flags_by_kind(period: Period, now: datetime | None = None) -> list[dict]:
    """Per kind: raised in the range, resolved of those, average time to resolve, open now."""
    now = now or timezone.now()
    in_range = Q(raised_at__gte=period.since, raised_at__lt=period.until)
    counts = {
        row["kind"]: row
        for row in Flag.objects.values("kind")
        .annotate(
            raised=Count("pk", filter=in_range),
            resolved=Count("pk", filter=in_range & Q(resolved_at__isnull=False)),
            resolve_time=Avg(_resolve_time(), filter=in_range & Q(resolved_at__isnull=False)),
            open_now=Count("pk", filter=Q(resolved_at__isnull=True)),
        )
        .order_by()
    }
    rows = []
    for kind, label in Flag.Kind.choices:
        row = counts.get(kind, {"raised": 0, "resolved": 0, "resolve_time": None, "open_now": 0})
        hours = row["resolve_time"].total_seconds() / 3600 if row["resolve_time"] is not None else None
        rows.append(
            {
                "kind": label,
                "raised": row["raised"],
                "resolved": row["resolved"],
                "hours_to_resolve": round(hours, 1) if hours is not None else None,
                "open_now": row["open_now"],
            }
        )
    return rows


def flags_per_week(period: Period) -> tuple[list, dict[str, list[int]]]:
    """Flags raised per week (weeks start on Monday), one series per kind that occurred."""
    rows = list(
        Flag.objects.filter(raised_at__gte=period.since, raised_at__lt=period.until)
        .annotate(week=TruncWeek("raised_at"))
        .values("week", "kind")
        .annotate(raised=Count("pk"))
        .order_by("week")
    )
    weeks = []
    first = period.start - timedelta(days=period.start.weekday())
    week = first
    while week <= period.end:
        weeks.append(week)
        week += timedelta(days=7)
    labels = dict(Flag.Kind.choices)
    series: dict[str, list[int]] = {}
    index = {week: n for n, week in enumerate(weeks)}
    for row in rows:
        day = row["week"].date() if hasattr(row["week"], "date") else row["week"]
        if day not in index:
            continue
        values = series.setdefault(labels.get(row["kind"], row["kind"]), [0] * len(weeks))
        values[index[day]] += row["raised"]
    return weeks, series


def overdue_now(now: datetime | None = None):
    """Open check-outs past due, longest overdue first."""
    now = now or timezone.now()
    return (
        Checkout.objects.open()
        .filter(due_back_at__lt=now)
        .select_related("camera", "officer", "officer__unit")
        .order_by("due_back_at")
    )
