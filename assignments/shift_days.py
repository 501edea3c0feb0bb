"""The shift days each officer took a camera on (assignments.CheckoutShiftDay) and their count per ISO
weekday (CheckoutShiftDayTotal), kept for the coverage report (issue 11).

`count_checkout` runs inside the check-out's transaction (through `tallies.count_checkout`): the day
row is inserted unless there (`INSERT ... ON CONFLICT DO NOTHING`), and only a row this transaction
inserted adds one to the officer's weekday count, so two check-outs on one shift day count it once
whatever their timing (a concurrent insert of the same row waits for the other's commit, then finds
it there).

A check-out's shift day depends on the officer's shift today (assignments.shifts.shift_day), so the
rows are worked out again from the check-outs when that changes: `recount_officers` when officers'
shifts are set, changed or cleared (the officer services), `recount_shift` when a shift's start moves
(its officers). Both run in the caller's transaction with the officers' rows locked, which is what
`check_out` locks before it reads the officer's shift. `rebuild` recounts everyone (history written
in bulk; `tallies.rebuild` calls it).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, Count, DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate

from .models import WEEKDAY_COUNTS, Checkout, CheckoutShiftDay, CheckoutShiftDayTotal, Officer, Shift
from .shifts import shift_day, shift_day_offset
from .upserts import insert_select, upsert

# Officers recounted per statement (a roster import may move thousands to another shift at once).
BATCH_SIZE = 1000


def count_checkout(checkout: Checkout, shift: Shift | None) -> None:
    """Count a new check-out's shift day (call inside the transaction that wrote it; `shift` is its
    officer's, read under the officer's lock): one statement, two when the day is new."""
    if shift is None:
        return  # no shift, no shift day; a shift set later recounts the officer's check-outs
    day = shift_day(shift, checkout.checked_out_at)
    quote, table = connection.ops.quote_name, CheckoutShiftDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({quote('officer_id')}, {quote('day')}) VALUES (%s, %s)"
            f" ON CONFLICT ({quote('officer_id')}, {quote('day')}) DO NOTHING",
            [checkout.officer_id, connection.ops.adapt_datefield_value(day)],
        )
        inserted = cursor.rowcount
    if inserted:
        column = WEEKDAY_COUNTS[day.isoweekday() - 1]
        upsert(
            CheckoutShiftDayTotal,
            {"officer_id": checkout.officer_id},
            {**dict.fromkeys(WEEKDAY_COUNTS, 0), column: 1},
            add=(column,),
        )


def _shift_day_of_checkout(shifts: Iterable[Shift]) -> Case:
    """SQL of a check-out's shift day from its officer's shift (one arm per shift; no time zone math
    in Python): the local date of (check-out time - (shift start - lead)), in elapsed time."""
    return Case(
        *[
            When(
                officer__shift=shift.pk,
                then=TruncDate(
                    ExpressionWrapper(
                        F("checked_out_at") - Value(shift_day_offset(shift)), output_field=DateTimeField()
                    )
                ),
            )
            for shift in shifts
        ]
    )


def _count(officers: QuerySet[Officer] | None) -> int:
    """Insert the shift-day rows and weekday counts of `officers` (all when None) from their check-outs;
    the day rows written. Their old rows must be gone."""
    shifts = list(Shift.objects.all())
    if not shifts:
        return 0
    checkouts = Checkout.objects.filter(officer__shift__isnull=False)
    days = CheckoutShiftDay.objects.all()
    if officers is not None:
        checkouts = checkouts.filter(officer__in=officers.values("pk"))
        days = days.filter(officer__in=officers.values("pk"))
    worked = checkouts.values("officer_id", shift_day=_shift_day_of_checkout(shifts)).distinct().order_by()
    written = insert_select(CheckoutShiftDay._meta.db_table, worked, {"officer_id": "officer_id", "shift_day": "day"})
    counts = (
        days.values("officer_id")
        .annotate(
            **{f"n_{name}": Count("pk", filter=Q(day__iso_week_day=n)) for n, name in enumerate(WEEKDAY_COUNTS, 1)}
        )
        .order_by()
    )
    insert_select(
        CheckoutShiftDayTotal._meta.db_table,
        counts,
        {"officer_id": "officer_id", **{f"n_{name}": name for name in WEEKDAY_COUNTS}},
    )
    return written


def _forget(officers: QuerySet[Officer]) -> None:
    CheckoutShiftDay.objects.filter(officer__in=officers.values("pk")).delete()
    CheckoutShiftDayTotal.objects.filter(officer__in=officers.values("pk")).delete()


def recount_officers(officer_ids: Iterable[int]) -> None:
    """Work out these officers' shift days again from their check-outs, with their shift as it is now
    (call in the transaction that changed it, the officers' rows locked): five statements a batch."""
    ids = sorted(set(officer_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        officers = Officer.objects.filter(pk__in=ids[start : start + BATCH_SIZE])
        _forget(officers)
        _count(officers)


def recount_shift(shift: Shift) -> None:
    """Work out the shift days of every officer on `shift` again (its start moved; call in the
    transaction that moved it). The officers are locked first, in primary-key order as every bulk
    edit locks them, so no check-out of theirs is counted with the old start meanwhile."""
    list(Officer.objects.select_for_update().filter(shift=shift).order_by("pk").values_list("pk", flat=True))
    officers = Officer.objects.filter(shift=shift)
    _forget(officers)
    _count(officers)


def rebuild() -> int:
    """Every officer's shift days again from every check-out (history written in bulk); the rows written."""
    CheckoutShiftDay.objects.all().delete()
    CheckoutShiftDayTotal.objects.all().delete()
    return _count(None)
