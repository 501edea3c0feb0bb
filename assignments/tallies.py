"""Check-outs counted per (local day, officer, camera) and per hour, for the reports (issue 11).

The services that write a check-out, a check-in or a loss while out call `count_checkout` /
`count_return` inside their own transaction, so a count is never ahead of or behind its rows. Each
count is one `INSERT ... ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n`: the database inserts the row
or locks the one there and adds to it, so two check-outs in the same hour at once both count (a
read-then-write in Python would lose one).

History written in bulk (the demo seed, the benchmarks' datasets, the migration that added the
tables) is counted by `rebuild`, one set-based statement per table.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.db import connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncHour
from django.utils import timezone

from . import shift_days
from .models import Checkout, CheckoutDay, CheckoutHour, CheckoutTotal
from .upserts import insert_select, upsert


def _day_key(checkout: Checkout) -> dict:
    return {
        "officer_id": checkout.officer_id,
        "day": timezone.localdate(checkout.checked_out_at),
        "camera_id": checkout.camera_id,
    }


def _total_key(checkout: Checkout) -> dict:
    return {"officer_id": checkout.officer_id, "camera_id": checkout.camera_id}


_ZERO = {"returns": 0, "late": 0, "held": timedelta(0)}


def count_checkout(checkout: Checkout) -> None:
    """Count a new check-out (call inside the transaction that wrote it): three statements, and the
    shift day's one or two when its officer is on a shift (assignments.shift_days)."""
    out = checkout.checked_out_at
    values = {"checkouts": 1, **_ZERO}
    upsert(
        CheckoutDay,
        _day_key(checkout),
        {**values, "first_out": out, "last_out": out},
        add=("checkouts",),
        least=("first_out",),
        greatest=("last_out",),
    )
    upsert(CheckoutTotal, _total_key(checkout), values, add=("checkouts",))
    hour = out.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    upsert(CheckoutHour, {"hour": hour}, {"checkouts": 1}, add=("checkouts",))
    # The officer as the check-out service read it under its lock, with their shift.
    officer = checkout.officer
    shift_days.count_checkout(checkout, officer.shift if officer.shift_id else None)


def count_return(checkout: Checkout) -> None:
    """Count the check-in of a counted check-out (call inside the transaction that wrote it): two
    statements. (Were its day row missing, a check-out taken before the counts and not rebuilt since,
    the row is made with the check-out counted too.)"""
    back, out = checkout.checked_in_at, checkout.checked_out_at
    assert back is not None
    values = {"checkouts": 1, "returns": 1, "late": int(back > checkout.due_back_at), "held": back - out}
    returned = ("returns", "late", "held")
    upsert(
        CheckoutDay,
        _day_key(checkout),
        {**values, "first_out": out, "last_out": out, "last_in": back},
        add=returned,
        greatest=("last_in",),
    )
    upsert(CheckoutTotal, _total_key(checkout), values, add=returned)


def _day_rows():
    closed = Q(checked_in_at__isnull=False)
    held = ExpressionWrapper(F("checked_in_at") - F("checked_out_at"), output_field=DurationField())
    return (
        Checkout.objects.annotate(tally_day=TruncDate("checked_out_at"))
        .values("tally_day", "officer_id", "camera_id")
        .annotate(
            n_checkouts=Count("pk"),
            n_returns=Count("pk", filter=closed),
            n_late=Count("pk", filter=closed & Q(checked_in_at__gt=F("due_back_at"))),
            sum_held=Coalesce(Sum(held, filter=closed), Value(timedelta(0)), output_field=DurationField()),
            min_out=Min("checked_out_at"),
            max_out=Max("checked_out_at"),
            max_in=Max("checked_in_at"),
        )
        # Written in day order: a range's rows lie together on disk, as the services' rows do.
        .order_by("tally_day")
    )


_DAY_COLUMNS = {
    "tally_day": "day",
    "officer_id": "officer_id",
    "camera_id": "camera_id",
    "n_checkouts": "checkouts",
    "n_returns": "returns",
    "n_late": "late",
    "sum_held": "held",
    "min_out": "first_out",
    "max_out": "last_out",
    "max_in": "last_in",
}


_TOTAL_COLUMNS = {
    "officer_id": "officer_id",
    "camera_id": "camera_id",
    "n_checkouts": "checkouts",
    "n_returns": "returns",
    "n_late": "late",
    "sum_held": "held",
}


@transaction.atomic
def rebuild() -> tuple[int, int]:
    """Count every check-out again from the rows (history written in bulk), the shift days worked
    (assignments.shift_days) included; the day and hour rows written."""
    CheckoutDay.objects.all().delete()
    CheckoutTotal.objects.all().delete()
    CheckoutHour.objects.all().delete()
    if connection.vendor == "postgresql":
        # The grouping of every check-out fits in memory instead of spilling to disk.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
    days = insert_select(CheckoutDay._meta.db_table, _day_rows(), _DAY_COLUMNS)
    # The totals from the day rows just written (far fewer rows than the check-outs).
    totals = (
        CheckoutDay.objects.values("officer_id", "camera_id")
        .annotate(n_checkouts=Sum("checkouts"), n_returns=Sum("returns"), n_late=Sum("late"), sum_held=Sum("held"))
        .order_by()
    )
    insert_select(CheckoutTotal._meta.db_table, totals, _TOTAL_COLUMNS)
    hours = (
        Checkout.objects.annotate(tally_hour=TruncHour("checked_out_at", tzinfo=UTC))
        .values("tally_hour")
        .annotate(n_checkouts=Count("pk"))
        .order_by()
    )
    hour_rows = insert_select(CheckoutHour._meta.db_table, hours, {"tally_hour": "hour", "n_checkouts": "checkouts"})
    shift_days.rebuild()
    return days, hour_rows
