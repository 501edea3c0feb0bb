"""The problems planted in the demo's final state, for the flag sweep to catch now: overdue returns,
cameras not docked, spares charging overdue, repairs, inspections due and overdue, old firmware,
refresh due (`SeedResult.planted` names them)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from inventory.models import Camera, Flag, MaintenanceRecord

from .fleet import OLD_BATCH, WARRANTY
from .history import History


class Problems(History):
    """Builder steps for the planted problems (demo.builder.Builder composes them); they take spares
    set aside by demo.history's reserve_spares and write history of their own."""

    def plant_current_problems(self) -> None:
        """Cameras that are wrong right now, so the sweep and the dashboard have work."""
        detectives = [o for o in self.officers if o.shift is None]
        self._plant_stale_spares()
        self._plant_overdue_returns(detectives)
        self._plant_not_docked(detectives)
        self._plant_untriaged_damage(detectives)
        self._plant_vendor_repairs()
        self._plant_bench_repairs()
        self._plant_not_seen()
        self._plant_lost_and_retired()

    def _plant_stale_spares(self) -> None:
        """Spares on the shelf whose last full charge is days old."""
        for _ in range(self.plants):
            if (index := self._reserve_spare()) is None:
                break
            state = self.state[index]
            state.last_full_charge_at = state.last_docked_at = self.now - timedelta(hours=self.rng.randint(80, 120))
            self.result.planted[Flag.Kind.CHARGING_OVERDUE].append(self.cameras[index].asset_tag)

    def _plant_overdue_returns(self, detectives: list) -> None:
        """Out since last night, under the 12 h rule with no shift: overdue."""
        for officer in detectives[: self.plants]:
            if (index := self._reserve_spare()) is None:
                break
            out = self.now - timedelta(hours=15, minutes=self.rng.randint(0, 50))
            self._checkout(
                index, officer, out, out + timedelta(hours=settings.EXPECTED_RETURN_WITHOUT_SHIFT_HOURS), None
            )
            self.result.planted[Flag.Kind.RETURN_OVERDUE].append(self.cameras[index].asset_tag)

    def _plant_not_docked(self, detectives: list) -> None:
        planted = self.result.planted
        if planted[Flag.Kind.NOT_DOCKED] or not detectives or (index := self._reserve_spare()) is None:
            return
        # The shift history leaves a camera undocked only when a shift ended 1.5-5 h ago, which is
        # not so at every hour of the day: then a detective's camera came back 2.5 h ago, not docked.
        returned = self.now - timedelta(hours=2, minutes=30)
        # Charged on its dock before it went out, so nothing later takes it for a charged camera.
        self.state[index].last_full_charge_at = self.state[index].last_docked_at = returned - timedelta(hours=10)
        self._checkout(
            index, detectives[-1], returned - timedelta(hours=8), self.now + timedelta(hours=2), returned, dock=False
        )
        planted[Flag.Kind.NOT_DOCKED].append(self.cameras[index].asset_tag)

    def _plant_untriaged_damage(self, detectives: list) -> None:
        """Damage reported, nobody triaged it."""
        if (index := self._reserve_spare()) is None:
            return
        reported = self.now - timedelta(hours=30)
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
        self.result.planted[Flag.Kind.DAMAGED_NOT_IN_MAINTENANCE].append(self.cameras[index].asset_tag)

    def _plant_vendor_repairs(self) -> None:
        """At the vendor; those past 30 days are overdue."""
        vendor_ages = [self.rng.randint(35, 45) for _ in range(self.plants)] + [10]
        for n, age in enumerate(vendor_ages):
            if (index := self._reserve_spare()) is None:
                break
            opened = self.now - timedelta(days=age)
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
                self.result.planted[Flag.Kind.REPAIR_OVERDUE].append(self.cameras[index].asset_tag)

    def _plant_bench_repairs(self) -> None:
        """On the quartermaster's bench."""
        for _ in range(self.plants):
            if (index := self._reserve_spare()) is None:
                break
            opened = self.now - timedelta(days=self.rng.randint(2, 6))
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

    def _plant_lost_and_retired(self) -> None:
        if (index := self._reserve_spare()) is not None:
            self.state[index].status = Camera.Status.LOST
            self.cameras[index].lost_incident_number = f"HPD-{self.now:%y}-0{self.rng.randint(10000, 99999)}"
        for _ in range(2):
            if (index := self._reserve_spare()) is None:
                continue
            self.state[index].status = Camera.Status.RETIRED
            opened = self.now - timedelta(days=self.rng.randint(10, 20))
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
