"""The camera's status rules in the database, generated from its lifecycle (inventory/lifecycle.py,
`camera_trigger_sql`) and frozen here, so that this migration means the same thing whatever the
lifecycle becomes. It replaces 0002's two triggers (same names, same rules) and adds a third:

- checkout_needs_available_camera: an open checkout only for a camera check-out starts from;
- camera_out_while_checkout_open: a held camera stays held while its checkout is open;
- camera_status_follows_lifecycle: a camera's status changes only along one of the lifecycle's moves.

A write past the services that breaks one fails with an IntegrityError. When the lifecycle changes,
inventory/tests/test_lifecycle_walk.py fails and prints the SQL for a migration like this one.
"""

from importlib import import_module

from django.db import migrations

POSTGRESQL = {
    "camera_status_follows_lifecycle": (
        "CREATE OR REPLACE FUNCTION bwc_camera_status_follows_lifecycle() RETURNS trigger AS $$\n"
        "BEGIN\n"
        "    IF NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ('available>checked_out', 'available>in_maintenance', 'available>lost', 'available>retired', 'checked_out>available', 'checked_out>in_maintenance', 'checked_out>lost', 'in_maintenance>available', 'in_maintenance>lost', 'in_maintenance>retired', 'lost>in_maintenance', 'lost>retired') THEN\n"
        "        RAISE EXCEPTION 'camera status change is not a lifecycle transition (camera %)', NEW.id USING ERRCODE = 'check_violation';\n"
        "    END IF;\n"
        "    RETURN NEW;\n"
        "END $$ LANGUAGE plpgsql;\n"
        "DROP TRIGGER IF EXISTS camera_status_follows_lifecycle ON inventory_camera;\n"
        "CREATE TRIGGER camera_status_follows_lifecycle BEFORE UPDATE OF status ON inventory_camera FOR EACH ROW EXECUTE FUNCTION bwc_camera_status_follows_lifecycle();"
    ),
    "checkout_needs_available_camera": (
        "CREATE OR REPLACE FUNCTION bwc_checkout_needs_available_camera() RETURNS trigger AS $$\n"
        "BEGIN\n"
        "    IF NEW.checked_in_at IS NULL AND (SELECT status FROM inventory_camera WHERE id = NEW.camera_id) NOT IN ('available', 'checked_out') THEN\n"
        "        RAISE EXCEPTION 'camera may not be checked out from its status (camera %)', NEW.camera_id USING ERRCODE = 'check_violation';\n"
        "    END IF;\n"
        "    RETURN NEW;\n"
        "END $$ LANGUAGE plpgsql;\n"
        "DROP TRIGGER IF EXISTS checkout_needs_available_camera ON assignments_checkout;\n"
        "CREATE TRIGGER checkout_needs_available_camera BEFORE INSERT ON assignments_checkout FOR EACH ROW EXECUTE FUNCTION bwc_checkout_needs_available_camera();"
    ),
    "camera_out_while_checkout_open": (
        "CREATE OR REPLACE FUNCTION bwc_camera_out_while_checkout_open() RETURNS trigger AS $$\n"
        "BEGIN\n"
        "    IF NEW.status <> 'checked_out' AND EXISTS (SELECT 1 FROM assignments_checkout WHERE camera_id = NEW.id AND checked_in_at IS NULL) THEN\n"
        "        RAISE EXCEPTION 'camera has an open checkout (camera %)', NEW.id USING ERRCODE = 'check_violation';\n"
        "    END IF;\n"
        "    RETURN NEW;\n"
        "END $$ LANGUAGE plpgsql;\n"
        "DROP TRIGGER IF EXISTS camera_out_while_checkout_open ON inventory_camera;\n"
        "CREATE TRIGGER camera_out_while_checkout_open BEFORE UPDATE OF status ON inventory_camera FOR EACH ROW EXECUTE FUNCTION bwc_camera_out_while_checkout_open();"
    ),
}

SQLITE = {
    "camera_status_follows_lifecycle": (
        "CREATE TRIGGER camera_status_follows_lifecycle BEFORE UPDATE OF status ON inventory_camera\n"
        "WHEN NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ('available>checked_out', 'available>in_maintenance', 'available>lost', 'available>retired', 'checked_out>available', 'checked_out>in_maintenance', 'checked_out>lost', 'in_maintenance>available', 'in_maintenance>lost', 'in_maintenance>retired', 'lost>in_maintenance', 'lost>retired')\n"
        "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: camera status change is not a lifecycle transition'); END"
    ),
    "checkout_needs_available_camera": (
        "CREATE TRIGGER checkout_needs_available_camera BEFORE INSERT ON assignments_checkout\n"
        "WHEN NEW.checked_in_at IS NULL AND (SELECT status FROM inventory_camera WHERE id = NEW.camera_id) NOT IN ('available', 'checked_out')\n"
        "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: camera may not be checked out from its status'); END"
    ),
    "camera_out_while_checkout_open": (
        "CREATE TRIGGER camera_out_while_checkout_open BEFORE UPDATE OF status ON inventory_camera\n"
        "WHEN NEW.status <> 'checked_out' AND EXISTS (SELECT 1 FROM assignments_checkout WHERE camera_id = NEW.id AND checked_in_at IS NULL)\n"
        "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: camera has an open checkout'); END"
    ),
}

# The rules as 0002 wrote them, for going back.
BEFORE = import_module("assignments.migrations.0002_camera_state_triggers")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRESQL.values():
            schema_editor.execute(sql, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for name, sql in SQLITE.items():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS camera_status_follows_lifecycle ON inventory_camera;"
            "DROP FUNCTION IF EXISTS bwc_camera_status_follows_lifecycle();",
            params=None,
        )
        schema_editor.execute(BEFORE.POSTGRES_BACKWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for name in SQLITE:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    BEFORE.forward(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0003_officer_search_trigram_indexes"),
        ("inventory", "0004_search_trigram_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
