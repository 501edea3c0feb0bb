"""Coverage: officers, personal cameras, spares, and shifts worked without a camera.

"A shift worked without a camera" needs a duty roster the inventory does not hold, so it is inferred
from each officer's own weekly pattern (the definition is printed on the page):

- a check-out belongs to the shift day of the officer's shift it was taken for: the local date of
  (check-out time - shift start time + the 4 h check-out lead);
- in the range, a weekday is one of the officer's working days when they took a camera on at least
  half of that weekday's shift days (so it needs a range of two weeks or more);
- each working-day shift in the range (that has ended) with no check-out counts once.
Officers on a shift who took no camera at all in the range are counted apart: they may be on leave.

The shift days worked are kept per officer by the check-out service (assignments.shift_days: a row per
officer and shift day, and all-time counts per weekday), recounted when an officer's shift or a
shift's start changes, so the report reads a row per officer and shift day in a short range, or the
all-time counts less the rows outside a range holding most of the history, never the check-outs.
Each officer's count is worked out once per page, in one statement that sums it per unit and cuts the
page of officers shown (`missed_by_officer`); an export reads every officer, in the same order.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.lookups import LessThan
from django.utils import timezone

from assignments.models import (
    WEEKDAY_COUNTS,
    Checkout,
    CheckoutDay,
    CheckoutShiftDay,
    CheckoutShiftDayTotal,
    Officer,
    Shift,
    Unit,
    current_issue,
)
from assignments.shifts import shift_day_offset, shift_window
from inventory.models import Camera

from ..forms import Period
from . import counted, exemptions
from .sql import LazyRows, compiled, fetch_dicts


def _in_service_personal() -> Q:
    return Q(issue__id__isnull=False) & ~Q(issue__camera__status__in=[Camera.Status.RETIRED, Camera.Status.LOST])


def _flag(condition) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _took_a_camera_sql(period: Period, *, most: bool, from_checkouts: bool) -> tuple[str, list]:
    """SQL of (officer_id), once each: the officers who took a camera in the range. From the per-day
    counts: the range's day rows, or (`most`) the all-time totals less the rows outside the range
    (reports.selectors.counted); `from_checkouts` from the check-outs (the tested reference)."""
    if most and not from_checkouts:
        totals, totals_params = counted.per_key_sql(period, "officer_id", [], most=True)
        return f"SELECT officer_id FROM ({totals}) took", totals_params
    rows: QuerySet = (
        Checkout.objects.filter(checked_out_at__gte=period.since, checked_out_at__lt=period.until)
        if from_checkouts
        else CheckoutDay.objects.filter(day__gte=period.start, day__lte=period.end)
    )
    sql, params = compiled(rows.values("officer_id").distinct().order_by())
    return sql, list(params)


def units_sql(period: Period, *, most: bool, from_checkouts: bool = False) -> tuple[str, list]:
    """SQL of (unit_key, officers, with_personal, on_shift, no_checkout): `units`' counts per unit id."""
    # Per officer, joined once to the officers who took a camera (a hash join), then summed per unit:
    # an EXISTS per officer probed the per-day counts' index 38,000 times (0.4-0.7 s at 10 M check-outs,
    # widest range; the join 0.2 s).
    officers, params = compiled(
        Officer.objects.filter(is_active=True)
        .annotate(issue=FilteredRelation("personal_issues", condition=current_issue("personal_issues__")))
        .values(
            officer_id=F("pk"),
            unit_key=F("unit"),
            personal=_flag(_in_service_personal()),
            on_shift=_flag(Q(shift__isnull=False)),
            may_idle=_flag(Q(shift__isnull=False) & ~exemptions.exempt_throughout(period)),
        )
        .order_by()
    )
    took, took_params = _took_a_camera_sql(period, most=most, from_checkouts=from_checkouts)
    return (
        f"""SELECT unit_key, COUNT(*) AS officers, SUM(personal) AS with_personal, SUM(on_shift) AS on_shift,
                   SUM(CASE WHEN may_idle = 1 AND took.officer_id IS NULL THEN 1 ELSE 0 END) AS no_checkout
            FROM ({officers}) officers LEFT JOIN ({took}) took ON took.officer_id = officers.officer_id
            GROUP BY unit_key""",
        [*params, *took_params],
    )


