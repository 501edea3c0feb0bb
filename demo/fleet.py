"""The demo's equipment: camera models, units and shifts, docks, the cameras themselves, and the charge
state of the idle ones at the end of the history."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.conf import settings

from assignments.models import Shift, Unit
from inventory.models import Camera, CameraModel, Dock

from .base import BuilderState, CameraState
from .names import UNITS

BAYS_PER_DOCK = 8
OLD_BATCH, NEW_BATCH = "2019 rollout", "2026 expansion"
OLD_SHARE = 325 / 475

# What each batch cost and from whom, and how long its warranty runs (the 2019 rollout's two years have
# run out for most of it; the expansion's three have not): the maintenance report's warranty split.
OLD_PURCHASE = {"supplier": "Axon Enterprise", "purchase_price": Decimal("599.00")}
NEW_PURCHASE = {"supplier": "Axon Enterprise (state contract)", "purchase_price": Decimal("749.00")}
WARRANTY = {True: timedelta(days=2 * 365), False: timedelta(days=3 * 365)}


class Fleet(BuilderState):
    """Builder steps for the equipment (demo.builder.Builder composes them)."""

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
        self.state = [CameraState() for _ in self.cameras]
        self.spares = list(range(self.n_personal, self.n_cameras))
        rng.shuffle(self.spares)
        self.result.cameras = len(self.cameras)

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
