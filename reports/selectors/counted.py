"""The check-outs taken in a report's range, counted per officer or per camera from the per-day counts
(assignments.CheckoutDay, CheckoutTotal, CheckoutHour; kept by the check-out services).

Of two equal sums it reads the smaller: the range's own day rows when the range holds at most half
of the history's check-outs (a week), or else the all-time totals less the day rows outside the range
(two years: the totals, a row per officer and camera, and few day rows or none). Which half is known
from the per-hour counts (24 rows a day). Check-outs taken on a day their officer was exempt from
wearing a camera are left out either way.
"""

from __future__ import annotations

from django.db.models import F, IntegerField, Q, Sum, Value

from assignments.models import CheckoutDay, CheckoutHour, CheckoutTotal

from ..forms import Period
from .exemptions import exempt_on_the_day, not_exempt_days
from .sql import compiled

COLUMNS = ("checkouts", "returns", "late", "held")


def range_is_most_of_history(period: Period) -> bool:
    """Whether more of the check-outs were taken inside the range than outside it (one small query)."""
    inside = Q(hour__gte=period.since, hour__lt=period.until)
    counts = CheckoutHour.objects.aggregate(
        inside=Sum("checkouts", filter=inside), outside=Sum("checkouts", filter=~inside)
    )
    return (counts["inside"] or 0) > (counts["outside"] or 0)


def _signed(rows, key: str, sign: int):
    # Rows, not sums: the one GROUP BY is outside, so PostgreSQL sums integers (not numerics) and
    # estimates its groups from the key's statistics.
    return rows.annotate(sign=Value(sign, output_field=IntegerField())).values(key, "sign", *COLUMNS)


def per_key_sql(
    period: Period, key: str, exempt: list[dict], *, most: bool, late_only: bool = False
) -> tuple[str, list]:
    """SQL of (key, checkouts, returns, late, held) for the check-outs taken in the range; `key` is
    "officer_id" or "camera_id", `most` is `range_is_most_of_history(period)`. Only keys with a
    check-out in the range have a row; with `late_only`, the caller keeps only keys with a late return
    (so the range's own day rows without one can be skipped)."""
    in_range = CheckoutDay.objects.filter(day__gte=period.start, day__lte=period.end).order_by()
    if not most:
        rows = in_range.filter(late__gt=0) if late_only else in_range
        inner, params = compiled(
            not_exempt_days(rows, exempt).values(key).annotate(**{c: Sum(c) for c in COLUMNS}).order_by()
        )
        return inner, list(params)
    parts = [
        _signed(CheckoutTotal.objects.order_by(), key, 1).order_by(),
        _signed(CheckoutDay.objects.filter(Q(day__lt=period.start) | Q(day__gt=period.end)), key, -1).order_by(),
    ]
    if exempt:
        # The exempt officers' own day rows in the range, found through the (officer, day) index.
        officers = sorted({row["officer_id"] for row in exempt})
        exempt_days = in_range.filter(officer_id__in=officers).alias(out_day=F("day")).filter(exempt_on_the_day())
        parts.append(_signed(exempt_days, key, -1).order_by())
    sqls: list[str] = []
    all_params: list = []
    for part in parts:
        sql, part_params = compiled(part)
        sqls.append(sql)
        all_params.extend(part_params)
    sums = ", ".join(f"SUM(sign * {c}) AS {c}" for c in COLUMNS)
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) part{n}" for n, sql in enumerate(sqls))
    return f"SELECT {key}, {sums} FROM ({union}) signed GROUP BY {key} HAVING SUM(sign * checkouts) > 0", all_params
