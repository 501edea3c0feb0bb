"""The audit table's indexes: each is written on every event (7,700 at once in a first sweep of
100,000 cameras, issue 11), so none that another already serves, and the hash stays unique."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from audit.models import AuditEvent
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory

pytestmark = pytest.mark.django_db


def _index_definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [AuditEvent._meta.db_table])
        return dict(cursor.fetchall())


@pytest.mark.postgres
@requires_postgres()
def test_no_index_is_a_prefix_or_a_pattern_copy_of_another():
    definitions = _index_definitions()
    # Text-pattern copies serve LIKE, which nothing asks of an action or a hash.
    assert not [name for name, sql in definitions.items() if "pattern_ops" in sql]
    # The camera's and the officer's events are read through (camera, occurred_at) and (officer,
    # occurred_at): an index of the column alone would only be written.
    columns = {
        name: sql.split("(", 1)[1].rsplit(")", 1)[0] for name, sql in definitions.items() if " WHERE " not in sql
    }
    assert "camera_id" not in columns.values() and "officer_id" not in columns.values()
    assert "camera_id, occurred_at DESC" in columns.values() and "officer_id, occurred_at DESC" in columns.values()


def test_two_events_cannot_share_a_hash():
    event = audit.record(by=Actor.system_process("test"), action=Action.CAMERA_EDIT, obj=CameraFactory())
    copy = AuditEvent(
        **{
            field.attname: getattr(event, field.attname)
            for field in AuditEvent._meta.concrete_fields
            if not field.primary_key
        }
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
