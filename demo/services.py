"""Generate the Hartford demo fleet: cameras, roster, docks and weeks of plausible history.

Everything is built in memory (the big histories as plain tuples) and written once: COPY on
PostgreSQL, bulk_create on SQLite (demo/bulk.py). 30,000 cameras with 30 days of history (about
1.6 million rows) seed in about 45 s on PostgreSQL; `python bench/seed.py` measures it. The final state is planted with a few cameras that the
flag sweep must catch right now (overdue return, not docked, charging overdue, inspection due and
overdue, repairs, old firmware, refresh due); `SeedResult.planted` names them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts import roles
from accounts.services import create_staff_user
from assignments.first_dock import fill_first_docked_at
from assignments.models import Certification, Checkout, DutyAssignment, Officer, OfficerFlag, PersonalIssue, Shift, Unit
from assignments.services import set_officer_pin
from assignments.shifts import shift_window
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from audit.checkpoints import write_checkpoint
from audit.db import truncate_allowed
from audit.models import AuditEvent
from hartford_bwc.errors import DomainError
from inventory.models import Camera, CameraModel, ChargeEvent, Dock, Flag, MaintenanceRecord
from kiosk.models import Kiosk

from .bulk import insert_rows
from .names import FIRST_NAMES, LAST_NAMES, UNITS

DEMO_PIN = "246810"
BAYS_PER_DOCK = 8
OLD_BATCH, NEW_BATCH = "2019 rollout", "2026 expansion"
OLD_SHARE = 325 / 475
SEED_ACTOR = Actor.system_process("seed_demo")

# Column order of the history tuples (the camera is held as its index until cameras are saved).
CHECKOUT_ROW = (
    "camera_id",
    "officer_id",
    "checked_out_at",
    "due_back_at",
    "checked_in_at",
    "condition",
    "damage_description",
)
CHARGE_ROW = ("camera_id", "kind", "dock_id", "bay", "recorded_at")
MAINTENANCE_ROW = (
    "camera_id",
    "kind",
    "performed_by",
    "rma_number",
    "problem",
    "opened_at",
    "started_at",
    "closed_at",
    "outcome",
    "notes",
    "repair_cost",
)

# What each batch cost and from whom, and how long its warranty runs (the 2019 rollout's two years have
# run out for most of it; the expansion's three have not): the maintenance report's warranty split.
OLD_PURCHASE = {"supplier": "Axon Enterprise", "purchase_price": Decimal("599.00")}
NEW_PURCHASE = {"supplier": "Axon Enterprise (state contract)", "purchase_price": Decimal("749.00")}
WARRANTY = {True: timedelta(days=2 * 365), False: timedelta(days=3 * 365)}


def repair_cost(record: MaintenanceRecord, rng: random.Random) -> Decimal | None:
    """A plausible bill for a closed record: batteries at list price, vendor repairs dearer than in-house
    ones, nothing for a warranty repair at the vendor, and no figure for a routine inspection."""
    if record.closed_at is None or record.kind == MaintenanceRecord.Kind.INSPECTION:
        return None
    if record.kind == MaintenanceRecord.Kind.BATTERY_REPLACEMENT:
        return Decimal("89.00")
    if record.kind == MaintenanceRecord.Kind.FIRMWARE_UPDATE:
        return Decimal("0.00")
    if record.performed_by == MaintenanceRecord.PerformedBy.VENDOR:
        if record.under_warranty:
            return Decimal("0.00")
        return Decimal(rng.randrange(180, 460))
    return Decimal(rng.randrange(20, 140)) + Decimal("0.50") * rng.randrange(2)


# Tables the demo owns, children first, for --reset.
DEMO_MODELS = (
    AuditEvent,
    Flag,
    OfficerFlag,
    Certification,
    DutyAssignment,
    ChargeEvent,
    MaintenanceRecord,
    Checkout,
    PersonalIssue,
    Camera,
    Dock,
    CameraModel,
    Officer,
    Shift,
    Unit,
    Kiosk,
)


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


def fleet_exists() -> bool:
    return Camera.objects.exists() or Officer.objects.exists()


def reset_fleet() -> None:
    """Empty every demo table (the audit trail included): only for the demo, on request."""
    tables = [model._meta.db_table for model in DEMO_MODELS]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    # PostgreSQL refuses TRUNCATE of the audit trail (audit migration 0004) unless lifted here.
    with truncate_allowed():
        connection.ops.execute_sql_flush(statements)
    # The trail starts over: a checkpoint of the empty trail, or verify_audit would report the old
    # events missing (which is what it must say when anything else empties the table).
    write_checkpoint()


@dataclass
class _CameraState:
    """The last known physical state of one camera while history is generated."""

    busy_until: datetime | None = None
    status: str = Camera.Status.AVAILABLE
    last_returned_at: datetime | None = None
    last_docked_at: datetime | None = None
    last_full_charge_at: datetime | None = None
    docked: bool = True
    reserved: bool = False


class _Builder:
    def __init__(self, *, cameras: int, officers: int, days: int, now: datetime, seed: int) -> None:
        self.n_cameras, self.n_officers, self.days, self.now = cameras, officers, days, now
        self.rng = random.Random(seed)
        self.plants = max(1, round(cameras / 160))
        self.result = SeedResult()
        # The big histories are plain tuples (camera index first; see CHECKOUT_ROW and CHARGE_ROW):
        # a million model instances would cost more than writing them.
        self.checkouts: list[tuple] = []
        self.charges: list[tuple] = []
        self.maintenance: list[MaintenanceRecord] = []

    # --- reference data -------------------------------------------------------------------
    def reference_data(self) -> None:
        self.old_model, _ = CameraModel.objects.get_or_create(
            maker="Axon", name="Body 3", defaults={"battery_hours": 12, "charge_hours": 9}
        )
        self.new_model, _ = CameraModel.objects.get_or_create(
            maker="Axon", name="Body 4", defaults={"battery_hours": 13, "charge_hours": 8}
        )
        self.units = [Unit.objects.create(name=name, supervisor_email=email) for name, email in UNITS]
        self.shifts = [
            Shift.objects.create(name="Day", starts_at=time(7), ends_at=time(15)),
            Shift.objects.create(name="Evening", starts_at=time(15), ends_at=time(23)),
            Shift.objects.create(name="Midnight", starts_at=time(23), ends_at=time(7)),
        ]
        n_docks = max(1, -(-self.n_cameras // BAYS_PER_DOCK))
        rooms = ("HQ 253 High St, equipment room", "District 1 station", "District 2 station", "Traffic office")
        self.docks = Dock.objects.bulk_create(
            [Dock(name=f"Dock {i + 1:03d}", location=rooms[i % len(rooms)], bays=BAYS_PER_DOCK) for i in range(n_docks)]
        )

    # --- roster and fleet -----------------------------------------------------------------
    def roster(self) -> None:
        rng = self.rng
        n_without_shift = min(self.n_officers, max(self.plants + 2, round(self.n_officers * 0.05)))
        officers = []
        for i in range(self.n_officers):
            no_shift = i >= self.n_officers - n_without_shift
            unit = self.units[6] if no_shift else self.units[i % 6]
            shift = None if no_shift else self.shifts[0 if i % 20 < 8 else 1 if i % 20 < 15 else 2]
            rank = (
                Officer.Rank.DETECTIVE if no_shift else Officer.Rank.SERGEANT if i % 12 == 0 else Officer.Rank.OFFICER
            )
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            officers.append(
                Officer(
                    badge_number=str(1001 + i),
                    first_name=first,
                    last_name=last,
                    rank=rank,
                    unit=unit,
                    shift=shift,
                    email=f"{first}.{last}.{1001 + i}@hartford.example".lower(),
                )
            )
        self.officers = Officer.objects.bulk_create(officers, batch_size=5000)
        self.result.officers = len(self.officers)

    def fleet(self) -> None:
        rng, now = self.rng, self.now
        n_spares_min = max(1, round(self.n_cameras * 0.1))
        self.n_personal = min(self.n_officers, self.n_cameras - n_spares_min)
        n_old = round(self.n_cameras * OLD_SHARE)
        old_purchase = (now - timedelta(days=27 * 30)).date()
        new_purchase = (now - timedelta(days=8 * 30)).date()
        cameras = []
        for i in range(self.n_cameras):
            old = rng.random() < n_old / self.n_cameras
            dock = self.docks[i // BAYS_PER_DOCK]
            cameras.append(
                Camera(
                    asset_tag=f"{settings.ASSET_TAG_PREFIX}{i + 1:04d}",
                    serial_number=f"{'X6' if old else 'D4'}{rng.randrange(16**8):08X}{i:05d}",
                    model=self.old_model if old else self.new_model,
                    firmware_version="3.4.1" if old else "4.1.0",
                    purchase_batch=OLD_BATCH if old else NEW_BATCH,
                    purchased_on=old_purchase if old else new_purchase,
                    **(OLD_PURCHASE if old else NEW_PURCHASE),
                    warranty_ends_on=(old_purchase if old else new_purchase) + WARRANTY[old],
                    pool=Camera.Pool.PERSONAL if i < self.n_personal else Camera.Pool.SPARE,
                    dock=dock,
                    dock_bay=i % BAYS_PER_DOCK + 1,
                    created_at=now - timedelta(days=self.days + 1),
                )
            )
        # Saved in write(), once, in their final state: no second pass of updates.
        self.cameras = cameras
        self.state = [_CameraState() for _ in self.cameras]
        self.spares = list(range(self.n_personal, self.n_cameras))
        rng.shuffle(self.spares)
        self.result.cameras = len(self.cameras)

    # --- history ---------------------------------------------------------------------------
    def reserve_spares(self) -> None:
        """Set aside the spares that plant_current_problems will use, before history touches them."""
        needed = 5 * self.plants + 5
        self.reserved_pool = self.spares[: min(needed, len(self.spares) // 2)]
        for index in self.reserved_pool:
            self.state[index].reserved = True

    def _reserve_spare(self) -> int | None:
        return self.reserved_pool.pop(0) if self.reserved_pool else None

    def _free_spare(self, at: datetime) -> int | None:
        for index in self.spares:
            state = self.state[index]
            if (
                not state.reserved
                and state.status == Camera.Status.AVAILABLE
                and (state.busy_until is None or state.busy_until < at)
            ):
                return index
        return None

    def _dock_after_return(self, index: int, returned: datetime) -> None:
        docked = returned + timedelta(minutes=self.rng.randint(1, 15))
        if docked > self.now:
            return
        camera, state = self.cameras[index], self.state[index]
        self.charges.append((index, "docked", camera.dock_id, camera.dock_bay, docked))
        state.last_docked_at, state.docked = docked, True
        charged = docked + timedelta(hours=self.rng.uniform(2, 8))
        if charged <= self.now:
            self.charges.append((index, "full_charge", camera.dock_id, None, charged))
            state.last_full_charge_at = charged

    def _checkout(
        self,
        index: int,
        officer: Officer,
        out: datetime,
        due: datetime,
        returned: datetime | None,
        *,
        damaged: bool = False,
        dock: bool = True,
    ) -> None:
        state = self.state[index]
        condition = "" if returned is None else "damaged" if damaged else "working"
        damage = "Lens cracked; does not record." if damaged else ""
        self.checkouts.append((index, officer.pk, out, due, returned, condition, damage))
        state.docked = False
        if returned is None:
            state.status, state.busy_until = Camera.Status.CHECKED_OUT, self.now + timedelta(days=365)
            return
        state.busy_until = state.last_returned_at = returned
        if damaged:
            self._damage_repair(index, returned)
        elif dock:
            self._dock_after_return(index, returned)

    def _damage_repair(self, index: int, reported: datetime) -> None:
        closed = reported + timedelta(days=self.rng.uniform(1, 3))
        started = reported + timedelta(hours=2)
        if closed > self.now:
            # Still on the bench: the camera is in maintenance now.
            self.maintenance.append(
                MaintenanceRecord(
                    camera=self.cameras[index],
                    kind="repair",
                    performed_by="in_house",
                    problem="Lens cracked; does not record.",
                    opened_at=reported,
                    started_at=min(started, self.now),
                )
            )
            self.state[index].status = Camera.Status.IN_MAINTENANCE
            self.state[index].busy_until = self.now + timedelta(days=365)
            return
        self.maintenance.append(
            MaintenanceRecord(
                camera=self.cameras[index],
                kind="repair",
                performed_by="in_house",
                problem="Lens cracked; does not record.",
                opened_at=reported,
                started_at=started,
                closed_at=closed,
                outcome="returned_to_service",
                notes="Lens replaced.",
            )
        )
        self.state[index].busy_until = closed
        self.state[index].last_full_charge_at = closed
        self.state[index].last_docked_at = closed
        self.state[index].docked = True

    def shift_history(self) -> None:
        rng, now = self.rng, self.now
        today = timezone.localtime(now).date()
        not_docked_left = self.plants
        windows: dict[tuple[int | None, date], tuple[datetime, datetime]] = {}  # a few shifts, many officers
        for officer_index, officer in enumerate(self.officers):
            if officer.shift is None:
                continue
            for back in range(self.days, -2, -1):
                day: date = today - timedelta(days=back)
                if (day.toordinal() + officer_index) % 7 >= 5:
                    continue  # a day off
                if (window := windows.get((officer.shift_id, day))) is None:
                    window = windows[officer.shift_id, day] = shift_window(officer.shift, day)
                start, end = window
                out = start - timedelta(minutes=rng.randint(2, 20))
                if out >= now:
                    break
                index = officer_index if officer_index < self.n_personal else None
                if index is None or (busy := self.state[index].busy_until) and busy > out:
                    index = self._free_spare(out)
                    if index is None:
                        continue
                due = end + timedelta(minutes=settings.EXPECTED_RETURN_GRACE_MINUTES)
                late = rng.random() < 0.03
                returned = end + timedelta(minutes=rng.randint(70, 200) if late else rng.randint(5, 45))
                if returned > now:
                    # Still out: on shift now, or just back and not yet late.
                    if now <= due:
                        self._checkout(index, officer, out, due, None)
                        continue
                    returned = now - timedelta(minutes=1)
                docks = True
                if not_docked_left and now - timedelta(hours=5) < returned < now - timedelta(hours=1, minutes=30):
                    docks = False
                    not_docked_left -= 1
                    self.result.planted[Flag.Kind.NOT_DOCKED].append(self.cameras[index].asset_tag)
                damaged = rng.random() < 0.004
                self._checkout(index, officer, out, due, returned, damaged=damaged, dock=docks)

    def plant_current_problems(self) -> None:  # noqa: C901, PLR0912 (split me)
        """Cameras that are wrong right now, so the sweep and the dashboard have work."""
        rng, now, k, planted = self.rng, self.now, self.plants, self.result.planted
        detectives = [o for o in self.officers if o.shift is None]

        for _ in range(k):  # spares on the shelf whose last full charge is days old
            index = self._reserve_spare()
            if index is None:
                break
            state = self.state[index]
            state.last_full_charge_at = state.last_docked_at = now - timedelta(hours=rng.randint(80, 120))
            planted[Flag.Kind.CHARGING_OVERDUE].append(self.cameras[index].asset_tag)

        for officer in detectives[:k]:  # out since last night, 12 h rule with no shift: overdue
            index = self._reserve_spare()
            if index is None:
                break
            out = now - timedelta(hours=15, minutes=rng.randint(0, 50))
            self._checkout(
                index, officer, out, out + timedelta(hours=settings.EXPECTED_RETURN_WITHOUT_SHIFT_HOURS), None
            )
            planted[Flag.Kind.RETURN_OVERDUE].append(self.cameras[index].asset_tag)

        if not planted[Flag.Kind.NOT_DOCKED] and detectives and (index := self._reserve_spare()) is not None:
            # The shift history leaves a camera undocked only when a shift ended 1.5-5 h ago, which is
            # not so at every hour of the day: then a detective's camera came back 2.5 h ago, not docked.
            returned = now - timedelta(hours=2, minutes=30)
            # Charged on its dock before it went out, so nothing later takes it for a charged camera.
            self.state[index].last_full_charge_at = self.state[index].last_docked_at = returned - timedelta(hours=10)
            self._checkout(
                index, detectives[-1], returned - timedelta(hours=8), now + timedelta(hours=2), returned, dock=False
            )
            planted[Flag.Kind.NOT_DOCKED].append(self.cameras[index].asset_tag)

        if (index := self._reserve_spare()) is not None:  # damage reported, nobody triaged it
            reported = now - timedelta(hours=30)
            if detectives:
                self.checkouts.append(
                    (
                        index,
                        detectives[-1].pk,
                        reported - timedelta(hours=8),
                        reported + timedelta(hours=4),
                        reported,
                        "damaged",
                        "Mount clip snapped; camera falls off the vest.",
                    )
                )
            self.maintenance.append(
                MaintenanceRecord(
                    camera=self.cameras[index],
                    kind="repair",
                    problem="Mount clip snapped; camera falls off the vest.",
                    opened_at=reported,
                )
            )
            self.state[index].status, self.state[index].last_returned_at = Camera.Status.IN_MAINTENANCE, reported
            planted[Flag.Kind.DAMAGED_NOT_IN_MAINTENANCE].append(self.cameras[index].asset_tag)

        vendor_ages = [rng.randint(35, 45) for _ in range(k)] + [10]
        for n, age in enumerate(vendor_ages):  # at the vendor; those past 30 days are overdue
            if (index := self._reserve_spare()) is None:
                break
            opened = now - timedelta(days=age)
            self.maintenance.append(
                MaintenanceRecord(
                    camera=self.cameras[index],
                    kind="repair",
                    performed_by="vendor",
                    rma_number=f"RMA-{opened:%y%m}-{4100 + n}",
                    problem="Will not power on.",
                    opened_at=opened,
                    started_at=opened + timedelta(hours=3),
                )
            )
            self.state[index].status = Camera.Status.IN_MAINTENANCE
            if age > settings.VENDOR_REPAIR_OVERDUE_DAYS:
                planted[Flag.Kind.REPAIR_OVERDUE].append(self.cameras[index].asset_tag)

        for _ in range(k):  # on the quartermaster's bench
            if (index := self._reserve_spare()) is None:
                break
            opened = now - timedelta(days=rng.randint(2, 6))
            self.maintenance.append(
                MaintenanceRecord(
                    camera=self.cameras[index],
                    kind="battery_replacement",
                    performed_by="in_house",
                    problem="Battery lasts under 8 hours.",
                    opened_at=opened,
                    started_at=opened,
                )
            )
            self.state[index].status = Camera.Status.IN_MAINTENANCE

        self._plant_not_seen()

        if (index := self._reserve_spare()) is not None:
            self.state[index].status = Camera.Status.LOST
            self.cameras[index].lost_incident_number = f"HPD-{now:%y}-0{rng.randint(10000, 99999)}"
        for _ in range(2):
            if (index := self._reserve_spare()) is not None:
                self.state[index].status = Camera.Status.RETIRED
                opened = now - timedelta(days=rng.randint(10, 20))
                self.maintenance.append(
                    MaintenanceRecord(
                        camera=self.cameras[index],
                        kind="repair",
                        performed_by="in_house",
                        problem="Housing cracked beyond repair.",
                        opened_at=opened,
                        started_at=opened,
                        closed_at=opened + timedelta(days=1),
                        outcome="retired",
                    )
                )

    def _plant_not_seen(self) -> None:
        """A camera waiting for parts on a back shelf, untouched for four months: the "not seen" flag."""
        if (index := self._reserve_spare()) is None:
            return
        opened = self.now - timedelta(days=settings.NOT_SEEN_FLAG_DAYS + 30)
        self.cameras[index].created_at = opened - timedelta(days=30)
        self.state[index].last_docked_at = self.state[index].last_returned_at = None
        self.maintenance.append(
            MaintenanceRecord(
                camera=self.cameras[index],
                kind="repair",
                performed_by="in_house",
                problem="Waiting for a replacement mount from the vendor.",
                opened_at=opened,
                started_at=opened,
            )
        )
        self.state[index].status = Camera.Status.IN_MAINTENANCE
        self.result.planted[Flag.Kind.NOT_SEEN].append(self.cameras[index].asset_tag)

    def inspections_firmware_refresh(self) -> None:
        rng, now, k, planted = self.rng, self.now, self.plants, self.result.planted
        interval, overdue = settings.INSPECTION_INTERVAL_DAYS, settings.INSPECTION_OVERDUE_DAYS
        in_service = [
            i for i, s in enumerate(self.state) if s.status not in (Camera.Status.RETIRED, Camera.Status.LOST)
        ]
        due_pick = rng.sample(in_service, min(len(in_service), 2 * k))
        ages = {i: rng.randint(1, interval - 10) for i in in_service}
        for n, index in enumerate(due_pick):
            due = n < k
            ages[index] = rng.randint(interval + 2, overdue - 3) if due else rng.randint(overdue + 3, overdue + 25)
            planted[Flag.Kind.INSPECTION_DUE if due else Flag.Kind.INSPECTION_OVERDUE].append(
                self.cameras[index].asset_tag
            )
        for index, age in ages.items():
            day = timezone.localtime(now - timedelta(days=age)).date()
            at = timezone.make_aware(datetime.combine(day, time(10, rng.randint(0, 59))))
            self.cameras[index].last_inspected_at = at + timedelta(minutes=15)
            self.maintenance.append(
                MaintenanceRecord(
                    camera=self.cameras[index],
                    kind="inspection",
                    performed_by="in_house",
                    opened_at=at,
                    started_at=at,
                    closed_at=at + timedelta(minutes=15),
                    outcome="returned_to_service",
                    notes="Powers on, records, mount intact.",
                )
            )
        old = [i for i in in_service if self.cameras[i].purchase_batch == OLD_BATCH]
        for index in rng.sample(old, min(len(old), k)):
            self.cameras[index].firmware_version = "3.1.7"
            planted[Flag.Kind.FIRMWARE_BELOW_MINIMUM].append(self.cameras[index].asset_tag)
        refresh_due = (now - timedelta(days=31 * 30)).date()
        for index in rng.sample(old, min(len(old), k)):
            self.cameras[index].purchased_on = refresh_due
            self.cameras[index].warranty_ends_on = refresh_due + WARRANTY[True]
            planted[Flag.Kind.REFRESH_DUE].append(self.cameras[index].asset_tag)

    def idle_spares_topped_up(self) -> None:
        """Docks report a full charge on idle docked spares every day."""
        now = self.now
        for index in self.spares:
            state = self.state[index]
            if state.reserved or state.status != Camera.Status.AVAILABLE:
                continue
            if state.last_returned_at and state.last_docked_at is None or not state.docked:
                continue
            at = now - timedelta(hours=self.rng.uniform(1, 20))
            if state.last_returned_at and at < state.last_returned_at:
                continue
            self.charges.append((index, "full_charge", self.cameras[index].dock_id, None, at))
            state.last_full_charge_at = at
            state.last_docked_at = state.last_docked_at or at

    def personal_cameras_never_used(self) -> None:
        """Cameras of officers without history (no shift) were charged when issued."""
        for state in self.state:
            if state.last_full_charge_at is None and state.status == Camera.Status.AVAILABLE:
                state.last_full_charge_at = self.now - timedelta(hours=self.rng.uniform(1, 48))
                state.last_docked_at = state.last_docked_at or state.last_full_charge_at

    # --- write -----------------------------------------------------------------------------
    def write(self) -> None:
        for camera, state in zip(self.cameras, self.state, strict=True):
            camera.status = state.status
            camera.last_returned_at = state.last_returned_at
            camera.last_docked_at = state.last_docked_at
            # Last in someone's hands: docked or checked in, whichever came later (as the migration backfills).
            camera.last_seen_at = max(filter(None, (state.last_docked_at, state.last_returned_at)), default=None)
            camera.last_full_charge_at = state.last_full_charge_at
            on_shelf = state.status == Camera.Status.AVAILABLE and state.docked
            if not on_shelf:
                camera.dock, camera.dock_bay = None, None
            if state.status in (Camera.Status.RETIRED, Camera.Status.LOST):
                camera.pool = Camera.Pool.SPARE
        Camera.objects.bulk_create(self.cameras, batch_size=5000)
        camera_ids = [camera.pk for camera in self.cameras]
        issued_at = self.now - timedelta(days=self.days + 1)
        insert_rows(
            PersonalIssue,
            ("officer_id", "camera_id", "issued_at", "reason"),
            ((self.officers[i].pk, camera_ids[i], issued_at, "") for i in range(self.n_personal)),
        )
        insert_rows(
            Checkout,
            CHECKOUT_ROW,
            ((camera_ids[row[0]], *row[1:]) for row in self.checkouts),
        )
        insert_rows(ChargeEvent, CHARGE_ROW, ((camera_ids[row[0]], *row[1:]) for row in self.charges))
        fill_first_docked_at()  # what record_charge keeps for each dock, for the history written in bulk
        costs = random.Random(len(self.maintenance))  # its own generator: the history drawn above stays as it was
        insert_rows(
            MaintenanceRecord,
            MAINTENANCE_ROW,
            (
                (
                    m.camera.pk,
                    m.kind,
                    m.performed_by,
                    m.rma_number,
                    m.problem,
                    m.opened_at,
                    m.started_at,
                    m.closed_at,
                    m.outcome,
                    m.notes,
                    repair_cost(m, costs),
                )
                for m in self.maintenance
            ),
        )
        self.result.checkouts = len(self.checkouts)
        self.result.charge_events = len(self.charges)
        self.result.maintenance_records = len(self.maintenance)

    def training_records(self) -> None:
        """A BWC certification for every officer (two years long, taken over the last two years), a
        few of them expiring within 30 days: the sweep flags those, and the digest lists them."""
        rng, today = self.rng, timezone.localdate(self.now)
        expiring = set(rng.sample(range(len(self.officers)), min(len(self.officers), max(3, len(self.officers) // 60))))
        rows = []
        for index, officer in enumerate(self.officers):
            if index in expiring:
                expires = today + timedelta(days=rng.randint(0, 29))
                self.result.certifications_expiring.append(officer.badge_number)
            else:
                expires = today + timedelta(days=rng.randint(45, 700))
            rows.append((officer.pk, expires - timedelta(days=730), expires, "BWC operator", self.now))
        insert_rows(Certification, ("officer", "certified_on", "expires_on", "course", "recorded_at"), rows)

    def exemptions(self) -> None:
        """A few approved camera exemptions in force now: undercover operations, light duty, leave.

        Taken from the later half of the roster, officers on a shift (the kiosk's demo officer is
        picked from the front).
        """
        candidates = [officer for officer in self.officers[len(self.officers) // 2 :] if officer.shift_id is not None]
        count = min(len(candidates), max(3, len(self.officers) // 100))
        if not count:
            return
        approver = _demo_approver()
        today = timezone.localdate(self.now)
        kinds = [
            (DutyAssignment.Kind.UNDERCOVER, "Undercover operation, narcotics unit"),
            (DutyAssignment.Kind.UNDERCOVER, "Undercover operation, vice"),
            (DutyAssignment.Kind.LIGHT_DUTY, "Light duty after a knee injury"),
            (DutyAssignment.Kind.LEAVE, "Parental leave"),
        ]
        rows = []
        for n, officer in enumerate(self.rng.sample(candidates, count)):
            kind, reason = kinds[n % len(kinds)]
            starts = today - timedelta(days=self.rng.randint(3, 20))
            ends = None if kind == DutyAssignment.Kind.LEAVE else today + timedelta(days=self.rng.randint(5, 40))
            rows.append(
                DutyAssignment(
                    officer=officer, kind=kind, starts_on=starts, ends_on=ends, reason=reason, approved_by=approver
                )
            )
            self.result.exemptions.append(officer.badge_number)
        DutyAssignment.objects.bulk_create(rows)

    def demo_officer(self) -> Officer | None:
        """An officer who can walk up to the kiosk now: active, empty-handed, camera docked and charged."""
        holding = {officer_id for _, officer_id, _, _, returned, *_ in self.checkouts if returned is None}
        ready = set(Camera.objects.ready().filter(pool=Camera.Pool.PERSONAL).values_list("pk", flat=True))
        for index, officer in enumerate(self.officers[: self.n_personal]):
            if officer.pk not in holding and self.cameras[index].pk in ready:
                return officer
        return None


@transaction.atomic
def seed_fleet(*, cameras: int = 475, officers: int | None = None, days: int = 28, seed: int = 2019) -> SeedResult:
    """Build the demo fleet. Refuses when a fleet exists (reset it first)."""
    if cameras < 1 or days < 0:
        raise DomainError("Give at least one camera and zero or more days of history.")
    if fleet_exists():
        raise DomainError("The database already holds cameras or officers; use --reset to replace them with the demo.")
    officers = officers if officers is not None else cameras - max(1, round(cameras * 0.125))
    builder = _Builder(cameras=cameras, officers=max(1, officers), days=days, now=timezone.now(), seed=seed)
    builder.reference_data()
    builder.roster()
    builder.fleet()
    builder.reserve_spares()
    builder.shift_history()
    builder.plant_current_problems()
    builder.inspections_firmware_refresh()
    builder.idle_spares_topped_up()
    builder.personal_cameras_never_used()
    builder.write()
    builder.training_records()
    builder.exemptions()
    result = builder.result
    officer = builder.demo_officer()
    if officer is not None:
        set_officer_pin(officer=officer, pin=DEMO_PIN, by=SEED_ACTOR)
        result.demo_badge = officer.badge_number
    audit.record(
        by=SEED_ACTOR,
        action=Action.DEMO_SEED,
        obj=builder.cameras[0],
        after={"cameras": result.cameras, "officers": result.officers, "checkouts": result.checkouts, "days": days},
    )
    result.planted = dict(result.planted)
    return result


def _demo_approver():
    """The supervisor who approved the demo's exemptions: the demo's own (bootstrap_demo creates the
    staff users first), else any supervisor or administrator, else a supervisor account made for it
    (with a random password nobody knows)."""
    users = get_user_model().objects.filter(is_active=True)
    approver = (
        users.filter(username="supervisor").first()
        or users.filter(groups__name__in=roles.CAN_APPROVE_DUTY).order_by("pk").first()
    )
    if approver is not None:
        return approver
    # The roles' groups come with a migration; a test database flushed since has none.
    Group.objects.get_or_create(name=roles.SUPERVISOR)
    return create_staff_user(
        username="duty.approver",
        password=get_random_string(32),
        role=roles.SUPERVISOR,
        by=SEED_ACTOR,
        first_name="Dana",
        last_name="Whitfield",
    )


def demo_officer() -> Officer | None:
    """The officer whose PIN the seed set, for the start-up banner."""
    event = (
        AuditEvent.objects.filter(action=Action.OFFICER_SET_PIN, actor_label="seed_demo")
        .select_related("officer")
        .first()
    )
    return event.officer if event else None


def demo_badge() -> str:
    """The badge of the officer whose PIN the seed set."""
    officer = demo_officer()
    return officer.badge_number if officer else ""
