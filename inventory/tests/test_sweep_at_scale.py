"""The first sweep at scale (issue 11): the same queries whether it raises ten flags or thousands, and
every flag raised has its audit event. PostgreSQL only: SQLite's limit on a query's variables splits
its INSERTs and its reads by id, so there the count grows past a few hundred rows by design."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from audit.services import verify_chain
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory, CameraModelFactory
from inventory.models import Camera, Flag

from .flag_fleet import local, sweep_at

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db]

NOW = local(2026, 6, 15, 10, 0)


def plant(per_kind: int) -> None:
    """`per_kind` spares overdue for a charge and as many cameras due for refresh, in two INSERTs."""
    model = CameraModelFactory()
    with time_machine.travel(NOW, tick=False):
        uncharged = CameraFactory.build_batch(
            per_kind, model=model, pool=Camera.Pool.SPARE, last_full_charge_at=NOW - timedelta(hours=80)
        )
        old = CameraFactory.build_batch(
            per_kind, model=model, pool=Camera.Pool.PERSONAL, purchased_on=(NOW - timedelta(days=1500)).date()
        )
    Camera.objects.bulk_create(uncharged + old)


def sweep_queries(per_kind: int, at) -> list[str]:
    """The statements (their first word: SELECT, INSERT...) of a sweep that raises `per_kind` flags of two kinds."""
    plant(per_kind)
    with CaptureQueriesContext(connection) as queries:
        report = sweep_at(at)
    assert report.counts[Flag.Kind.CHARGING_OVERDUE].raised == report.counts[Flag.Kind.REFRESH_DUE].raised == per_kind
    return [query["sql"].split(" ", 1)[0] for query in queries.captured_queries]


def test_the_first_sweep_runs_the_same_queries_raising_ten_flags_or_thousands():
    # 2,200 flags and as many audit events: past the old batches of 2,000 (each one more INSERT).
    few = sweep_queries(5, NOW)
    many = sweep_queries(1100, NOW + timedelta(minutes=1))  # the first ten stay open, unchanged
    assert len(many) == len(few)
    assert many == few


def test_every_flag_the_first_sweep_raises_has_its_audit_event():
    plant(1100)
    sweep_at(NOW)
    flags = dict(Flag.objects.values_list("pk", "camera_id"))
    assert len(flags) == 2200
    events = AuditEvent.objects.filter(action="flag.raise", object_type="inventory.Flag")
    assert {int(object_id): camera_id for object_id, camera_id in events.values_list("object_id", "camera_id")} == flags
    assert events.count() == len(flags)
    assert verify_chain() is None
