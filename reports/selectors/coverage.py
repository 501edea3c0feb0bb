"""Coverage: officers, personal cameras, spares, and shifts worked without a camera.

"A shift worked without a camera" needs a duty roster the inventory does not hold, so it is inferred
from each officer's own weekly pattern (the definition is printed on the page):

- a check-out belongs to the shift day of the officer's shift it was taken for: the local date of
  (check-out time - shift start time + the 4 h check-out lead);
- in the range, a weekday is one of the officer's working days when they took a camera on at least
  half of that weekday's shift days (so it needs a range of two weeks or more);
- each working-day shift in the range (that has ended) with no check-out counts once.
Officers on a shift who took no camera at all in the range are counted apart: they may be on leave.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Case, Count, DateField, Exists, F, FilteredRelation, OuterRef, Q, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from assignments.models import Checkout, Officer, Shift, Unit
from assignments.shifts import CHECKOUT_LEAD, shift_window
from inventory.models import Camera

from ..forms import Period
from .sql import compiled, fetch_dicts


def _in_service_personal() -> Q:
    return Q(issue__id__isnull=False) & ~Q(issue__camera__status__in=[Camera.Status.RETIRED, Camera.Status.LOST])


def units(period: Period, missed: list[dict]) -> list[dict]:
    """One row per unit: officers, personal cameras, shift days without a camera, idle officers.

    `missed` is `missed_by_officer(period)`: its rows carry their unit's totals.
    """
    rows = {
        row["unit_key"]: row
        for row in Officer.objects.filter(is_active=True)
        .annotate(issue=FilteredRelation("personal_issues", condition=Q(personal_issues__revoked_at__isnull=True)))
        .values(unit_key=F("unit"))
        .annotate(
            officers=Count("pk"),
            with_personal=Count("pk", filter=_in_service_personal()),
            on_shift=Count("pk", filter=Q(shift__isnull=False)),
            no_checkout=Count(
                "pk",
                filter=Q(shift__isnull=False)
                & ~Exists(
                    Checkout.objects.filter(
                        officer=OuterRef("pk"), checked_out_at__gte=period.since, checked_out_at__lt=period.until
                    )
                ),
            ),
        )
        .order_by()
    }
    unit_missed = {row["unit_id"]: row for row in missed}
    names = dict(Unit.objects.values_list("pk", "name"))
    result = []
    for unit_id in sorted(rows, key=lambda pk: (pk is None, names.get(pk, ""))):
        row = rows[unit_id]
        row["unit"] = names.get(unit_id, "No unit")
        row["without_personal"] = row["officers"] - row["with_personal"]
        row["missed_shifts"] = unit_missed.get(unit_id, {}).get("unit_missed") or 0
        row["officers_missing"] = unit_missed.get(unit_id, {}).get("unit_officers_missing") or 0
        result.append(row)
    return result


def totals(unit_rows: list[dict]) -> dict:
    keys = ("officers", "with_personal", "without_personal", "on_shift", "no_checkout", "missed_shifts")
    total = {key: sum(row[key] for row in unit_rows) for key in (*keys, "officers_missing")}
    total["unit"] = "All units"
    return total


def spares() -> dict:
    """The spare pool in service, and how many are charged on the shelf now."""
    ready = Camera.objects.ready().values("pk")
    return Camera.objects.in_service().aggregate(
        cameras=Count("pk"),
        spares=Count("pk", filter=Q(pool=Camera.Pool.SPARE)),
        spares_ready=Count("pk", filter=Q(pool=Camera.Pool.SPARE, pk__in=ready)),
        spares_in_maintenance=Count("pk", filter=Q(pool=Camera.Pool.SPARE, status=Camera.Status.IN_MAINTENANCE)),
    )


def _shift_day_expression(shifts: list[Shift]):
    """The local date of the shift a check-out was taken for (see the module docstring)."""
    whens = [
        When(
            officer__shift=shift.pk,
            then=TruncDate(
                F("checked_out_at")
                - timedelta(hours=shift.starts_at.hour, minutes=shift.starts_at.minute)
                + CHECKOUT_LEAD
            ),
        )
        for shift in shifts
    ]
    return Case(*whens, output_field=DateField())


def _completed_shift_days(period: Period, shifts: list[Shift], now: datetime) -> dict[int, Counter]:
    """For each shift, how many of its shift days in the range (that have ended) fall on each ISO weekday."""
    result = {}
    for shift in shifts:
        counts = Counter()
        for n in range(period.days):
            day = period.start + timedelta(days=n)
            if shift_window(shift, day)[1] <= now:
                counts[day.isoweekday()] += 1
        result[shift.pk] = counts
    return result


def _missed_per_officer_sql(period: Period, now: datetime) -> tuple[str, list] | None:
    shifts = list(Shift.objects.all())
    if not shifts:
        return None
    # shift_day is in the range exactly when the check-out time, moved back by (shift start - lead),
    # falls between the range's bounds: one index-friendly test per shift, no date arithmetic per row.
    in_range = Q(pk__in=[])
    for shift in shifts:
        offset = timedelta(hours=shift.starts_at.hour, minutes=shift.starts_at.minute) - CHECKOUT_LEAD
        in_range |= Q(
            officer__shift=shift.pk, checked_out_at__gte=period.since + offset, checked_out_at__lt=period.until + offset
        )
    days = (
        Checkout.objects.filter(officer__is_active=True)
        .filter(in_range)
        .annotate(shift_day=_shift_day_expression(shifts))
        .annotate(shift_id=F("officer__shift"))
        # Grouping (not DISTINCT) lets PostgreSQL hash the shift days instead of sorting them.
        .values("officer_id", "shift_id", "shift_day")
        .annotate(checkouts=Count("pk"))
        .order_by()
    )
    inner, params = compiled(days)
    # The weekday of each shift day, computed once per (officer, day) by the backend's own SQL.
    weekday_sql, weekday_params = connection.ops.date_extract_sql("iso_week_day", "shift_day", ())
    occurrences = _completed_shift_days(period, shifts, now)
    # occ(shift, weekday) as a CASE; the numbers are counted above from the calendar, never from rows.
    cases, case_params = [], []
    for shift_id, counts in occurrences.items():
        for weekday, count in counts.items():
            cases.append("WHEN shift_id = %s AND weekday = %s THEN %s")
            case_params += [shift_id, weekday, count]
    if not cases:
        return None
    occ = f"(CASE {' '.join(cases)} ELSE 0 END)"
    sql = f"""
        SELECT officer_id, SUM(CASE WHEN 2 * worked >= occ AND occ > worked THEN occ - worked ELSE 0 END) AS missed
        FROM (
            SELECT officer_id, shift_id, weekday, COUNT(*) AS worked, MAX({occ}) AS occ
            FROM (SELECT officer_id, shift_id, {weekday_sql} AS weekday FROM ({inner}) grouped) shift_days
            GROUP BY officer_id, shift_id, weekday
        ) per_weekday
        GROUP BY officer_id
    """
    return sql, [*case_params, *weekday_params, *params]


def missed_by_officer(period: Period, now: datetime | None = None) -> list[dict]:
    """Officers with shifts worked without a camera, most first, each with their unit's totals.

    The unit totals come from window functions over the same rows, so one query serves both tables.
    """
    built = _missed_per_officer_sql(period, now or timezone.now())
    if built is None:
        return []
    sql, params = built
    officer = Officer._meta.db_table
    unit = Unit._meta.db_table
    return fetch_dicts(
        f"""SELECT o.badge_number AS badge, o.rank, o.first_name, o.last_name, u.name AS unit,
                   o.unit_id, per_officer.missed,
                   SUM(per_officer.missed) OVER (PARTITION BY o.unit_id) AS unit_missed,
                   COUNT(*) OVER (PARTITION BY o.unit_id) AS unit_officers_missing
            FROM ({sql}) per_officer
            JOIN {officer} o ON o.id = per_officer.officer_id
            LEFT JOIN {unit} u ON u.id = o.unit_id
            WHERE per_officer.missed > 0
            ORDER BY per_officer.missed DESC, o.last_name, o.first_name, o.badge_number""",
        params,
    )
