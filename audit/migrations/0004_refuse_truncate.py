"""PostgreSQL refuses TRUNCATE of the audit trail too (the row triggers of 0002 do not see it).

SQLite has no TRUNCATE. Code that must empty the table (the demo reset, the test flush) lifts this
guard for one transaction with `audit.db.truncate_allowed()`, which needs the table owner's rights.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE FUNCTION bwc_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: TRUNCATE refused' USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_refuse_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION bwc_audit_refuse_truncate();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS audit_refuse_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS bwc_audit_refuse_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hash_version")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
