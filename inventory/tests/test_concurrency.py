"""Services that touch the same camera lock rows in one order (camera first), so they never deadlock.

PostgreSQL only, real threads and connections as in assignments/tests/test_concurrency.py. The
interleaving is forced: the first service holds its first lock until the second has taken its own.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from audit.actor import Actor
from conftest import requires_postgres
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory
from hartford_bwc.testing import run_at_once
from inventory import services
from inventory.models import Camera, MaintenanceRecord

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db(transaction=True)]


def _another_session_waits_for_a_lock(within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def test_closing_maintenance_while_the_camera_is_retired_does_not_deadlock(monkeypatch):
    camera = CameraFactory(asset_tag="HPD-BWC-0412")
    record = services.open_maintenance(camera=camera, kind="repair", by=Actor.system_process("setup"))
    retire_has_camera = threading.Event()
    real_lock = services._lock

    def lock(target):
        locked = real_lock(target) if threading.current_thread().name == "retire" else None
        if locked is not None:
            retire_has_camera.set()
            # Hold the camera until close_maintenance is blocked on it: a fixed sleep proved nothing
            # on a loaded machine, where close could arrive after retire had committed.
            assert _another_session_waits_for_a_lock(), "close_maintenance never reached for the camera"
            return locked
        retire_has_camera.wait(timeout=10)
        return real_lock(target)

    monkeypatch.setattr(services, "_lock", lock)

    def close():
        return services.close_maintenance(record=record, outcome="returned_to_service", by=Actor.system_process("qm"))

    def retire():
        threading.current_thread().name = "retire"
        return services.retire(camera=camera, reason="Beyond repair", by=Actor.system_process("admin"))

    closed, retired = run_at_once([close, retire])

    assert isinstance(retired, Camera), retired  # a deadlock shows up here as OperationalError
    assert isinstance(closed, DomainError) and "already closed" in str(closed), closed
    camera.refresh_from_db()
    assert camera.status == Camera.Status.RETIRED
    record.refresh_from_db()
    assert record.outcome == MaintenanceRecord.Outcome.RETIRED
