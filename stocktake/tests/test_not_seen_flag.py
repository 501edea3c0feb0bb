"""The sweep's "not seen" flag: 90 days after a camera was last scanned, docked or checked in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from assignments.services import check_in, check_out
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory
from inventory import services as inventory
from inventory.models import Camera, ChargeEvent, Flag
from inventory.tests.flag_fleet import local, open_kinds, sweep_at

from .. import services
from ..models import Stocktake
from .count import quartermaster

pytestmark = pytest.mark.django_db

BASE = local(2026, 6, 15, 10, 0)
DAY = timedelta(days=1)
NOT_SEEN = Flag.Kind.NOT_SEEN


def scanned_at(moment, camera: Camera) -> None:
    by = quartermaster()
    with time_machine.travel(moment, tick=False):
        stocktake = services.start(place=Stocktake.Place.SPARE_SHELF, by=by)
        services.scan(stocktake=stocktake, code=camera.asset_tag, by=by)


@pytest.mark.parametrize(("days", "flagged"), [(89, False), (90, True), (91, True)])
def test_a_camera_is_flagged_on_the_90th_day_after_its_last_stocktake_scan(days, flagged):
    camera = CameraFactory(created_at=BASE - 365 * DAY)
    scanned_at(BASE, camera)
    sweep_at(BASE + days * DAY)
    assert (NOT_SEEN in open_kinds(camera)) is flagged


def test_the_flag_detail_says_when_it_was_last_seen_and_a_new_scan_resolves_it():
    camera = CameraFactory(created_at=BASE - 365 * DAY)
    scanned_at(BASE, camera)
    sweep_at(BASE + 90 * DAY)
    assert Flag.objects.open().get(camera=camera, kind=NOT_SEEN).detail == "Last seen Jun 15, 2026 (90 days ago)."
    scanned_at(BASE + 95 * DAY, camera)
    report = sweep_at(BASE + 95 * DAY + timedelta(minutes=1))
    assert report.counts[NOT_SEEN].resolved == 1
    assert Flag.objects.resolved().get(camera=camera, kind=NOT_SEEN).resolution.startswith("seen at ")


def test_a_camera_never_seen_counts_from_the_day_it_joined_the_fleet():
    camera = CameraFactory(created_at=BASE)
    sweep_at(BASE + 89 * DAY)
    assert NOT_SEEN not in open_kinds(camera)
    sweep_at(BASE + 90 * DAY)
    assert "Never seen" in Flag.objects.open().get(camera=camera, kind=NOT_SEEN).detail


def test_docking_and_check_in_count_as_seen(system_actor):
    docked = CameraFactory(created_at=BASE - 365 * DAY)
    returned = CameraFactory(created_at=BASE - 365 * DAY)
    with time_machine.travel(BASE, tick=False):
        inventory.record_charge(camera=docked, kind=ChargeEvent.Kind.DOCKED, dock=DockFactory(), by=system_actor)
        check_out(camera=returned, officer=OfficerFactory(), by=system_actor)
        check_in(camera=returned, by=system_actor)
    sweep_at(BASE + 89 * DAY)
    assert NOT_SEEN not in open_kinds(docked) | open_kinds(returned)
    sweep_at(BASE + 90 * DAY)
    assert NOT_SEEN in open_kinds(docked) & open_kinds(returned)


def test_checked_out_retired_and_lost_cameras_are_never_flagged(system_actor):
    with time_machine.travel(BASE - 365 * DAY, tick=False):
        out = CameraFactory()
        check_out(camera=out, officer=OfficerFactory(), by=system_actor)
        CameraFactory(status=Camera.Status.RETIRED)
        CameraFactory(status=Camera.Status.LOST, lost_incident_number="I-1")
    report = sweep_at(BASE)
    assert report.counts[NOT_SEEN].open == 0


def test_the_sweep_is_idempotent_for_the_not_seen_flag():
    CameraFactory(created_at=BASE - 365 * DAY)
    assert sweep_at(BASE).counts[NOT_SEEN].raised == 1
    again = sweep_at(BASE)
    assert (again.counts[NOT_SEEN].raised, again.counts[NOT_SEEN].open) == (0, 1)
