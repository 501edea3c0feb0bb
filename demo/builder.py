"""The demo fleet's builder: the steps of demo.fleet, demo.people, demo.history and demo.problems on one
state, and the one write of everything built in memory (COPY on PostgreSQL, bulk_create on SQLite)."""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from assignments import tallies
from assignments.models import (
    Checkout,
    CheckoutDay,
    CheckoutShiftDay,
    CheckoutShiftDayTotal,
    CheckoutTotal,
    PersonalIssue,
)
from inventory import counts
from inventory.models import Camera, ChargeEvent, MaintenanceRecord

from .base import SeedResult
from .bulk import foreign_keys_checked_at_end, insert_rows
from .fleet import Fleet
from .history import CHARGE_ROW, CHECKOUT_ROW, MAINTENANCE_ROW, History, repair_cost
from .people import People
from .problems import Problems
from .signal import Signal

# The tables tallies.rebuild writes that have foreign keys.
TALLIES = (CheckoutDay, CheckoutTotal, CheckoutShiftDay, CheckoutShiftDayTotal)


class Builder(Fleet, People, Problems, History, Signal):
    def __init__(self, *, cameras: int, officers: int, days: int, now: datetime, seed: int) -> None:
        self.n_cameras, self.n_officers, self.days, self.now = cameras, officers, days, now
        self.seed = seed
        self.rng = random.Random(seed)
        self.plants = max(1, round(cameras / 160))
        self.result = SeedResult()
        # The big histories are plain tuples (camera index first; see CHECKOUT_ROW and CHARGE_ROW):
        # a million model instances would cost more than writing them.
        self.checkouts: list[tuple] = []
        self.charges: list[tuple] = []
        self.maintenance: list[MaintenanceRecord] = []

    def _checkout_rows(self, camera_ids: list[int]) -> Iterator[tuple]:
        """The check-out rows with their camera's id and first dock time after the return: the first
        "docked" record of the camera at or after it (what record_charge keeps, and
        assignments.first_dock.fill_first_docked_at works out for history written otherwise). Worked
        out here from the records in memory: an UPDATE of every check-out after the COPY wrote each row
        twice."""
        docked: dict[int, list[datetime]] = defaultdict(list)
        for index, kind, _, _, at in self.charges:
            if kind == "docked":
                docked[index].append(at)
        for camera_docks in docked.values():
            camera_docks.sort()
        for row in self.checkouts:
            index, returned = row[0], row[4]
            first_dock = None
            if returned is not None and (times := docked.get(index)):
                at = bisect_left(times, returned)
                first_dock = times[at] if at < len(times) else None
            yield (camera_ids[index], *row[1:], first_dock)

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
        # The history and its counts, 1.6 million rows at 30,000 cameras: their foreign keys checked in
        # one join a table rather than one deferred check a row and key at COMMIT, and the
        # check-outs counted once rather than by a trigger call and a KeptCount row each.
        with foreign_keys_checked_at_end(Checkout, ChargeEvent, *TALLIES), counts.checkouts_counted_at_end():
            insert_rows(Checkout, (*CHECKOUT_ROW, "first_docked_at"), self._checkout_rows(camera_ids))
            insert_rows(ChargeEvent, CHARGE_ROW, ((camera_ids[row[0]], *row[1:]) for row in self.charges))
            tallies.rebuild()  # what the check-out services count for the reports, for the history written in bulk
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