def units(
    period: Period, missed: MissedShifts, *, most: bool | None = None, from_checkouts: bool = False
) -> list[dict]:
    """One row per unit: officers, personal cameras, shift days without a camera, idle officers.

    `missed` is `missed_by_officer(period)`: its sums per unit. "Took no camera" reads the check-outs
    counted per day (`most` as for `missed_by_officer`, worked out when not given); `from_checkouts`
    the check-outs (the tested reference).
    """
    if most is None and not from_checkouts:
        most = counted.range_is_most_of_history(period)
    counts = fetch_dicts(*units_sql(period, most=bool(most), from_checkouts=from_checkouts))
    rows = {row["unit_key"]: row for row in counts}
    names = dict(Unit.objects.values_list("pk", "name"))
    result = []
    for unit_id in sorted(rows, key=lambda pk: (pk is None, names.get(pk, ""))):
        row = rows[unit_id]
        row["unit"] = names.get(unit_id, "No unit")
        row["without_personal"] = row["officers"] - row["with_personal"]
        missing = missed.per_unit.get(unit_id, {})
        row["missed_shifts"] = missing.get("missed", 0)
        row["officers_missing"] = missing.get("officers", 0)
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


class DayOfRange(Func):
    """Which day of a range an instant falls in: how many of `day_starts` (ascending) it has reached.

    `day_starts` are the instants at which days 1, 2, ... of the range begin, so an instant before
    the first is on day 0. A binary search over them (width_bucket) on PostgreSQL; a CASE walking
    them elsewhere. Either way the column is only compared, never converted to a local time.
    """

    output_field = IntegerField()

    def __init__(self, expression, day_starts: list[datetime]):
        self.day_starts = list(day_starts)
        super().__init__(expression)

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        instant = self.source_expressions[0]
        whens = [When(LessThan(instant, start), then=Value(n)) for n, start in enumerate(self.day_starts)]
        return compiler.compile(Case(*whens, default=Value(len(self.day_starts)), output_field=IntegerField()))

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"width_bucket({sql}, %s::timestamptz[])", (*params, self.day_starts)


class DayNumber(Func):
    """How many days a date column is after the constant date `first` (an integer, 0 on `first`)."""

    output_field = IntegerField()

    def __init__(self, expression, first: date):
        self.first = first
        super().__init__(expression)

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(julianday({sql}) - julianday(%s) AS integer)", (*params, self.first.isoformat())

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - %s::date)", (*params, self.first)


class IsoWeekday(Func):
    """The ISO weekday (1 = Monday) of a date column, in integer arithmetic from a Monday, 0001-01-01
    (PostgreSQL's EXTRACT gives a numeric, several times slower to compare and sum per row)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(CAST(julianday({sql}) - julianday('0001-01-01') AS integer) %% 7 + 1)", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql} - DATE '0001-01-01') %% 7 + 1)", params


# Days per bitmask: bits 0..61 of a signed 64-bit integer, so every value stays positive.
DAYS_PER_MASK = 62


def _bit_or(expression: str) -> str:
    # SQLite has no BIT_OR; SUM(DISTINCT) of single bits is the same set.
    return f"BIT_OR({expression})" if connection.vendor == "postgresql" else f"SUM(DISTINCT {expression})"


def _one() -> str:
    return "1::bigint" if connection.vendor == "postgresql" else "1"


def _bit_count(mask: str) -> str:
    """How many bits of a mask are set: bit_count on PostgreSQL, a sum of its bits elsewhere."""
    if connection.vendor == "postgresql":
        return f"bit_count({mask}::bit(64))"
    return "(" + " + ".join(f"(({mask} >> {n}) & 1)" for n in range(DAYS_PER_MASK)) + ")"


def _shift_day_start(day: date, shift: Shift) -> datetime:
    """When check-outs for `shift`'s shift day `day` begin: local midnight plus (start - lead), elapsed."""
    # In UTC first: adding hours to a local-zone datetime adds wall-clock time, an hour off on a DST change.
    return Period(day, day).since.astimezone(UTC) + shift_day_offset(shift)


