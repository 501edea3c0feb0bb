"""Cost and warranty (issue 14, item 21): supplier, purchase price and warranty end per camera, repair cost
per maintenance record, neither amount negative.

SQLite adds a column by rebuilding the table, and refuses to rename the rebuilt table while another
table's trigger names it (assignments' camera-state triggers): the triggers that name inventory_camera
are set aside for the rebuild and created again, word for word, after it.
"""

import django.core.validators
from django.db import migrations, models

_SET_ASIDE: list[tuple[str, str]] = []


def set_triggers_aside(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%inventory_camera%'")
        _SET_ASIDE[:] = cursor.fetchall()
    for name, _sql in _SET_ASIDE:
        schema_editor.execute(f'DROP TRIGGER "{name}"')


def put_triggers_back(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, sql in _SET_ASIDE:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        schema_editor.execute(sql)
    _SET_ASIDE.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0007_not_seen_notification_kind"),
        ("assignments", "0004_camera_rules_from_lifecycle"),
    ]

    operations = [
        migrations.RunPython(set_triggers_aside, put_triggers_back, elidable=False),
        migrations.AddField(
            model_name="camera",
            name="purchase_price",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="In dollars.",
                max_digits=10,
                null=True,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AddField(
            model_name="camera",
            name="supplier",
            field=models.CharField(blank=True, help_text="Who sold the camera to the department.", max_length=80),
        ),
        migrations.AddField(
            model_name="camera",
            name="warranty_ends_on",
            field=models.DateField(
                blank=True, help_text="The last day the manufacturer's warranty covers the camera.", null=True
            ),
        ),
        migrations.AddField(
            model_name="maintenancerecord",
            name="repair_cost",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="What the work cost the department, in dollars; entered when the record is closed.",
                max_digits=10,
                null=True,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AddConstraint(
            model_name="camera",
            constraint=models.CheckConstraint(
                condition=models.Q(("purchase_price__isnull", True), ("purchase_price__gte", 0), _connector="OR"),
                name="camera_purchase_price_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="maintenancerecord",
            constraint=models.CheckConstraint(
                condition=models.Q(("repair_cost__isnull", True), ("repair_cost__gte", 0), _connector="OR"),
                name="maintenance_repair_cost_not_negative",
            ),
        ),
        migrations.RunPython(put_triggers_back, set_triggers_aside, elidable=False),
    ]
