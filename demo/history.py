"""The demo's weeks of history: check-outs and returns shift by shift, dockings and charges, damage and
repairs, kept as plain tuples (the camera as its index) until demo.builder writes them."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from assignments.models import Officer
from assignments.shifts import shift_window
from inventory.models import Camera, Flag, MaintenanceRecord

from .base import BuilderState

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


class History(BuilderState):
    """Builder steps for the history (demo.builder.Builder composes them)."""

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
