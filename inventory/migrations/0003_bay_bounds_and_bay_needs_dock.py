"""Bay numbers within 1..MAX_DOCK_BAYS, and no bay without its dock (issue 10, item 5)."""

import django.core.validators
from django.db import migrations, models


def forget_bays_without_a_dock(apps, schema_editor):
    # The API used to store a bay with no dock; such a number names no place, so it is dropped
    # rather than refusing the migration.
    ChargeEvent = apps.get_model("inventory", "ChargeEvent")
    ChargeEvent.objects.filter(dock__isnull=True, bay__isnull=False).update(bay=None)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_validate_firmware_version"),
    ]

    operations = [
        migrations.RunPython(forget_bays_without_a_dock, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="camera",
            name="battery_percent",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Where telemetry exists.",
                null=True,
                validators=[django.core.validators.MaxValueValidator(100)],
            ),
        ),
        migrations.AlterField(
            model_name="camera",
            name="dock_bay",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(200)],
            ),
        ),
        migrations.AlterField(
            model_name="chargeevent",
            name="battery_percent",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, validators=[django.core.validators.MaxValueValidator(100)]
            ),
        ),
        migrations.AlterField(
            model_name="chargeevent",
            name="bay",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(200)],
            ),
        ),
        migrations.AlterField(
            model_name="dock",
            name="bays",
            field=models.PositiveSmallIntegerField(
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(200)]
            ),
        ),
        migrations.AddConstraint(
            model_name="chargeevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("bay__isnull", True), ("dock__isnull", False), _connector="OR"),
                name="charge_event_bay_needs_dock",
            ),
        ),
        migrations.AddConstraint(
            model_name="chargeevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("bay__isnull", True), models.Q(("bay__gte", 1), ("bay__lte", 200)), _connector="OR"
                ),
                name="charge_event_bay_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="dock",
            constraint=models.CheckConstraint(condition=models.Q(("bays__lte", 200)), name="dock_bays_at_most_max"),
        ),
    ]
