"""Check-outs counted per (local day, officer, camera) and per hour, for the reports (issue 11).

The services that write a check-out, a check-in or a loss while out call `count_checkout` /
`count_return` inside their own transaction, so a count is never ahead of or behind its rows. The
counts are added with `UPDATE ... SET n = n + 1` (row-locked by the database, so two returns at once
both count), and a missing row is inserted in a savepoint: when a concurrent transaction inserted the
same row first, the unique constraint refuses ours and the update runs again on theirs.

History written in bulk (the demo seed, the benchmarks' datasets, the migration that added the
tables) is counted by `rebuild`, one set-based statement per table.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Model, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate, TruncHour
from django.utils import timezone

from .models import Checkout, CheckoutDay, CheckoutHour, CheckoutTotal


def _add(model: type[Model], key: dict, *, create: dict, update: dict) -> None:
    """Add to the row at `key` (`update`: F() expressions), or insert it (`create`) if missing."""
    if model._default_manager.filter(**key).update(**update):
        return
    try:
        with transaction.atomic():
            model._default_manager.create(**key, **create)
            return
    except IntegrityError:
        pass  # a concurrent transaction inserted it first (and has committed): add to theirs
    model._default_manager.filter(**key).update(**update)


def _day_key(checkout: Checkout) -> dict:
    return {
        "day": timezone.localdate(checkout.checked_out_at),
        "officer_id": checkout.officer_id,
        "camera_id": checkout.camera_id,
    }


def count_checkout(checkout: Checkout) -> None:
    """Count a new check-out (call inside the transaction that wrote it)."""
    out = checkout.checked_out_at
    _add(
        CheckoutDay,
        _day_key(checkout),
        create={"checkouts": 1, "first_out": out, "last_out": out},
        update={
            "checkouts": F("checkouts") + 1,
            "first_out": Least("first_out", Value(out)),
            "last_out": Greatest("last_out", Value(out)),
        },
    )
    _add(
        CheckoutTotal,
        {"officer_id": checkout.officer_id, "camera_id": checkout.camera_id},
        create={"checkouts": 1},
        update={"checkouts": F("checkouts") + 1},
    )
    hour = out.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    _add(CheckoutHour, {"hour": hour}, create={"checkouts": 1}, update={"checkouts": F("checkouts") + 1})


def count_return(checkout: Checkout) -> None:
    """Count the check-in of a counted check-out (call inside the transaction that wrote it)."""
    back, out = checkout.checked_in_at, checkout.checked_out_at
    assert back is not None
    late = int(back > checkout.due_back_at)
    held = back - out
    _add(
        CheckoutDay,
        _day_key(checkout),
        # Only for a check-out taken before the counts existed and not rebuilt since.
        create={
            "checkouts": 1,
            "returns": 1,
            "late": late,
            "held": held,
            "first_out": out,
            "last_out": out,
            "last_in": back,
        },
        update={
            "returns": F("returns") + 1,
            "late": F("late") + late,
            "held": F("held") + Value(held, output_field=DurationField()),
            "last_in": Greatest(Coalesce("last_in", Value(back)), Value(back)),
        },
    )
    _add(
        CheckoutTotal,
        {"officer_id": checkout.officer_id, "camera_id": checkout.camera_id},
        create={"checkouts": 1, "returns": 1, "late": late, "held": held},
        update={
            "returns": F("returns") + 1,
            "late": F("late") + late,
            "held": F("held") + Value(held, output_field=DurationField()),
        },
    )


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


def _insert_select(table: str, queryset, columns: dict[str, str]) -> int:
    query = queryset.query
    # Selected by name from the compiled query: its column order is the ORM's to choose.
    names = [*query.values_select, *query.annotation_select]
    sql, params = query.sql_with_params()
    target = ", ".join(connection.ops.quote_name(columns[name]) for name in names)
    sources = ", ".join(connection.ops.quote_name(name) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(table)} ({target}) SELECT {sources} FROM ({sql}) counted", params
        )
        return cursor.rowcount


@transaction.atomic
def rebuild() -> tuple[int, int]:
    """Count every check-out again from the rows (history written in bulk); the day and hour rows written."""
    CheckoutDay.objects.all().delete()
    CheckoutTotal.objects.all().delete()
    CheckoutHour.objects.all().delete()
    if connection.vendor == "postgresql":
        # The grouping of every check-out fits in memory instead of spilling to disk.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
    days = _insert_select(CheckoutDay._meta.db_table, _day_rows(), _DAY_COLUMNS)
    # The totals from the day rows just written (far fewer rows than the check-outs).
    totals = (
        CheckoutDay.objects.values("officer_id", "camera_id")
        .annotate(n_checkouts=Sum("checkouts"), n_returns=Sum("returns"), n_late=Sum("late"), sum_held=Sum("held"))
        .order_by()
    )
    _insert_select(CheckoutTotal._meta.db_table, totals, _TOTAL_COLUMNS)
    hours = (
        Checkout.objects.annotate(tally_hour=TruncHour("checked_out_at", tzinfo=UTC))
        .values("tally_hour")
        .annotate(n_checkouts=Count("pk"))
        .order_by()
    )
    return days, _insert_select(CheckoutHour._meta.db_table, hours, {"tally_hour": "hour", "n_checkouts": "checkouts"})
