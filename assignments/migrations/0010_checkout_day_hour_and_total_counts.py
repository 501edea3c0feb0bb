"""Check-outs counted per (local day, officer, camera), per (officer, camera) and per UTC hour for the reports (issue 11), and
the history already written counted into them: a frozen copy of assignments.tallies.rebuild.
"""

import datetime

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncHour


def _insert_select(schema_editor, table, queryset, columns):
    query = queryset.query
    # Selected by name from the compiled query: its column order is the ORM's to choose.
    names = [*query.values_select, *query.annotation_select]
    sql, params = query.sql_with_params()
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({', '.join(quote(columns[n]) for n in names)}) "
            f"SELECT {', '.join(quote(n) for n in names)} FROM ({sql}) counted",
            params,
        )


def backfill(apps, schema_editor):
    Checkout = apps.get_model("assignments", "Checkout")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL work_mem = '256MB'")
    closed = Q(checked_in_at__isnull=False)
    held = ExpressionWrapper(F("checked_in_at") - F("checked_out_at"), output_field=DurationField())
    days = (
        Checkout.objects.annotate(tally_day=TruncDate("checked_out_at"))
        .values("tally_day", "officer_id", "camera_id")
        .annotate(
            n_checkouts=Count("pk"),
            n_returns=Count("pk", filter=closed),
            n_late=Count("pk", filter=closed & Q(checked_in_at__gt=F("due_back_at"))),
            sum_held=Coalesce(Sum(held, filter=closed), Value(datetime.timedelta(0)), output_field=DurationField()),
            min_out=Min("checked_out_at"),
            max_out=Max("checked_out_at"),
            max_in=Max("checked_in_at"),
        )
        # Written in day order: a range's rows lie together on disk, as the services' rows do.
        .order_by("tally_day")
    )
    columns = {
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
    _insert_select(schema_editor, "assignments_checkoutday", days, columns)
    CheckoutDay = apps.get_model("assignments", "CheckoutDay")
    totals = (
        CheckoutDay.objects.values("officer_id", "camera_id")
        .annotate(n_checkouts=Sum("checkouts"), n_returns=Sum("returns"), n_late=Sum("late"), sum_held=Sum("held"))
        .order_by()
    )
    total_columns = {
        "officer_id": "officer_id",
        "camera_id": "camera_id",
        "n_checkouts": "checkouts",
        "n_returns": "returns",
        "n_late": "late",
        "sum_held": "held",
    }
    _insert_select(schema_editor, "assignments_checkouttotal", totals, total_columns)
    hours = (
        Checkout.objects.annotate(tally_hour=TruncHour("checked_out_at", tzinfo=datetime.UTC))
        .values("tally_hour")
        .annotate(n_checkouts=Count("pk"))
        .order_by()
    )
    _insert_select(schema_editor, "assignments_checkouthour", hours, {"tally_hour": "hour", "n_checkouts": "checkouts"})


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0009_open_checkout_indexes"),
        ("inventory", "0011_kept_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="CheckoutHour",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("hour", models.DateTimeField(unique=True)),
                ("checkouts", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="CheckoutDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("checkouts", models.PositiveIntegerField(default=0)),
                ("returns", models.PositiveIntegerField(default=0)),
                ("late", models.PositiveIntegerField(default=0)),
                ("held", models.DurationField(default=datetime.timedelta(0))),
                ("first_out", models.DateTimeField()),
                ("last_out", models.DateTimeField()),
                ("last_in", models.DateTimeField(blank=True, null=True)),
                (
                    "camera",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.camera",
                    ),
                ),
                (
                    "officer",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="assignments.officer",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["day"],
                        include=["officer", "camera", "checkouts", "returns", "late", "held"],
                        name="checkoutday_day_counts",
                    ),
                    models.Index(fields=["last_in"], name="checkoutday_last_in"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("officer", "day", "camera"), name="checkoutday_one_per_key"),
                    models.CheckConstraint(
                        condition=models.Q(("returns__lte", models.F("checkouts"))),
                        name="checkoutday_returns_le_checkouts",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("late__lte", models.F("returns"))), name="checkoutday_late_le_returns"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("first_out__lte", models.F("last_out"))), name="checkoutday_first_le_last"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CheckoutTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("checkouts", models.PositiveIntegerField(default=0)),
                ("returns", models.PositiveIntegerField(default=0)),
                ("late", models.PositiveIntegerField(default=0)),
                ("held", models.DurationField(default=datetime.timedelta(0))),
                (
                    "camera",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.camera",
                    ),
                ),
                (
                    "officer",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="assignments.officer",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("officer", "camera"), name="checkouttotal_one_per_key"),
                    models.CheckConstraint(
                        condition=models.Q(("returns__lte", models.F("checkouts"))),
                        name="checkouttotal_returns_le_checkouts",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("late__lte", models.F("returns"))), name="checkouttotal_late_le_returns"
                    ),
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
