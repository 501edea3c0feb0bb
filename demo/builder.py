"""The demo fleet's builder: the steps of demo.fleet, demo.people, demo.history and demo.problems on one
state, and the one write of everything built in memory (COPY on PostgreSQL, bulk_create on SQLite)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from assignments import tallies
from assignments.first_dock import fill_first_docked_at
from assignments.models import Checkout, PersonalIssue
from inventory.models import Camera, ChargeEvent, MaintenanceRecord

from .base import SeedResult
from .bulk import insert_rows
from .fleet import Fleet
from .history import CHARGE_ROW, CHECKOUT_ROW, MAINTENANCE_ROW, History, repair_cost
from .people import People
from .problems import Problems
from .signal import Signal


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
        tallies.rebuild()  # what the check-out services count for the reports, likewise
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
