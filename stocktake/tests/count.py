"""A crafted count at a dock with one camera of every kind of result (shared by the stocktake tests)."""

from __future__ import annotations

from dataclasses import dataclass

from accounts import roles
from assignments import services as assignments
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UserFactory
from inventory.models import Camera, Dock

from .. import services
from ..models import Stocktake


@dataclass
class CraftedCount:
    stocktake: Stocktake
    by: Actor
    dock: Dock
    other_dock: Dock
    here: Camera  # in the counted dock, scanned: seen and expected
    missing: Camera  # in the counted dock, not scanned: expected, not seen
    other: Camera  # recorded in another dock, scanned here
    out: Camera  # recorded checked out, scanned here
    lost: Camera  # recorded lost, scanned here
    repair: Camera  # recorded in maintenance (no dock), scanned here


def quartermaster() -> Actor:
    return Actor.staff(UserFactory(username="qm", role=roles.QUARTERMASTER))


def craft_count(*, finish: bool = True) -> CraftedCount:
    by = quartermaster()
    dock, other_dock = DockFactory(name="Bank A"), DockFactory(name="Bank B")
    here = CameraFactory(asset_tag="HPD-BWC-0001", serial_number="SER0001", dock=dock, dock_bay=1)
    missing = CameraFactory(asset_tag="HPD-BWC-0002", dock=dock, dock_bay=2)
    other = CameraFactory(asset_tag="HPD-BWC-0003", dock=other_dock, dock_bay=1)
    out = CameraFactory(asset_tag="HPD-BWC-0004")
    assignments.check_out(camera=out, officer=OfficerFactory(badge_number="4410", last_name="Reyes"), by=by)
    lost = CameraFactory(asset_tag="HPD-BWC-0005", status=Camera.Status.LOST, lost_incident_number="HPD-26-1")
    repair = CameraFactory(asset_tag="HPD-BWC-0006", status=Camera.Status.IN_MAINTENANCE)
    CameraFactory(asset_tag="HPD-BWC-0007")  # on the spare shelf: nothing to do with this dock

    stocktake = services.start(place=Stocktake.Place.DOCK, dock=dock, by=by)
    for code in ("HPD-BWC-0001", "hpd-bwc-0003", "HPD-BWC-0004", "HPD-BWC-0005", "HPD-BWC-0006", "NOPE-1"):
        services.scan(stocktake=stocktake, code=code, by=by)
    if finish:
        services.finish(stocktake=stocktake, by=by)
    return CraftedCount(stocktake, by, dock, other_dock, here, missing, other, out, lost, repair)
