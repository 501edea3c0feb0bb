"""One rule per flag kind: which in-service cameras meet the flag's condition right now.

Each rule's condition is a queryset over the whole fleet (filter/Exists), never a loop over cameras;
the sweep runs all of them as one UNION ALL and compares the result with the open flags. A rule also
writes the flag's detail for the cameras it raises (with at most one query for all of them) and says
why a flag cleared, in words a quartermaster reads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from packaging.version import Version

from assignments.models import Checkout
from hartford_bwc import timefmt
from hartford_bwc.months import add_months
from hartford_bwc.timefmt import when

from ..firmware import parse_firmware_version
from ..models import Camera, Flag, MaintenanceRecord

log = logging.getLogger(__name__)


def parse_version(text: str) -> Version | None:
    """A firmware version compared as numbers (3.10 > 3.9), or None when it cannot be read."""
    return parse_firmware_version(text)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end (Aug 31 - 6 months = Feb 28/29)."""
    return add_months(day, -months)


@dataclass
class SweepContext:
    """The moment a sweep looks at the fleet, and what it worked out once for all rules."""

    now: datetime
    _low_firmware: list[str] | None = field(default=None, repr=False)

    @property
    def today(self) -> date:
        return timezone.localtime(self.now).date()

    def low_firmware_versions(self) -> list[str]:
        """The firmware strings in the fleet below the department's minimum (one small query)."""
        if self._low_firmware is None:
            minimum = parse_version(settings.MINIMUM_FIRMWARE_VERSION)
            versions = Camera.objects.order_by().values_list("firmware_version", flat=True).distinct()
            low = []
            for text in versions:
                parsed = parse_version(text)
                if parsed is None:
                    if text:
                        log.warning("Firmware version %r cannot be compared; not flagged.", text)
                    continue
                if minimum is not None and parsed < minimum:
                    low.append(text)
            self._low_firmware = sorted(low)
        return self._low_firmware


def in_service() -> QuerySet[Camera]:
    # Retired and lost cameras never carry a flag: the sweep resolves theirs.
    return Camera.objects.in_service().order_by()


class Rule:
    kind: str = ""

    def condition(self, ctx: SweepContext) -> QuerySet[Camera]:
        """In-service cameras for which the flag should be open now."""
        raise NotImplementedError

    def details(self, cameras: list[Camera], ctx: SweepContext) -> list[str]:
        """The detail of each flag about to be raised; one query at most for all of `cameras`."""
        return [self.detail(camera, ctx) for camera in cameras]

    def prepare_resolution(self, flags: list[Flag], ctx: SweepContext) -> None:
        """Load what `resolution` needs for all of `flags` (one query at most)."""

    def detail(self, camera: Camera, ctx: SweepContext) -> str:
        return ""

    def resolution(self, flag: Flag, ctx: SweepContext) -> str:
        """Why the condition cleared, for a camera still in service."""
        return "condition cleared"


def _status_change(camera: Camera) -> str | None:
    if camera.status == Camera.Status.CHECKED_OUT:
        return "checked out"
    if camera.status == Camera.Status.IN_MAINTENANCE:
        return "went to maintenance"
    return None


