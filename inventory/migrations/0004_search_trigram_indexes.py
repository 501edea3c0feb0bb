"""Trigram indexes for the camera search (asset tag, serial number contain the typed text), PostgreSQL only.

The search is `icontains`, which Django writes as UPPER(column::text) LIKE UPPER('%text%'): without
these, a scan of every camera. pg_trgm's GIN indexes on those same expressions answer it (and the
equality of `iexact`). On SQLite this migration does nothing: its fleets are small.
"""

from django.db import migrations

INDEXES = {
    "camera_asset_tag_trgm": "inventory_camera USING gin ((UPPER(asset_tag::text)) gin_trgm_ops)",
    "camera_serial_number_trgm": "inventory_camera USING gin ((UPPER(serial_number::text)) gin_trgm_ops)",
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
    dependencies = [("inventory", "0003_bay_bounds_and_bay_needs_dock")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
