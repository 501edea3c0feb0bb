"""The sweep as a whole: idempotent, audited, a fixed number of queries, and the demo's planted flags."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from assignments.models import Checkout, Officer, OfficerFlag
from audit.models import AuditEvent
from audit.services import verify_chain
from demo.services import seed_fleet
from devices.models import DeviceFlag
from hartford_bwc.factories import CertificationFactory
from inventory import tasks
from inventory.flags.sweep import run_sweep
from inventory.models import Camera, Flag

from .flag_fleet import local, open_flags, plant_every_kind, sweep_at

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 15, 10, 0)


def flag_rows():
    return list(Flag.objects.order_by("pk").values())


def test_a_sweep_raises_every_kind_and_a_second_sweep_changes_nothing():
    with time_machine.travel(NOW, tick=False):
        planted = plant_every_kind(2, NOW)
    first = sweep_at(NOW)
    assert open_flags() == {(kind, tag) for kind, tags in planted.items() for tag in tags}
    assert {kind: c.raised for kind, c in first.counts.items()} == dict.fromkeys(Flag.Kind.values, 2) | {
        "certification_expiring": 0
    } | dict.fromkeys(DeviceFlag.Kind.values, 0)
    rows, events = flag_rows(), AuditEvent.objects.count()

    second = sweep_at(NOW + timedelta(seconds=30))
    assert all(c.raised == c.resolved == 0 and c.open == 2 for kind, c in second.counts.items() if kind in Flag.Kind)
    assert flag_rows() == rows
    assert AuditEvent.objects.count() == events


def test_raising_and_resolving_are_audited_by_the_sweep_and_keep_the_chain_intact(system_actor):
    with time_machine.travel(NOW, tick=False):
        camera = plant_every_kind(1, NOW)[Flag.Kind.FIRMWARE_BELOW_MINIMUM].pop()
    sweep_at(NOW)
    Camera.objects.filter(asset_tag=camera).update(firmware_version="4.1.0")
    sweep_at(NOW + timedelta(minutes=5))

    raised = AuditEvent.objects.filter(action="flag.raise")
    assert raised.count() == len(Flag.Kind.values)
    assert set(raised.values_list("actor_kind", "actor_label")) == {("system", "flag sweep")}
    resolve = AuditEvent.objects.get(action="flag.resolve")
    assert resolve.camera.asset_tag == camera
    assert resolve.reason == "firmware updated to 4.1.0"
    assert verify_chain() is None


@pytest.mark.parametrize("per_kind", [1, 4])
def test_the_sweep_runs_a_fixed_number_of_queries_at_any_fleet_size(per_kind, django_assert_num_queries):
    # Sizes stay under SQLite's 999-variable limit, past which Django splits a bulk INSERT in batches.
    with time_machine.travel(NOW, tick=False):
        plant_every_kind(per_kind, NOW)
        CertificationFactory.create_batch(per_kind, expires_on=NOW.date() + timedelta(days=3))
    postgres = connection.vendor == "postgresql"
    # Every sweep: the savepoint pair, the firmware versions, all conditions (one UNION ALL), the
    # open flags; the officers' certifications and their open flags; on PostgreSQL the sweep's
    # advisory lock. After it, the audit checkpoint: the chain's count and last id, then its head hash.
    # The signal devices (none here): the battery models, the firmware versions, their conditions (one
    # UNION ALL), the out-of-service triggers, the open device flags (test_sweep_devices.py has more).
    base = 5 + 2 + postgres + 2 + 5
    # Audit: the chain's last hash and one INSERT; on PostgreSQL the chain's lock.
    audit = 2 + postgres
    # Raising: the cameras, the overdue checkouts, the damage reports, the RMAs, one INSERT; the
    # officers, one INSERT.
    with django_assert_num_queries(base + 5 + 2 + audit):
        report = sweep_at(NOW)
    assert (
        sum(c.raised for c in report.counts.values())
        == (len(Flag.Kind.values) + len(OfficerFlag.Kind.values)) * per_kind
    )
    with django_assert_num_queries(base):  # idempotent run: no writes at all
        sweep_at(NOW + timedelta(minutes=1))
    Checkout.objects.update(checked_in_at=NOW, condition="working")
    # Every camera retired, along the lifecycle's moves (the database holds them to it): a returned one
    # is available first.
    Camera.objects.filter(status=Camera.Status.CHECKED_OUT).update(status=Camera.Status.AVAILABLE)
    Camera.objects.update(status=Camera.Status.RETIRED)
    Officer.objects.update(is_active=False)
    # Resolving: the flags with their cameras, the open maintenance (damage triage), one UPDATE; the
    # officer flags with their officers, one UPDATE.
    with django_assert_num_queries(base + 3 + 2 + audit):
        report = sweep_at(NOW + timedelta(minutes=2))
    assert (
        sum(c.resolved for c in report.counts.values())
        == (len(Flag.Kind.values) + len(OfficerFlag.Kind.values)) * per_kind
    )


def test_sweep_flags_command_prints_one_line_per_kind():
    with time_machine.travel(NOW, tick=False):
        plant_every_kind(1, NOW)
        out = io.StringIO()
        call_command("sweep_flags", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [f"{kind}: raised 1, resolved 0, open 1" for kind in Flag.Kind.values] + [
        "certification_expiring: raised 0, resolved 0, open 0"
    ] + [f"{kind}: raised 0, resolved 0, open 0" for kind in DeviceFlag.Kind.values]


def test_the_celery_task_runs_the_same_sweep():
    with time_machine.travel(NOW, tick=False):
        plant_every_kind(1, NOW)
        result = tasks.sweep_flags.apply().get()
    assert result["skipped"] is False
    assert result["counts"]["refresh_due"] == {"raised": 1, "resolved": 0, "open": 1}
    assert Flag.objects.open().count() == len(Flag.Kind.values)


def test_the_task_is_late_acked_time_limited_retried_on_database_errors_and_scheduled(settings):
    from django.db import InterfaceError, OperationalError

    task = tasks.sweep_flags
    assert task.acks_late is True
    assert 0 < task.soft_time_limit < task.time_limit
    assert set(task.autoretry_for) == {OperationalError, InterfaceError}
    assert task.retry_backoff
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-flags"]
    assert entry["task"] == task.name
    assert entry["schedule"] == settings.FLAG_SWEEP_INTERVAL_MINUTES * 60
    digests = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "inventory.send_shift_digest"]
    assert len(digests) == len(settings.SHIFT_DIGEST_TIMES)


def test_a_database_error_during_the_sweep_makes_the_task_retry(monkeypatch):
    from celery.exceptions import Retry
    from django.db import OperationalError

    def broken():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(tasks, "run_sweep", broken)
    with pytest.raises(Retry):
        tasks.sweep_flags.apply(throw=True)


# Local hours where a shift ended 1.5-5 h before (13:00) and where none did (22:50 failed in CI: the
# seed planted no camera left undocked after return), the small hours, and 08:25 (the fallback camera
# then read as charged by a later step).
@pytest.mark.parametrize("local_time", ["13:00", "22:50", "03:30", "08:25"])
def test_on_the_demo_fleet_the_sweep_raises_exactly_the_planted_flags(local_time):
    hour, minute = map(int, local_time.split(":"))
    at = timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0)
    with time_machine.travel(at, tick=False):
        _seed_and_sweep_twice()


def _seed_and_sweep_twice():
    seeded = seed_fleet(cameras=475)
    report = run_sweep()
    planted = {(kind, tag) for kind, tags in seeded.planted.items() for tag in tags}
    assert open_flags() == planted
    assert sum(report.counts[kind].raised for kind in Flag.Kind.values) == len(planted)
    # ...and on the officers, the certifications the seed made expire within 30 days.
    expiring = report.counts[OfficerFlag.Kind.CERTIFICATION_EXPIRING].raised
    assert expiring == len(seeded.certifications_expiring) > 0
    assert {kind for kind, _ in planted} == set(Flag.Kind.values)  # the seed plants every kind
    again = run_sweep()
    assert not any(c.raised or c.resolved for c in again.counts.values())
