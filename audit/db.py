"""Lifting the audit table's TRUNCATE guard, for the only code that must empty it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

TRUNCATE_TRIGGER = "audit_refuse_truncate"


@contextmanager
def truncate_allowed(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Allow TRUNCATE of the audit trail inside this block: the demo reset and the test flush only.

    The trigger is disabled and enabled again in one transaction, so no other session ever sees it
    off, and an error rolls the disabling back with everything else. ALTER TABLE needs the table
    owner's rights: under the roles the README recommends, the application's user cannot do this.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        # SQLite has no TRUNCATE: a flush there is DELETE, which its triggers allow.
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRUNCATE_TRIGGER}")
        yield
        cursor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRUNCATE_TRIGGER}")
