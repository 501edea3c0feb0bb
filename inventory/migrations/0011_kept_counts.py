"""Rows counted by key, kept by triggers (inventory.counts): here the cameras by key (status; an available
camera's charge; assignments' open_checkout_indexes adds the check-outs), and the indexes the
dashboard's other counts read (each reads the cameras it counts, not the fleet).

The triggers run on PostgreSQL and SQLite alike, so every write counts, whoever makes it. The key
expression is frozen here as it was written; inventory.counts.key_sql must stay the same (a test
compares them). The indexes are PostgreSQL only, as the search's trigram indexes are: SQLite fleets
are small.
"""

from django.db import migrations, models


def key_sql(row: str) -> str:
    return (
        f"CASE WHEN {row}.status <> 'available' THEN {row}.status"
        f" WHEN {row}.battery_percent IS NOT NULL THEN 'available:battery:' || CAST({row}.battery_percent AS TEXT)"
        f" WHEN {row}.last_full_charge_at IS NOT NULL AND ({row}.last_returned_at IS NULL"
        f" OR {row}.last_full_charge_at >= {row}.last_returned_at) THEN 'available:charged'"
        f" ELSE 'available:not_charged' END"
    )


COLUMNS = "status, battery_percent, last_full_charge_at, last_returned_at"
RECOUNT = f"INSERT INTO inventory_keptcount (key, n) SELECT {key_sql('c')}, COUNT(*) FROM inventory_camera c GROUP BY 1"

POSTGRES_TRIGGER = f"""
CREATE FUNCTION bwc_camera_count() RETURNS trigger AS $$
DECLARE
    old_key text;
    new_key text;
BEGIN
    IF TG_OP <> 'INSERT' THEN old_key := {key_sql("OLD")}; END IF;
    IF TG_OP <> 'DELETE' THEN new_key := {key_sql("NEW")}; END IF;
    IF old_key IS DISTINCT FROM new_key THEN
        IF old_key IS NOT NULL THEN INSERT INTO inventory_keptcount (key, n) VALUES (old_key, -1); END IF;
        IF new_key IS NOT NULL THEN INSERT INTO inventory_keptcount (key, n) VALUES (new_key, 1); END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER camera_count AFTER INSERT OR DELETE OR UPDATE OF {COLUMNS} ON inventory_camera
    FOR EACH ROW EXECUTE FUNCTION bwc_camera_count();
"""

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER camera_count_insert AFTER INSERT ON inventory_camera BEGIN
        INSERT INTO inventory_keptcount (key, n) VALUES ({key_sql("NEW")}, 1); END""",
    f"""CREATE TRIGGER camera_count_delete AFTER DELETE ON inventory_camera BEGIN
        INSERT INTO inventory_keptcount (key, n) VALUES ({key_sql("OLD")}, -1); END""",
    f"""CREATE TRIGGER camera_count_update AFTER UPDATE OF {COLUMNS} ON inventory_camera
        WHEN ({key_sql("OLD")}) IS NOT ({key_sql("NEW")}) BEGIN
        INSERT INTO inventory_keptcount (key, n) VALUES ({key_sql("OLD")}, -1), ({key_sql("NEW")}, 1); END""",
]

# name -> target: what each dashboard count reads (inventory.selectors.dashboard).
POSTGRES_INDEXES = {
    # Not docked after return (the sweep's rule, as written there): only the cameras in that state.
    "camera_not_docked_after_return": "inventory_camera (last_returned_at) WHERE status = 'available'"
    " AND (last_docked_at IS NULL OR last_docked_at < last_returned_at)"
    " AND (last_full_charge_at IS NULL OR last_full_charge_at < last_returned_at)",
    # Spares on the shelf by last full charge: the charging-overdue ones are its oldest (and its NULLs).
    "camera_spare_last_charge": "inventory_camera (last_full_charge_at) WHERE status = 'available' AND pool = 'spare'",
    # Inspection due / overdue: a range of the day each camera was last inspected (or joined). A whole-table
    # expression index: PostgreSQL keeps statistics for its expression, so it estimates the range well.
    "camera_inspected": "inventory_camera ((COALESCE(last_inspected_at, created_at)))",
    "maintenance_open_by_performer": "inventory_maintenancerecord (performed_by) WHERE closed_at IS NULL",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGER)
        for name, target in POSTGRES_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    else:
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)
    schema_editor.execute(RECOUNT)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS camera_count ON inventory_camera")
        schema_editor.execute("DROP FUNCTION IF EXISTS bwc_camera_count()")
        for name in POSTGRES_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    else:
        for name in ("camera_count_insert", "camera_count_delete", "camera_count_update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute("DELETE FROM inventory_keptcount")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0010_asset_tag_and_serial_unique_any_case")]

    operations = [
        migrations.CreateModel(
            name="KeptCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=40)),
                ("n", models.IntegerField()),
            ],
            options={"indexes": [models.Index(fields=["key"], name="kept_count_key")]},
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
