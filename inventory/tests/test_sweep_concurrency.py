"""Two sweeps at once (two beat processes, or a slow sweep overlapping the next) on PostgreSQL."""

from __future__ import annotations

import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction

from conftest import requires_postgres
from inventory.flags import sweep as sweep_module
from inventory.flags.sweep import SWEEP_LOCK_KEY, run_sweep
from inventory.models import Flag

from .flag_fleet import local, open_flags, plant_every_kind

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db(transaction=True)]

NOW = local(2026, 6, 15, 10, 0)


def in_threads(target, n=2):
    results, errors = [None] * n, [None] * n

    def run(i):
        try:
            with time_machine.travel(NOW, tick=False):
                results[i] = target()
        except Exception as error:  # reported to the test
            errors[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_overlapping_sweeps_give_the_same_flags_as_one():
    with time_machine.travel(NOW, tick=False):
        planted = plant_every_kind(3, NOW)
    expected = {(kind, tag) for kind, tags in planted.items() for tag in tags}
    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait(timeout=10)
        return run_sweep()

    reports, errors = in_threads(sweep)
    assert errors == [None, None]
    assert open_flags() == expected
    assert Flag.objects.count() == len(expected)  # nothing duplicated, nothing resolved and re-raised
    # One sweep raised everything; the other skipped or, if it came second, found nothing to do.
    assert sorted(sum(c.raised for c in r.counts.values()) for r in reports) == [0, len(expected)]


def test_a_sweep_that_finds_another_running_skips_and_says_so():
    with time_machine.travel(NOW, tick=False):
        plant_every_kind(1, NOW)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
            locked.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=lambda: (hold_the_lock(), connections.close_all()))
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with time_machine.travel(NOW, tick=False):
            report = run_sweep()
            out = io.StringIO()
            call_command("sweep_flags", stdout=out)
        assert report.skipped is True
        assert "Another flag sweep is running; this one skipped" in out.getvalue()
        assert Flag.objects.count() == 0
    finally:
        release.set()
        holder.join(timeout=30)
    with time_machine.travel(NOW, tick=False):
        assert run_sweep().skipped is False
    assert Flag.objects.count() == len(Flag.Kind.values)


def test_without_the_lock_the_database_still_refuses_a_duplicate_open_flag(monkeypatch):
    """Belt and braces: if the advisory lock were bypassed, the partial unique index catches the race."""
    with time_machine.travel(NOW, tick=False):
        planted = plant_every_kind(1, NOW)
    monkeypatch.setattr(sweep_module, "_try_lock", lambda: True)
    barrier = threading.Barrier(2)
    bulk_create = Flag.objects.bulk_create

    def insert_together(*args, **kwargs):
        barrier.wait(timeout=10)  # both sweeps computed the same set to raise
        return bulk_create(*args, **kwargs)

    monkeypatch.setattr(Flag.objects, "bulk_create", insert_together)
    reports, errors = in_threads(run_sweep)
    assert sorted(type(e).__name__ for e in errors) == ["IntegrityError", "NoneType"]
    assert any(isinstance(e, IntegrityError) for e in errors)
    assert open_flags() == {(kind, tag) for kind, tags in planted.items() for tag in tags}
    assert Flag.objects.count() == len(Flag.Kind.values)
