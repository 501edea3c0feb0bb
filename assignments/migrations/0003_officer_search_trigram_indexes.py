"""Trigram indexes for the officer search (badge, first and last name) and the camera search by holder,
PostgreSQL only; and a partial index of the deactivated officers, for the dashboard.

Same reasoning as inventory's search_trigram_indexes: `icontains` and `iexact` are written as
UPPER(column::text) LIKE / = UPPER(...), which these GIN indexes answer. No-op on SQLite.
"""

from django.db import migrations

INDEXES = {
    "officer_badge_number_trgm": "assignments_officer USING gin ((UPPER(badge_number::text)) gin_trgm_ops)",
    "officer_first_name_trgm": "assignments_officer USING gin ((UPPER(first_name::text)) gin_trgm_ops)",
    "officer_last_name_trgm": "assignments_officer USING gin ((UPPER(last_name::text)) gin_trgm_ops)",
    # Deactivated officers are few: the dashboard starts from them to find cameras they still hold.
    "officer_inactive": "assignments_officer (id) WHERE NOT is_active",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("assignments", "0002_camera_state_triggers")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
