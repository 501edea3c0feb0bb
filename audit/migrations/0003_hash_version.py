"""Events get a hash version: those already written are v1 (plain SHA-256), new ones v2 (HMAC).

SQLite adds a NOT NULL column by rebuilding the table, which drops its triggers: the append-only
trigger of 0002 is created again here.
"""

import importlib

from django.db import migrations, models

APPEND_ONLY = importlib.import_module("audit.migrations.0002_append_only_triggers")


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(APPEND_ONLY.SQLITE_BACKWARD)
        schema_editor.execute(APPEND_ONLY.SQLITE_FORWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        # Existing rows were hashed with v1; the column's default then moves to the current version.
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop, elidable=False),
    ]
