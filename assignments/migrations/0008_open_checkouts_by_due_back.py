"""The open check-outs by due-back time, PostgreSQL only: the dashboard's "return overdue" count (and
the sweep's rule) reads the overdue ones, not every camera out. No-op on SQLite: its fleets are small.
"""

from django.db import migrations

INDEXES = {"checkout_open_due_back": "assignments_checkout (due_back_at) WHERE checked_in_at IS NULL"}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("assignments", "0007_exemptions_never_overlap")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
