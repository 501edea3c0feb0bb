"""Concurrent check-outs on PostgreSQL with real threads and real connections.

Modelled on Django's tests/select_for_update/tests.py: each thread opens its own connection,
does its work, and closes the connection when done. The database holds one rule per race:
exactly one checkout wins, every loser gets the domain error a person would read.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from assignments.models import Checkout
from assignments.services import check_out
from audit.actor import Actor
from audit.models import AuditEvent
from audit.services import verify_chain
from conftest import requires_postgres
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, OfficerFactory
from hartford_bwc.testing import run_at_once
from inventory.models import Camera

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db(transaction=True)]

THREADS = 20


def check_out_job(camera, officer):
    return lambda: check_out(camera=camera, officer=officer, by=Actor.system_process(f"thread {officer.badge_number}"))


def test_twenty_officers_racing_for_one_camera_leave_exactly_one_checkout():
    camera = CameraFactory(asset_tag="HPD-BWC-0412")
    officers = [OfficerFactory() for _ in range(THREADS)]

    outcomes = run_at_once([check_out_job(camera, officer) for officer in officers])

    wins = [o for o in outcomes if isinstance(o, Checkout)]
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    others = [o for o in outcomes if not isinstance(o, Checkout | DomainError)]
    assert others == [], "anything but a checkout or a domain error would be a 500"
    assert len(wins) == 1 and len(refusals) == THREADS - 1
    winner = wins[0].officer
    expected_start = f"HPD-BWC-0412 is already checked out to {winner.display_name} (badge {winner.badge_number}) since"
    assert all(r.code == "already_out" and str(r).startswith(expected_start) for r in refusals)

    assert Checkout.objects.count() == 1
    assert Checkout.objects.open().get().officer == winner
    camera.refresh_from_db()
    assert camera.status == Camera.Status.CHECKED_OUT
    assert AuditEvent.objects.filter(action="checkout.check_out").count() == 1
    assert verify_chain() is None


def test_one_officer_racing_for_twenty_cameras_gets_exactly_one():
    officer = OfficerFactory(first_name="Dana", last_name="Reyes")
    cameras = [CameraFactory() for _ in range(THREADS)]

    outcomes = run_at_once([check_out_job(camera, officer) for camera in cameras])

    wins = [o for o in outcomes if isinstance(o, Checkout)]
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert [o for o in outcomes if not isinstance(o, Checkout | DomainError)] == []
    assert len(wins) == 1 and len(refusals) == THREADS - 1
    held = wins[0].camera.asset_tag
    assert all(r.code == "officer_holds_camera" for r in refusals)
    assert all(str(r).startswith(f"Ofc. Dana Reyes already holds {held} (since ") for r in refusals)

    assert Checkout.objects.count() == 1
    assert Camera.objects.filter(status=Camera.Status.CHECKED_OUT).count() == 1
    assert Camera.objects.filter(status=Camera.Status.AVAILABLE).count() == THREADS - 1
    assert verify_chain() is None


def test_twenty_parallel_check_outs_of_different_cameras_keep_the_audit_chain_intact():
    """All succeed; the audit appends serialize on the advisory lock, so the chain has no fork."""
    pairs = [(CameraFactory(), OfficerFactory()) for _ in range(THREADS)]

    outcomes = run_at_once([check_out_job(camera, officer) for camera, officer in pairs])

    assert all(isinstance(o, Checkout) for o in outcomes), outcomes
    assert Checkout.objects.open().count() == THREADS
    events = list(AuditEvent.objects.order_by("id"))  # the set-up's (a unit, a model) and the check-outs
    assert len([e for e in events if e.action == "checkout.check_out"]) == THREADS
    assert len({e.prev_hash for e in events}) == len(events), "two events chained onto the same predecessor"
    assert verify_chain() is None


def test_threads_really_use_their_own_connections():
    """Guards the harness itself: a shared connection would serialize the threads and prove nothing."""
    all_connected = threading.Barrier(3)

    def backend_pid():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        all_connected.wait(timeout=30)  # all three sessions are open at this moment
        return pid

    pids = run_at_once([backend_pid] * 3)
    assert len(set(pids)) == 3, pids