def _shift_day_index(period: Period, shifts: list[Shift]):
    """The index in the range of the shift day a check-out was taken for (see the module docstring).

    The shift day is the local date of (check-out time - shift start + lead): day n of the range runs
    from local midnight of that date plus (shift start - lead), in elapsed time, to the next one. Those
    bounds are a few per shift, computed here once, so no row's time is converted to local time.
    """
    whens = []
    for shift in shifts:
        starts = [_shift_day_start(day, shift) for day in _dates(period)[1:]]
        whens.append(When(officer__shift=shift.pk, then=DayOfRange(F("checked_out_at"), starts)))
    return Case(*whens, output_field=IntegerField())


def _dates(period: Period) -> list[date]:
    return [period.start + timedelta(days=n) for n in range(period.days)]


def _days_completed(period: Period, shift: Shift, now: datetime) -> int:
    """How many of the range's shift days of `shift` have ended by `now`: its first days, as a shift
    ends later each day (a binary search, not a shift's end worked out for every day of the range)."""
    dates = _dates(period)
    return bisect_right(range(period.days), now, key=lambda n: shift_window(shift, dates[n])[1])


def _completed_shift_days(period: Period, shifts: list[Shift], now: datetime) -> dict[int, Counter]:
    """For each shift, how many of its shift days in the range (that have ended) fall on each ISO weekday."""
    dates = _dates(period)
    return {
        shift.pk: Counter(day.isoweekday() for day in dates[: _days_completed(period, shift, now)]) for shift in shifts
    }


def _constant_rows(names: list[str], rows: list[list[int]]) -> str:
    """SQL of constant integer rows with these column names: one VALUES list (one node to plan, where
    a SELECT per row joined by UNION ALL took 0.46 s to plan for 400 exempt officers)."""
    # VALUES names its columns column1, column2, ... on PostgreSQL and SQLite alike.
    columns = ", ".join(f"column{n} AS {name}" for n, name in enumerate(names, 1))
    values = ", ".join(f"({', '.join(str(int(value)) for value in row)})" for row in rows)
    return f"SELECT {columns} FROM (VALUES {values}) constant_rows"


def _exempt_masks(period: Period, shifts: list[Shift], exempt: list[dict], now: datetime) -> str | None:
    """The exempt days of each exempt officer on a shift, as SQL rows of integer constants: per 62-day
    chunk the days' bitmask (`ex<first>`), and per ISO weekday how many of them were completed shift
    days (`exocc<weekday>`), which come off the calendar's count of that weekday's shifts."""
    by_shift = {shift.pk: shift for shift in shifts}
    shift_of = {row["officer_id"]: row["shift_id"] for row in exempt if row["shift_id"] in by_shift}
    dates = _dates(period)
    chunks = range(0, period.days, DAYS_PER_MASK)
    ended = {shift.pk: _days_completed(period, shift, now) for shift in shifts}
    rows = []
    for officer_id, days in sorted(exemptions.exempt_days(exempt, period).items()):
        if officer_id not in shift_of:
            continue
        shift = by_shift[shift_of[officer_id]]
        masks = [sum(1 << (n - first) for n in days if first <= n < first + DAYS_PER_MASK) for first in chunks]
        completed = [n for n in days if n < ended[shift.pk]]
        occ = [sum(1 for n in completed if dates[n].isoweekday() == weekday) for weekday in range(1, 8)]
        rows.append([officer_id, *masks, *occ])
    if not rows:
        return None
    names = ["officer_id", *(f"ex{first}" for first in chunks), *(f"exocc{weekday}" for weekday in range(1, 8))]
    return _constant_rows(names, rows)


def _shift_days_from_checkouts_sql(period: Period, shifts: list[Shift]) -> tuple[str, list]:
    """(officer_id, shift_id, day) for every check-out of an active officer in the range (the reference)."""
    # A check-out's shift day is in the range exactly when its time falls between the range's bounds
    # moved by (shift start - lead): one index-friendly test per shift.
    in_range = Q(pk__in=[])
    for shift in shifts:
        in_range |= Q(
            officer__shift=shift.pk,
            checked_out_at__gte=_shift_day_start(period.start, shift),
            checked_out_at__lt=_shift_day_start(period.end + timedelta(days=1), shift),
        )
    days = (
        Checkout.objects.filter(officer__is_active=True)
        .filter(in_range)
        .values("officer_id", shift_id=F("officer__shift"), day=_shift_day_index(period, shifts))
        .order_by()
    )
    inner, params = compiled(days)
    return inner, list(params)


