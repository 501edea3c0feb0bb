"""The sweep through a real broker and worker, and the station with the broker gone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import kombu
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from assignments.services import check_out
from conftest import requires_postgres
from hartford_bwc.celery import app as celery_app
from hartford_bwc.factories import CameraFactory, OfficerFactory
from inventory import tasks
from inventory.models import Camera, Flag

from .flag_fleet import open_flags, plant_every_kind

BASE_DIR = Path(settings.BASE_DIR)
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@requires_postgres()
@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"), reason="needs Redis: set CELERY_BROKER_URL=redis://..."
)
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sweep_from_redis_and_writes_the_flags_to_postgresql(monkeypatch):
    planted = plant_every_kind(1, timezone.now())
    # A queue of its own, so that no other worker on this Redis takes the message.
    queue = f"test-sweep-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hartford_bwc", "worker", "--pool=solo", "-Q", queue,
         "--without-mingle", "--without-gossip", "--loglevel=INFO"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
        tasks.sweep_flags.apply_async(queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and Flag.objects.count() < len(Flag.Kind.values):
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.5)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert open_flags() == {(kind, tag) for kind, tags in planted.items() for tag in tags}, output
    assert "inventory.sweep_flags" in output and "succeeded" in output


@pytest.mark.django_db
def test_check_out_succeeds_fast_with_the_broker_unreachable(monkeypatch, system_actor):
    """Request code never talks to the broker: a dead Redis cannot stop the kiosk."""
    # Celery reads CELERY_BROKER_URL from the environment before its settings.
    monkeypatch.setenv("CELERY_BROKER_URL", UNREACHABLE_BROKER)
    monkeypatch.setitem(celery_app.conf, "broker_url", UNREACHABLE_BROKER)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    camera, officer = CameraFactory(), OfficerFactory()
    attempts = []

    def connect(self, *args, **kwargs):  # every broker connection kombu opens passes here
        attempts.append(self.as_uri())
        raise OSError("broker unreachable")

    monkeypatch.setattr(kombu.Connection, "_establish_connection", connect)
    started = time.perf_counter()
    checkout = check_out(camera=camera, officer=officer, by=system_actor)
    # Proved by what it did not do, not by a stopwatch alone: under load a check-out may take a
    # second, while a wait on the broker would be retries of seconds each.
    assert attempts == []
    assert time.perf_counter() - started < 5.0
    monkeypatch.undo()
    monkeypatch.setenv("CELERY_BROKER_URL", UNREACHABLE_BROKER)
    monkeypatch.setitem(celery_app.conf, "broker_url", UNREACHABLE_BROKER)
    assert checkout.pk and Camera.objects.get(pk=camera.pk).status == Camera.Status.CHECKED_OUT
    # The same broker is indeed unreachable: publishing would fail.
    with pytest.raises(Exception), celery_app.connection_for_write() as conn:  # noqa: B017 - kombu's own error
        conn.ensure_connection(max_retries=0, timeout=1)
