"""The check-outs counted by triggers (keys "checkouts" and "checkouts:open" of inventory's KeptCount:
the API's list count reads them, not the table), and two indexes of the open check-outs, PostgreSQL only (SQLite fleets are
small):

- By due-back time: the dashboard's "return overdue" count (and the sweep's rule) reads the overdue
  ones, not every camera out.
- By officer, with the camera: the camera search by holder's name goes from the officers the name
  matches to the camera each holds, an index-only probe each; without it PostgreSQL joined every open
  check-out (6,075 at 30,000 cameras, read from the table) to the few officers matched.
"""

from django.db import migrations

INDEXES = {
    "checkout_open_due_back": "assignments_checkout (due_back_at) WHERE checked_in_at IS NULL",
    "checkout_open_by_officer": "assignments_checkout (officer_id) INCLUDE (camera_id) WHERE checked_in_at IS NULL",
}


POSTGRES_TRIGGER = """
CREATE FUNCTION bwc_checkout_count() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO inventory_keptcount (key, n) VALUES ('checkouts', 1);
        IF NEW.checked_in_at IS NULL THEN INSERT INTO inventory_keptcount (key, n) VALUES ('checkouts:open', 1); END IF;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO inventory_keptcount (key, n) VALUES ('checkouts', -1);
        IF OLD.checked_in_at IS NULL THEN INSERT INTO inventory_keptcount (key, n) VALUES ('checkouts:open', -1); END IF;
    ELSIF (OLD.checked_in_at IS NULL) <> (NEW.checked_in_at IS NULL) THEN
        INSERT INTO inventory_keptcount (key, n)
            VALUES ('checkouts:open', CASE WHEN NEW.checked_in_at IS NULL THEN 1 ELSE -1 END);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER checkout_count AFTER INSERT OR DELETE OR UPDATE OF checked_in_at ON assignments_checkout
    FOR EACH ROW EXECUTE FUNCTION bwc_checkout_count();
"""

SQLITE_TRIGGERS = [
    """CREATE TRIGGER checkout_count_insert AFTER INSERT ON assignments_checkout BEGIN
        INSERT INTO inventory_keptcount (key, n) VALUES ('checkouts', 1);
        INSERT INTO inventory_keptcount (key, n) SELECT 'checkouts:open', 1 WHERE NEW.checked_in_at IS NULL; END""",
    """CREATE TRIGGER checkout_count_delete AFTER DELETE ON assignments_checkout BEGIN
        INSERT INTO inventory_keptcount (key, n) VALUES ('checkouts', -1);
        INSERT INTO inventory_keptcount (key, n) SELECT 'checkouts:open', -1 WHERE OLD.checked_in_at IS NULL; END""",
    """CREATE TRIGGER checkout_count_update AFTER UPDATE OF checked_in_at ON assignments_checkout
        WHEN (OLD.checked_in_at IS NULL) <> (NEW.checked_in_at IS NULL) BEGIN
        INSERT INTO inventory_keptcount (key, n)
            VALUES ('checkouts:open', CASE WHEN NEW.checked_in_at IS NULL THEN 1 ELSE -1 END); END""",
]
COUNT = (
    "INSERT INTO inventory_keptcount (key, n) SELECT 'checkouts', COUNT(*) FROM assignments_checkout"
    " UNION ALL SELECT 'checkouts:open', COUNT(*) FROM assignments_checkout WHERE checked_in_at IS NULL"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGER)
        for name, target in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    else:
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)
    schema_editor.execute(COUNT)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS checkout_count ON assignments_checkout")
        schema_editor.execute("DROP FUNCTION IF EXISTS bwc_checkout_count()")
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    else:
        for name in ("checkout_count_insert", "checkout_count_delete", "checkout_count_update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute("DELETE FROM inventory_keptcount WHERE key IN ('checkouts', 'checkouts:open')")


class Migration(migrations.Migration):
    dependencies = [("assignments", "0008_badge_number_unique_any_case"), ("inventory", "0011_kept_counts")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
