"""The shift days each officer took a camera on, and their count per ISO weekday, for the coverage report
(issue 11), filled from the check-outs already written: a frozen copy of assignments.shift_days.rebuild.
The table's index and unique constraint are built after the fill (one sort instead of a row at a time).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Case, Count, DateTimeField, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import TruncDate

CHECKOUT_LEAD_HOURS = 4
WEEKDAY_COUNTS = ("mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays")


def _insert_select(schema_editor, table, queryset, columns):
    query = queryset.query
    names = [*query.values_select, *query.annotation_select]
    sql, params = query.sql_with_params()
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({', '.join(quote(columns[n]) for n in names)}) "
            f"SELECT {', '.join(quote(n) for n in names)} FROM ({sql}) counted",
            params,
        )


def fill(apps, schema_editor):
    import datetime

    Checkout = apps.get_model("assignments", "Checkout")
    Shift = apps.get_model("assignments", "Shift")
    CheckoutShiftDay = apps.get_model("assignments", "CheckoutShiftDay")
    shifts = list(Shift.objects.all())
    if not shifts:
        return
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL work_mem = '256MB'")
    # The local date of (check-out time - (shift start - lead)), with the officer's shift today.
    day = Case(
        *[
            When(
                officer__shift=shift.pk,
                then=TruncDate(
                    ExpressionWrapper(
                        F("checked_out_at")
                        - Value(
                            datetime.timedelta(
                                hours=shift.starts_at.hour - CHECKOUT_LEAD_HOURS, minutes=shift.starts_at.minute
                            )
                        ),
                        output_field=DateTimeField(),
                    )
                ),
            )
            for shift in shifts
        ]
    )
    worked = (
        Checkout.objects.filter(officer__shift__isnull=False).values("officer_id", shift_day=day).distinct().order_by()
    )
    _insert_select(
        schema_editor, "assignments_checkoutshiftday", worked, {"officer_id": "officer_id", "shift_day": "day"}
    )
    counts = (
        CheckoutShiftDay.objects.values("officer_id")
        .annotate(
            **{f"n_{name}": Count("pk", filter=Q(day__iso_week_day=n)) for n, name in enumerate(WEEKDAY_COUNTS, 1)}
        )
        .order_by()
    )
    _insert_select(
        schema_editor,
        "assignments_checkoutshiftdaytotal",
        counts,
        {"officer_id": "officer_id", **{f"n_{name}": name for name in WEEKDAY_COUNTS}},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0011_checkout_time_index_covers_officer"),
    ]

    operations = [
        migrations.CreateModel(
            name="CheckoutShiftDayTotal",
            fields=[
                (
                    "officer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="assignments.officer",
                    ),
                ),
                ("mondays", models.PositiveIntegerField(default=0)),
                ("tuesdays", models.PositiveIntegerField(default=0)),
                ("wednesdays", models.PositiveIntegerField(default=0)),
                ("thursdays", models.PositiveIntegerField(default=0)),
                ("fridays", models.PositiveIntegerField(default=0)),
                ("saturdays", models.PositiveIntegerField(default=0)),
                ("sundays", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="CheckoutShiftDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
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
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="checkoutshiftday",
            index=models.Index(fields=["day"], include=("officer",), name="checkoutshiftday_day_officer"),
        ),
        migrations.AddConstraint(
            model_name="checkoutshiftday",
            constraint=models.UniqueConstraint(fields=("officer", "day"), name="checkoutshiftday_one_per_day"),
        ),
    ]