def _worked_from_checkouts_sql(period: Period, shifts: list[Shift], exempt_sql: str | None) -> tuple[str, list]:
    """(officer_id, shift_id, worked1..worked7[, exocc1..exocc7]): the shift days each active officer on
    a shift worked in the range per ISO weekday, from the range's check-outs (the reference)."""
    # Each check-out's shift day n (day n of the range), computed once per row: the inner query is
    # fenced (OFFSET 0) on PostgreSQL, which would otherwise copy the expression into every use.
    inner, params = _shift_days_from_checkouts_sql(period, shifts)
    if connection.vendor == "postgresql":
        inner = f"{inner} OFFSET 0"
    return _worked_from_day_numbers(period, inner, exempt_sql), params


def _worked_from_day_numbers(period: Period, inner: str, exempt_sql: str | None, shifts_of: str | None = None) -> str:
    """The worked counts per weekday from `inner`, the SQL of (officer_id, shift_id, day): a row per
    shift day worked (duplicates allowed), `day` its number in the range (0 = the first). With
    `shifts_of`, the SQL of (id, shift_id) of the officers to count, `inner` has no shift_id."""
    # Per officer, the set of days as 62-day bitmasks (bit n - first of day n), so duplicates
    # fold away in one pass over the officer's rows; the days worked on a weekday are the bits of its
    # days in the range (a constant mask per chunk), counted. An earlier version evaluated the day
    # index three times per mask and summed one term per day of the range: 3.8 s of CPU at the widest
    # range (731 days) over 660,000 check-outs at 30,000 cameras. Grouping by (officer, day) first
    # would hash every shift worked.
    chunks = range(0, period.days, DAYS_PER_MASK)
    masks = [
        _bit_or(
            f"CASE WHEN day >= {first} AND day < {first + DAYS_PER_MASK} THEN {_one()} << (day - {first}) ELSE 0 END"
            if len(chunks) > 1
            else f"{_one()} << day"
        )
        + f" AS days{first}"
        for first in chunks
    ]
    if shifts_of is None:
        grouped = (
            f"SELECT officer_id, shift_id, {', '.join(masks)} FROM ({inner}) shift_days GROUP BY officer_id, shift_id"
        )
    else:
        # Grouped per officer first, then joined to the officers: a row per officer joined, not one
        # per shift day worked (0.56 s -> 0.39 s EXPLAIN ANALYZE at 14 days, 30,000 cameras).
        names = ", ".join(f"days{first}" for first in chunks)
        grouped = (
            f"SELECT per_officer_days.officer_id, o.shift_id, {names}"
            f" FROM (SELECT officer_id, {', '.join(masks)} FROM ({inner}) shift_days GROUP BY officer_id)"
            f" per_officer_days JOIN ({shifts_of}) o ON o.id = per_officer_days.officer_id"
        )
    dates = _dates(period)
    worked = []
    for weekday in range(1, 8):
        counts = []
        for first in chunks:
            pattern = sum(
                1 << (n - first)
                for n in range(first, min(first + DAYS_PER_MASK, period.days))
                if dates[n].isoweekday() == weekday
            )
            if pattern:
                mask = f"(days{first} & ~COALESCE(ex{first}, 0))" if exempt_sql else f"days{first}"
                counts.append(_bit_count(f"({mask} & {pattern})"))
        worked.append(f"{' + '.join(counts) or '0'} AS worked{weekday}")
    if exempt_sql:
        worked += [f"COALESCE(exocc{weekday}, 0) AS exocc{weekday}" for weekday in range(1, 8)]
        source = f"({grouped}) day_masks LEFT JOIN ({exempt_sql}) exempt ON exempt.officer_id = day_masks.officer_id"
    else:
        source = f"({grouped}) day_masks"
    return f"SELECT day_masks.officer_id, shift_id, {', '.join(worked)} FROM {source}"


