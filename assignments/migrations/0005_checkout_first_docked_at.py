"""Checkout.first_docked_at: the camera's first dock record at or after the check-in, filled for the
history already written in one set-based statement (a frozen copy of assignments.first_dock.FILL_SQL),
before the indexes the compliance report reads it through are built.
"""

import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

BACKFILL_SQL = """
UPDATE assignments_checkout SET first_docked_at = next_dock.docked_at
FROM (
    SELECT checkout_id, docked_at FROM (
        SELECT checkout_id,
               MIN(dock_at) OVER (PARTITION BY camera_id ORDER BY at DESC, is_checkout ROWS UNBOUNDED PRECEDING)
                   AS docked_at
        FROM (
            SELECT camera_id, checked_in_at AS at, 1 AS is_checkout, id AS checkout_id, NULL AS dock_at
            FROM assignments_checkout WHERE checked_in_at IS NOT NULL
            UNION ALL
            SELECT camera_id, recorded_at, 0, NULL, recorded_at
            FROM inventory_chargeevent WHERE kind = 'docked'
        ) timeline
    ) walked
    WHERE checkout_id IS NOT NULL AND docked_at IS NOT NULL
) next_dock
WHERE assignments_checkout.id = next_dock.checkout_id
"""


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL work_mem = '256MB'")
    schema_editor.execute(BACKFILL_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0004_camera_rules_from_lifecycle"),
        ("inventory", "0004_search_trigram_indexes"),
        ("kiosk", "0003_kiosk_and_address_lockouts_swaps_and_alerts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="checkout",
            name="first_docked_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="checkout",
            index=models.Index(
                models.ExpressionWrapper(
                    django.db.models.expressions.CombinedExpression(
                        models.F("first_docked_at"), "-", models.F("checked_in_at")
                    ),
                    output_field=models.DurationField(),
                ),
                models.F("checked_out_at"),
                name="checkout_dock_delay",
            ),
        ),
    ]
