"""Camera.shelf: the named shelf the records put a camera on (a place a stocktake counts), never with a dock.

SQLite rebuilds the camera table to add the column; the triggers that name inventory_camera are set
aside for the rebuild and put back word for word after it, as 0008 does (the kept-count triggers of 0011 among them).
"""

import django.db.models.deletion
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
        ("inventory", "0011_kept_counts"),
    ]

    operations = [
        migrations.RunPython(set_triggers_aside, put_triggers_back, elidable=False),
        migrations.CreateModel(
            name="Shelf",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=60, unique=True)),
                (
                    "location",
                    models.CharField(
                        blank=True, help_text="The room it is in, e.g. HQ equipment room.", max_length=120
                    ),
                ),
                ("is_active", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["name"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("name", ""), _negated=True), name="shelf_has_a_name")
                ],
            },
        ),
        migrations.AddField(
            model_name="camera",
            name="shelf",
            field=models.ForeignKey(
                blank=True,
                help_text="The named shelf the records put it on (never while in a dock).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cameras",
                to="inventory.shelf",
            ),
        ),
        migrations.AddConstraint(
            model_name="camera",
            constraint=models.CheckConstraint(
                condition=models.Q(("shelf__isnull", True), ("dock__isnull", True), _connector="OR"),
                name="camera_in_a_dock_or_on_a_shelf",
            ),
        ),
        migrations.AddConstraint(
            model_name="camera",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("shelf__isnull", True), ("status", "available"), ("status", "in_maintenance"), _connector="OR"
                ),
                name="camera_shelved_only_when_on_shelf",
            ),
        ),
        migrations.RunPython(put_triggers_back, set_triggers_aside, elidable=False),
    ]
