"""hartford_bwc.bulk_insert: one INSERT for many rows, each instance given its own row's id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hartford_bwc.bulk_insert import insert_all
from hartford_bwc.factories import CameraFactory
from inventory.models import Flag

pytestmark = pytest.mark.django_db

RAISED = datetime(2026, 6, 15, 14, 0, 0, 123456, tzinfo=UTC)


def test_each_instance_gets_the_id_of_its_own_row_with_every_value_kept():
    cameras = CameraFactory.create_batch(3)
    flags = [
        Flag(
            camera=camera,
            kind=kind,
            detail=f'{kind} on {camera.asset_tag} ‘quoted’ "and" \\',
            raised_at=RAISED + timedelta(microseconds=n),
        )
        for n, (camera, kind) in enumerate((c, k) for c in cameras for k in (Flag.Kind.NOT_SEEN, Flag.Kind.REFRESH_DUE))
    ]
    inserted = insert_all(flags)
    assert inserted == flags and all(not flag._state.adding for flag in flags)
    stored = {
        row["pk"]: row for row in Flag.objects.values("pk", "camera_id", "kind", "detail", "raised_at", "resolved_at")
    }
    assert stored == {
        flag.pk: {
            "pk": flag.pk,
            "camera_id": flag.camera_id,
            "kind": flag.kind,
            "detail": flag.detail,
            "raised_at": flag.raised_at,  # to the microsecond
            "resolved_at": None,
        }
        for flag in flags
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite splits the INSERT at its variable limit")
def test_on_postgresql_thousands_of_rows_are_one_insert():
    camera = CameraFactory()
    flags = [Flag(camera=camera, kind=Flag.Kind.NOT_SEEN, resolved_at=RAISED, raised_at=RAISED) for _ in range(3000)]
    with CaptureQueriesContext(connection) as queries:
        insert_all(flags)
    assert len(queries) == 1
    assert sorted(flag.pk for flag in flags) == [flag.pk for flag in flags]
    assert Flag.objects.count() == 3000


def test_nothing_to_insert_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_all([]) == []