class ChargingOverdue(Rule):
    kind = Flag.Kind.CHARGING_OVERDUE

    def cutoff(self, ctx: SweepContext) -> datetime:
        return ctx.now - timedelta(hours=settings.CHARGING_OVERDUE_HOURS)

    def condition(self, ctx):
        stale = Q(last_full_charge_at__isnull=True) | Q(last_full_charge_at__lt=self.cutoff(ctx))
        return in_service().filter(stale, status=Camera.Status.AVAILABLE, pool=Camera.Pool.SPARE)

    def detail(self, camera, ctx):
        if camera.last_full_charge_at is None:
            return "Spare on the shelf with no full charge recorded."
        hours = int((ctx.now - camera.last_full_charge_at).total_seconds() // 3600)
        return f"Spare on the shelf; last full charge {when(camera.last_full_charge_at, now=ctx.now)} ({hours} h ago)."

    def resolution(self, flag, ctx):
        camera = flag.camera
        if camera.last_full_charge_at is not None and camera.last_full_charge_at >= self.cutoff(ctx):
            return f"charged at {when(camera.last_full_charge_at, now=ctx.now)}"
        if camera.pool == Camera.Pool.PERSONAL:
            return "issued as a personal camera"
        return _status_change(camera) or "condition cleared"


class NotDocked(Rule):
    kind = Flag.Kind.NOT_DOCKED

    def condition(self, ctx):
        cutoff = ctx.now - timedelta(minutes=settings.NOT_DOCKED_AFTER_RETURN_MINUTES)
        not_docked = Q(last_docked_at__isnull=True) | Q(last_docked_at__lt=F("last_returned_at"))
        not_charged = Q(last_full_charge_at__isnull=True) | Q(last_full_charge_at__lt=F("last_returned_at"))
        return in_service().filter(not_docked, not_charged, status=Camera.Status.AVAILABLE, last_returned_at__lt=cutoff)

    def detail(self, camera, ctx):
        minutes = int((ctx.now - camera.last_returned_at).total_seconds() // 60)
        return f"Returned at {when(camera.last_returned_at, now=ctx.now)} ({minutes} min ago) and not docked since."

    def resolution(self, flag, ctx):
        camera = flag.camera
        returned = camera.last_returned_at
        if camera.last_docked_at and returned and camera.last_docked_at >= returned:
            return f"docked at {when(camera.last_docked_at, now=ctx.now)}"
        if camera.last_full_charge_at and returned and camera.last_full_charge_at >= returned:
            return f"charged at {when(camera.last_full_charge_at, now=ctx.now)}"
        if camera.status == Camera.Status.CHECKED_OUT:
            return "checked out again"
        return _status_change(camera) or "condition cleared"


def _inspected() -> Coalesce:
    # A camera never inspected counts from the day it joined the fleet.
    return Coalesce("last_inspected_at", "created_at")


def _inspection_detail(camera: Camera, ctx: SweepContext) -> str:
    if camera.last_inspected_at is None:
        return f"Never inspected; in the fleet since {timefmt.day(camera.created_at)}."
    days = (ctx.now - camera.last_inspected_at).days
    return f"Last inspected {timefmt.day(camera.last_inspected_at)} ({days} days ago)."


class InspectionDue(Rule):
    kind = Flag.Kind.INSPECTION_DUE

    def condition(self, ctx):
        due = ctx.now - timedelta(days=settings.INSPECTION_INTERVAL_DAYS)
        overdue = ctx.now - timedelta(days=settings.INSPECTION_OVERDUE_DAYS)
        return in_service().alias(inspected=_inspected()).filter(inspected__lt=due, inspected__gte=overdue)

    def detail(self, camera, ctx):
        return _inspection_detail(camera, ctx)

    def resolution(self, flag, ctx):
        camera = flag.camera
        inspected = camera.last_inspected_at or camera.created_at
        if inspected < ctx.now - timedelta(days=settings.INSPECTION_OVERDUE_DAYS):
            return "now overdue"
        return f"inspected at {when(inspected, now=ctx.now)}"


class InspectionOverdue(Rule):
    kind = Flag.Kind.INSPECTION_OVERDUE

    def condition(self, ctx):
        overdue = ctx.now - timedelta(days=settings.INSPECTION_OVERDUE_DAYS)
        return in_service().alias(inspected=_inspected()).filter(inspected__lt=overdue)

    def detail(self, camera, ctx):
        return _inspection_detail(camera, ctx)

    def resolution(self, flag, ctx):
        inspected = flag.camera.last_inspected_at or flag.camera.created_at
        return f"inspected at {when(inspected, now=ctx.now)}"


class ReturnOverdue(Rule):
    kind = Flag.Kind.RETURN_OVERDUE

    def overdue_checkouts(self, ctx: SweepContext) -> QuerySet[Checkout]:
        return Checkout.objects.overdue(ctx.now)

    def condition(self, ctx):
        return in_service().filter(Exists(self.overdue_checkouts(ctx).filter(camera=OuterRef("pk"))))

    def details(self, cameras, ctx):
        # The officer comes along for the detail (the supervisor's email reads its own rows later).
        checkouts = {
            checkout.camera_id: checkout
            for checkout in self.overdue_checkouts(ctx)
            .filter(camera__in=[camera.pk for camera in cameras])
            .select_related("officer")
        }
        details = []
        for camera in cameras:
            checkout = checkouts.get(camera.pk)
            if checkout is None:  # returned between the two queries; the next sweep resolves it
                details.append("Not returned by its expected time.")
                continue
            officer = checkout.officer
            details.append(
                f"Due back {when(checkout.due_back_at, now=ctx.now)} from {officer.display_name} "
                f"(badge {officer.badge_number}), out since {when(checkout.checked_out_at, now=ctx.now)}."
            )
        return details

    def resolution(self, flag, ctx):
        camera = flag.camera
        if camera.status != Camera.Status.CHECKED_OUT and camera.last_returned_at is not None:
            return f"returned at {when(camera.last_returned_at, now=ctx.now)}"
        return "returned" if camera.status != Camera.Status.CHECKED_OUT else "condition cleared"


def _open_maintenance() -> QuerySet[MaintenanceRecord]:
    return MaintenanceRecord.objects.open().filter(camera=OuterRef("pk"))


def _open_records(cameras: list[Camera]) -> QuerySet[MaintenanceRecord]:
    # At most one open record per camera (a partial unique index).
    return MaintenanceRecord.objects.open().filter(camera__in=[camera.pk for camera in cameras])


class DamagedNotInMaintenance(Rule):
    kind = Flag.Kind.DAMAGED_NOT_IN_MAINTENANCE

    def awaiting_triage(self, ctx: SweepContext) -> QuerySet[MaintenanceRecord]:
        cutoff = ctx.now - timedelta(hours=settings.DAMAGED_NOT_IN_MAINTENANCE_HOURS)
        return _open_maintenance().filter(
            kind=MaintenanceRecord.Kind.REPAIR,
            performed_by=MaintenanceRecord.PerformedBy.AWAITING_TRIAGE,
            opened_at__lt=cutoff,
        )

    def condition(self, ctx):
        return in_service().filter(Exists(self.awaiting_triage(ctx)))

    def details(self, cameras, ctx):
        records = {}
        for record in _open_records(cameras).order_by("opened_at"):
            records[record.camera_id] = record  # the latest open record wins
        details = []
        for camera in cameras:
            record = records.get(camera.pk)
            if record is None:
                details.append("Damage reported, not triaged.")
                continue
            hours = int((ctx.now - record.opened_at).total_seconds() // 3600)
            problem = f" {record.problem.strip()}" if record.problem.strip() else ""
            details.append(
                f"Damage reported {when(record.opened_at, now=ctx.now)} ({hours} h ago), not triaged.{problem}"
            )
        return details

    def prepare_resolution(self, flags, ctx):
        records = {record.camera_id: record for record in _open_records([flag.camera for flag in flags])}
        for flag in flags:
            record = records.get(flag.camera_id)
            flag.open_work = record.performed_by if record else None
            flag.open_rma = record.rma_number if record else ""

    def resolution(self, flag, ctx):
        if flag.open_work == MaintenanceRecord.PerformedBy.IN_HOUSE:
            return "repair started in-house"
        if flag.open_work == MaintenanceRecord.PerformedBy.VENDOR:
            return f"sent to the vendor under {flag.open_rma}"
        if flag.camera.status == Camera.Status.AVAILABLE:
            return "repair closed; back in service"
        return "condition cleared"


class RepairOverdue(Rule):
    kind = Flag.Kind.REPAIR_OVERDUE

    def at_vendor_too_long(self, ctx: SweepContext) -> QuerySet[MaintenanceRecord]:
        cutoff = ctx.now - timedelta(days=settings.VENDOR_REPAIR_OVERDUE_DAYS)
        return _open_maintenance().filter(performed_by=MaintenanceRecord.PerformedBy.VENDOR, started_at__lt=cutoff)

    def condition(self, ctx):
        return in_service().filter(Exists(self.at_vendor_too_long(ctx)))

    def details(self, cameras, ctx):
        records = {record.camera_id: record for record in _open_records(cameras)}
        details = []
        for camera in cameras:
            record = records.get(camera.pk)
            if record is None or record.started_at is None:
                details.append("At the vendor past the repair deadline.")
                continue
            days = (ctx.now - record.started_at).days
            details.append(
                f"At the vendor under {record.rma_number} since {timefmt.month_day(record.started_at)} ({days} days)."
            )
        return details

    def resolution(self, flag, ctx):
        if flag.camera.status == Camera.Status.AVAILABLE:
            return "back from the vendor"
        return "vendor repair closed"


class FirmwareBelowMinimum(Rule):
    kind = Flag.Kind.FIRMWARE_BELOW_MINIMUM

    def condition(self, ctx):
        low = ctx.low_firmware_versions()
        return in_service().filter(firmware_version__in=low) if low else in_service().none()

    def detail(self, camera, ctx):
        return (
            f"Firmware {camera.firmware_version} is below the department minimum {settings.MINIMUM_FIRMWARE_VERSION}."
        )

    def resolution(self, flag, ctx):
        return f"firmware updated to {flag.camera.firmware_version or 'an unknown version'}"


class RefreshDue(Rule):
    kind = Flag.Kind.REFRESH_DUE

    def cutoff(self, ctx: SweepContext) -> date:
        # Due on the day the refresh cycle completes: purchased on or before this date.
        return months_before(ctx.today, settings.REFRESH_DUE_MONTHS)

    def condition(self, ctx):
        return in_service().filter(purchased_on__lte=self.cutoff(ctx))

    def detail(self, camera, ctx):
        return (
            f"Purchased {timefmt.day(camera.purchased_on)}; the {settings.REFRESH_DUE_MONTHS}-month "
            "refresh cycle is complete."
        )

    def resolution(self, flag, ctx):
        return "purchase date corrected"


def _seen() -> Coalesce:
    # A camera never seen counts from the day it joined the fleet (the migration backfilled the rest).
    return Coalesce("last_seen_at", "created_at")


class NotSeen(Rule):
    """In service, and not scanned in a stocktake, docked or checked in for NOT_SEEN_FLAG_DAYS.

    A camera out with an officer is in hand every shift: it is seen again at its check-in, and a
    camera never returned is the return-overdue flag's business, so checked-out cameras are left out.
    """

    kind = Flag.Kind.NOT_SEEN

    def cutoff(self, ctx: SweepContext) -> datetime:
        # Flagged on the 90th day: seen at or before now - 90 days.
        return ctx.now - timedelta(days=settings.NOT_SEEN_FLAG_DAYS)

    def condition(self, ctx):
        return (
            in_service()
            .exclude(status=Camera.Status.CHECKED_OUT)
            .alias(seen=_seen())
            .filter(seen__lte=self.cutoff(ctx))
        )

    def detail(self, camera, ctx):
        if camera.last_seen_at is None:
            return f"Never seen in a stocktake, dock or check-in; in the fleet since {timefmt.day(camera.created_at)}."
        days = (ctx.now - camera.last_seen_at).days
        return f"Last seen {timefmt.day(camera.last_seen_at)} ({days} days ago)."

    def resolution(self, flag, ctx):
        camera = flag.camera
        if camera.status == Camera.Status.CHECKED_OUT:
            return "checked out"
        seen = camera.last_seen_at or camera.created_at
        return f"seen at {when(seen, now=ctx.now)}"


RULES: tuple[Rule, ...] = (
    ChargingOverdue(),
    NotDocked(),
    InspectionDue(),
    InspectionOverdue(),
    ReturnOverdue(),
    DamagedNotInMaintenance(),
    RepairOverdue(),
    FirmwareBelowMinimum(),
    RefreshDue(),
    NotSeen(),
)
assert {rule.kind for rule in RULES} == set(Flag.Kind.values), "every flag kind needs a rule"
# What the rules' details read of a camera they raise a flag on, and the flag's description (its
# asset tag): the sweep reads only these of thousands of cameras at once. A field read but not listed
# would cost a query per flag, which the sweep's query-count tests catch.
DETAIL_FIELDS = (
    "asset_tag",
    "status",
    "pool",
    "firmware_version",
    "purchased_on",
    "created_at",
    "last_full_charge_at",
    "last_docked_at",
    "last_returned_at",
    "last_inspected_at",
    "last_seen_at",
)
RULES_BY_KIND: dict[str, Rule] = {rule.kind: rule for rule in RULES}