def _per_weekday(rows: list[tuple[str, tuple]]) -> str:
    """SQL of (officer_id, worked1..worked7) summing `n` per ISO weekday over the union of `rows`, each
    the SQL of (officer_id, weekday, n)."""
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) part{n}" for n, (sql, _) in enumerate(rows))
    # Integers throughout: a sum of bigints is a numeric in PostgreSQL, slower to add and to hash.
    sums = ", ".join(
        f"CAST(SUM(CASE WHEN weekday = {w} THEN n ELSE 0 END) AS integer) AS worked{w}" for w in range(1, 8)
    )
    return f"SELECT officer_id, {sums} FROM ({union}) signed GROUP BY officer_id"


def _signed_days(rows, sign: int) -> tuple[str, tuple]:
    return compiled(
        rows.order_by().values("officer_id", weekday=IsoWeekday("day"), n=Value(sign, output_field=IntegerField()))
    )


def _exempt_days_worked(period: Period, shifts: list[Shift], exempt: list[dict]) -> tuple[str, tuple] | None:
    """SQL of (officer_id, weekday, -1) for the kept shift days of exempt officers on a shift that fall
    on their exempt days in the range (their rows in the range, read through the (officer, day) unique
    index, joined to each officer's runs of exempt days, as constant rows); None when there are none."""
    on_shift = {row["officer_id"] for row in exempt if row["shift_id"] in {shift.pk for shift in shifts}}
    runs = []  # (officer, first, last), as day numbers of the range
    for officer_id, days in exemptions.exempt_days(exempt, period).items():
        if officer_id in on_shift:
            ordered = sorted(days)
            first = ordered[0]
            for n, day in enumerate(ordered):
                if n + 1 == len(ordered) or ordered[n + 1] != day + 1:
                    runs.append([officer_id, first, day])
                    if n + 1 < len(ordered):
                        first = ordered[n + 1]
    if not runs:
        return None
    rows = CheckoutShiftDay.objects.filter(
        officer_id__in=sorted(on_shift), day__gte=period.start, day__lte=period.end
    ).values("officer_id", weekday=IsoWeekday("day"), day_number=DayNumber(F("day"), period.start))
    sql, params = compiled(rows.order_by())
    return (
        f"SELECT exempt_rows.officer_id, weekday, -1 AS n FROM ({sql}) exempt_rows"
        f" JOIN ({_constant_rows(['officer_id', 'first', 'last'], runs)}) runs"
        " ON runs.officer_id = exempt_rows.officer_id AND exempt_rows.day_number BETWEEN runs.first AND runs.last",
        params,
    )


def _worked_from_shift_days_sql(
    period: Period, shifts: list[Shift], exempt: list[dict], exempt_sql: str | None, *, most: bool
) -> tuple[str, list]:
    """As `_worked_from_checkouts_sql`, from the shift days kept per officer (assignments.CheckoutShiftDay
    and CheckoutShiftDayTotal). Of two equal counts it reads the one with fewer rows, as the counted
    reports do (reports.selectors.counted): a range holding at most half of the history reads its own
    rows (as the reference reads its check-outs); a longer one, each officer's all-time counts less the
    rows outside the range and less the exempt officers' rows on their exempt days."""
    officer = Officer._meta.db_table
    if not most:
        # The range's rows as day numbers, through the bitmasks the reference uses (exempt days masked
        # out there): one integer per row, not a sum per weekday (0.72 s -> 0.56 s EXPLAIN ANALYZE at
        # 14 days over 292,000 rows, 30,000 cameras).
        in_range = CheckoutShiftDay.objects.filter(day__gte=period.start, day__lte=period.end).order_by()
        numbers = in_range.values("officer_id", day_number=DayNumber(F("day"), period.start))
        numbered, day_params = compiled(numbers)
        days = f"SELECT officer_id, day_number AS day FROM ({numbered}) numbered"
        shifts_of = f"SELECT id, shift_id FROM {officer} WHERE is_active = %s AND shift_id IS NOT NULL"
        return _worked_from_day_numbers(period, days, exempt_sql, shifts_of), [*day_params, True]
    rows = [_signed_days(CheckoutShiftDay.objects.filter(Q(day__lt=period.start) | Q(day__gt=period.end)), -1)]
    if (exempt_days := _exempt_days_worked(period, shifts, exempt)) is not None:
        rows.append(exempt_days)
    params = [param for _, part in rows for param in part]
    total = CheckoutShiftDayTotal._meta.db_table
    counts = ", ".join(f"{name} AS worked{w}" for w, name in enumerate(WEEKDAY_COUNTS, 1))
    sums = ", ".join(f"CAST(SUM(worked{w}) AS integer) AS worked{w}" for w in range(1, 8))
    per_weekday = (
        f"SELECT officer_id, {sums} FROM (SELECT officer_id, {counts} FROM {total}"
        f" UNION ALL {_per_weekday(rows)}) totals_less_the_rest GROUP BY officer_id"
    )
    worked = ", ".join(f"worked{w}" for w in range(1, 8))
    if exempt_sql:
        worked += ", " + ", ".join(f"COALESCE(exocc{w}, 0) AS exocc{w}" for w in range(1, 8))
        joined = f"LEFT JOIN ({exempt_sql}) exempt ON exempt.officer_id = days.officer_id"
    else:
        joined = ""
    sql = f"""SELECT days.officer_id, o.shift_id, {worked}
        FROM ({per_weekday}) days JOIN {officer} o ON o.id = days.officer_id {joined}
        WHERE o.is_active = %s AND o.shift_id IS NOT NULL"""
    return sql, [*params, True]


