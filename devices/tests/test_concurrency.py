"""Concurrent changes of one device on PostgreSQL, with real threads and real connections (as
assignments/tests/test_concurrency.py): the device's row lock lets exactly one win, and every loser
reads the refusal a person would."""

from __future__ import annotations

import pytest

from audit.actions import Action
from audit.actor import Actor
from audit.models import AuditEvent
from audit.services import verify_chain
from conftest import requires_postgres
from devices import services
from devices.models import Device, Pairing
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, DeviceFactory, OfficerFactory
from hartford_bwc.testing import run_at_once

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db(transaction=True)]

THREADS = 10


def test_officers_racing_for_one_holster_sensor_leave_it_with_exactly_one():
    device = DeviceFactory(asset_tag="HPD-SIG-0412")
    officers = [OfficerFactory() for _ in range(THREADS)]

    outcomes = run_at_once(
        [
            (
                lambda officer=officer: services.issue_to_officer(
                    device=device, officer=officer, by=Actor.system_process("qm")
                )
            )
            for officer in officers
        ]
    )

    wins = [o for o in outcomes if isinstance(o, Device)]
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert [o for o in outcomes if not isinstance(o, Device | DomainError)] == []
    assert len(wins) == 1 and len(refusals) == THREADS - 1
    winner = wins[0].officer
    assert all(
        str(r) == f"HPD-SIG-0412 is issued to {winner.display_name} (badge {winner.badge_number}); "
        "return it to stock first."
        for r in refusals
    )
    device.refresh_from_db()
    assert device.officer == winner
    assert AuditEvent.objects.filter(action=Action.DEVICE_ISSUE).count() == 1
    assert verify_chain() is None


def test_pairing_one_device_with_several_cameras_at_once_leaves_one_pairing():
    device = DeviceFactory(asset_tag="HPD-SIG-0412")
    cameras = [CameraFactory() for _ in range(THREADS)]

    outcomes = run_at_once(
        [
            (
                lambda camera=camera: services.pair_with_camera(
                    device=device, camera=camera, by=Actor.system_process("qm")
                )
            )
            for camera in cameras
        ]
    )

    wins = [o for o in outcomes if isinstance(o, Pairing)]
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert [o for o in outcomes if not isinstance(o, Pairing | DomainError)] == []
    assert len(wins) == 1 and len(refusals) == THREADS - 1
    assert all(r.code == "paired_elsewhere" and wins[0].camera.asset_tag in str(r) for r in refusals)
    assert Pairing.objects.open().get() == wins[0]
    assert AuditEvent.objects.filter(action=Action.DEVICE_PAIR).count() == 1
