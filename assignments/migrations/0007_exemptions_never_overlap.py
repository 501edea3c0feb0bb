"""One officer's camera exemptions never overlap, in the database.

PostgreSQL: an exclusion constraint over (officer, the days as a daterange) for the exempt kinds, with
btree_gist for the officer's equality (a trusted extension: the database owner may create it).
SQLite: triggers refusing an overlapping insert or update. Either way a write that bypasses the
service's check (a race, the shell) fails with an IntegrityError.
"""

from django.db import migrations

EXEMPT = "('undercover', 'light_duty', 'leave')"

POSTGRES_FORWARD = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE assignments_dutyassignment ADD CONSTRAINT duty_exemptions_never_overlap
    EXCLUDE USING gist (officer_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
    WHERE (kind IN {EXEMPT});
"""

POSTGRES_BACKWARD = "ALTER TABLE assignments_dutyassignment DROP CONSTRAINT IF EXISTS duty_exemptions_never_overlap;"

_SQLITE_OVERLAP = f"""
    WHEN NEW.kind IN {EXEMPT} AND EXISTS (
        SELECT 1 FROM assignments_dutyassignment other
        WHERE other.officer_id = NEW.officer_id AND other.id IS NOT NEW.id AND other.kind IN {EXEMPT}
          AND (other.ends_on IS NULL OR other.ends_on >= NEW.starts_on)
          AND (NEW.ends_on IS NULL OR other.starts_on <= NEW.ends_on)
    )
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: duty_exemptions_never_overlap'); END
"""

SQLITE_FORWARD = [
    f"CREATE TRIGGER duty_exemptions_never_overlap_insert BEFORE INSERT ON assignments_dutyassignment {_SQLITE_OVERLAP}",
    f"CREATE TRIGGER duty_exemptions_never_overlap_update BEFORE UPDATE ON assignments_dutyassignment {_SQLITE_OVERLAP}",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS duty_exemptions_never_overlap_insert",
    "DROP TRIGGER IF EXISTS duty_exemptions_never_overlap_update",
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
        ("assignments", "0006_duty_certification_officer_flag"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