def _missed_per_officer_sql(
    period: Period,
    now: datetime,
    exempt: list[dict] | None = None,
    *,
    from_checkouts: bool = False,
    most: bool = False,
) -> tuple[str, list] | None:
    shifts = list(Shift.objects.all())
    if not shifts:
        return None
    # Exempt days (assignments.DutyAssignment) needed no camera: their check-outs and their shifts
    # both drop out of the officer's counts, through a join to constant rows (a few per exempt officer).
    exempt_sql = _exempt_masks(period, shifts, exempt or [], now)
    if from_checkouts:
        source, params = _worked_from_checkouts_sql(period, shifts, exempt_sql)
    else:
        source, params = _worked_from_shift_days_sql(period, shifts, exempt or [], exempt_sql, most=most)
    # occ(shift, weekday): counted above from the calendar, never from rows (integers, written inline).
    occurrences = _completed_shift_days(period, shifts, now)
    missed = []
    for weekday in range(1, 8):
        cases = " ".join(
            f"WHEN {int(shift_id)} THEN {int(counts[weekday])}"
            for shift_id, counts in occurrences.items()
            if counts[weekday]
        )
        if cases:
            less = f" - exocc{weekday}" if exempt_sql else ""
            occ, worked_ = f"(CASE shift_id {cases} ELSE 0 END{less})", f"worked{weekday}"
            missed.append(f"CASE WHEN 2 * {worked_} >= {occ} AND {occ} > {worked_} THEN {occ} - {worked_} ELSE 0 END")
    if not missed:
        return None
    sql = f"""
        SELECT officer_id, {" + ".join(missed)} AS missed
        FROM ({source}) per_weekday
    """
    return sql, list(params)


# Officers with a missed shift, most first, then by name and badge (as the page has always listed them).
_ORDER = "missed DESC, last_name, first_name, badge"
OFFICER_COLUMNS = ("badge", "rank", "first_name", "last_name", "unit", "unit_id", "missed")


def _missing_sql(per_officer: str) -> str:
    """SQL of (badge, rank, first_name, last_name, unit, unit_id, missed): the officers of `per_officer`
    (the CTE's name) with a missed shift."""
    return f"""SELECT o.badge_number AS badge, o.rank AS rank, o.first_name AS first_name, o.last_name AS last_name,
                      u.name AS unit, o.unit_id AS unit_id, {per_officer}.missed AS missed
               FROM {per_officer}
               JOIN {Officer._meta.db_table} o ON o.id = {per_officer}.officer_id
               LEFT JOIN {Unit._meta.db_table} u ON u.id = o.unit_id
               WHERE {per_officer}.missed > 0"""


def _ordered_sql(per_officer: tuple[str, list]) -> tuple[str, list]:
    sql, params = per_officer
    # MATERIALIZED: each officer's count worked out once, not again in every clause that uses it
    # (the WHERE and the ORDER BY as well as the SELECT, inlined; SQLite ran out of memory planning that).
    return (
        f"WITH per_officer AS MATERIALIZED ({sql})"
        f" SELECT * FROM ({_missing_sql('per_officer')}) missing ORDER BY {_ORDER}",
        params,
    )


