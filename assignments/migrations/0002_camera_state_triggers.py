"""Cross-table rules that a CheckConstraint cannot express, enforced by triggers.

- An open checkout cannot be inserted for a camera that is retired, lost or in maintenance.
- While a checkout is open, its camera's status must stay "checked out" (so it cannot be retired).
A race or a write that bypasses the services fails with an IntegrityError.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE FUNCTION bwc_checkout_needs_available_camera() RETURNS trigger AS $$
BEGIN
    IF NEW.checked_in_at IS NULL AND (SELECT status FROM inventory_camera WHERE id = NEW.camera_id)
            IN ('retired', 'lost', 'in_maintenance') THEN
        RAISE EXCEPTION 'camera % is retired, lost or in maintenance', NEW.camera_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER checkout_needs_available_camera BEFORE INSERT ON assignments_checkout
    FOR EACH ROW EXECUTE FUNCTION bwc_checkout_needs_available_camera();

CREATE FUNCTION bwc_camera_out_while_checkout_open() RETURNS trigger AS $$
BEGIN
    IF NEW.status <> 'checked_out' AND EXISTS (
        SELECT 1 FROM assignments_checkout WHERE camera_id = NEW.id AND checked_in_at IS NULL
    ) THEN
        RAISE EXCEPTION 'camera % has an open checkout and must stay checked out', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER camera_out_while_checkout_open BEFORE UPDATE OF status ON inventory_camera
    FOR EACH ROW EXECUTE FUNCTION bwc_camera_out_while_checkout_open();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS checkout_needs_available_camera ON assignments_checkout;
DROP FUNCTION IF EXISTS bwc_checkout_needs_available_camera();
DROP TRIGGER IF EXISTS camera_out_while_checkout_open ON inventory_camera;
DROP FUNCTION IF EXISTS bwc_camera_out_while_checkout_open();
"""

SQLITE_FORWARD = [
    """
    CREATE TRIGGER checkout_needs_available_camera BEFORE INSERT ON assignments_checkout
    WHEN NEW.checked_in_at IS NULL AND (SELECT status FROM inventory_camera WHERE id = NEW.camera_id)
        IN ('retired', 'lost', 'in_maintenance')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: camera is retired, lost or in maintenance'); END
    """,
    """
    CREATE TRIGGER camera_out_while_checkout_open BEFORE UPDATE OF status ON inventory_camera
    WHEN NEW.status <> 'checked_out' AND EXISTS (
        SELECT 1 FROM assignments_checkout WHERE camera_id = NEW.id AND checked_in_at IS NULL
    )
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: camera has an open checkout'); END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS checkout_needs_available_camera",
    "DROP TRIGGER IF EXISTS camera_out_while_checkout_open",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0001_initial"),
        ("inventory", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
