"""What the parts of the demo seed share: the demo officer's PIN, the seed's actor, the result it
reports and the state of each camera while history is generated."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from assignments.models import Officer, Shift, Unit
from audit.actor import Actor
from inventory.models import Camera, CameraModel, Dock, MaintenanceRecord

DEMO_PIN = "246810"
SEED_ACTOR = Actor.system_process("seed_demo")


@dataclass
class SeedResult:
    cameras: int = 0
    officers: int = 0
    checkouts: int = 0
    charge_events: int = 0
    maintenance_records: int = 0
    demo_badge: str = ""
    demo_pin: str = DEMO_PIN
    planted: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Badges of the officers whose BWC certification expires within 30 days, and of those exempt now.
    certifications_expiring: list[str] = field(default_factory=list)
    exemptions: list[str] = field(default_factory=list)
    # The signal kit (demo.signal): how many devices and cruisers, and the device flags planted
    # (kind -> asset tags, or cruiser unit numbers for a vehicle without a working signal unit).
    devices: int = 0
    vehicles: int = 0
    signal_planted: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class CameraState:
    """The last known physical state of one camera while history is generated."""

    busy_until: datetime | None = None
    status: str = Camera.Status.AVAILABLE
    last_returned_at: datetime | None = None
    last_docked_at: datetime | None = None
    last_full_charge_at: datetime | None = None
    docked: bool = True
    reserved: bool = False


class BuilderState:
    """What the builder's steps (demo.fleet, demo.people, demo.history, demo.problems) share on `self`:
    set by demo.builder.Builder's __init__ and by the steps, in the order demo.services.seed_fleet runs them."""

    n_cameras: int
    n_officers: int
    days: int
    now: datetime
    rng: random.Random
    plants: int
    result: SeedResult
    # The big histories are plain tuples, camera index first (demo.history's CHECKOUT_ROW and CHARGE_ROW).
    checkouts: list[tuple]
    charges: list[tuple]
    maintenance: list[MaintenanceRecord]
    old_model: CameraModel
    new_model: CameraModel
    units: list[Unit]
    shifts: list[Shift]
    docks: list[Dock]
    officers: list[Officer]
    n_personal: int
    cameras: list[Camera]
    state: list[CameraState]
    spares: list[int]
    reserved_pool: list[int]