def _page_sql(per_officer: tuple[str, list], offset: int, limit: int) -> tuple[str, list]:
    sql, params = per_officer
    # MATERIALIZED: each officer's count is worked out once for both parts (an earlier version read it
    # once for the units and again for the officers' table). The sums per unit are a GROUP BY of a few
    # rows per unit; the page is cut from the officers in order (a top-N sort, not every row fetched).
    return (
        f"""WITH per_officer AS MATERIALIZED ({sql}), missing AS ({_missing_sql("per_officer")})
            SELECT * FROM (
                SELECT 0 AS part, NULL AS badge, NULL AS rank, NULL AS first_name, NULL AS last_name,
                       NULL AS unit, unit_id, CAST(SUM(missed) AS BIGINT) AS missed, COUNT(*) AS officers
                FROM missing GROUP BY unit_id
                UNION ALL
                SELECT * FROM (SELECT 1 AS part, missing.*, 1 AS officers FROM missing
                               ORDER BY {_ORDER} LIMIT %s OFFSET %s) page
            ) parts
            ORDER BY part, {_ORDER}""",
        [*params, limit, offset],
    )


def missed_page_sql(
    period: Period, now: datetime, exempt: list[dict], *, from_checkouts: bool, most: bool, offset: int, limit: int
) -> tuple[str, list] | None:
    """The one statement of `missed_by_officer` (bench/coverage.py explains it): the missed shifts and
    officers with one per unit (rows of part 0), then the page `offset` to `offset + limit` of the
    officers (part 1, in order); None when nothing can be missed."""
    built = _missed_per_officer_sql(period, now, exempt, from_checkouts=from_checkouts, most=most)
    return None if built is None else _page_sql(built, offset, limit)


class MissedShifts(LazyRows):
    """The officers of `missed_by_officer`, a page at a time, with the missed shifts and officers per
    unit: `per_unit`, unit id (None: no unit) to {"missed", "officers"}."""

    per_unit: dict[int | None, dict[str, int]]


def missed_by_officer(
    period: Period,
    now: datetime | None = None,
    exempt: list[dict] | None = None,
    *,
    from_checkouts: bool = False,
    most: bool | None = None,
    offset: int = 0,
    limit: int = 25,
) -> MissedShifts:
    """Officers with shifts worked without a camera, most first (then by name and badge), each row
    (badge, rank, first_name, last_name, unit, unit_id, missed); with their sums per unit.

    Summed, ordered and cut in the database: the page `offset` to `offset + limit` (the one the table
    will show) is read with the sums per unit, whose officers add up to the count, in one statement;
    another page is read when asked for, and iterating reads every row (an export).
    `exempt` is `exemptions.exemptions(period)`: an exempt day is neither a shift missed nor one worked.
    The shift days worked are read from those kept per officer (assignments.CheckoutShiftDay, and its
    all-time counts per weekday when the range holds most of the history: `most`, by default
    `counted.range_is_most_of_history`, one small query). `from_checkouts` works them out from the
    range's check-outs instead: the reference the kept rows are tested against, which read every
    check-out of the range (2-3.5 s at 14 days on 1 M check-outs, no answer at 731 days).
    """
    if most is None and not from_checkouts:
        most = counted.range_is_most_of_history(period)
    built = _missed_per_officer_sql(
        period, now or timezone.now(), exempt or [], from_checkouts=from_checkouts, most=bool(most)
    )
    if built is None:
        missed = MissedShifts("", [], count=0)  # nothing missed, or nothing that can be: no statement
        missed.per_unit = {}
        return missed
    rows = fetch_dicts(*_page_sql(built, offset, limit))
    missed = MissedShifts(*_ordered_sql(built), count=sum(row["officers"] for row in rows if not row["part"]))
    missed.per_unit = {
        row["unit_id"]: {"missed": row["missed"], "officers": row["officers"]} for row in rows if not row["part"]
    }
    missed.prefetch(offset, limit, [{key: row[key] for key in OFFICER_COLUMNS} for row in rows if row["part"]])
    return missed
