"""The flag sweep: raise what is wrong now, resolve what has cleared, in one transaction.

Every rule's condition is a set-based query over the whole fleet, all run as one UNION ALL; the
open flags are one more query. What to raise is "condition true and no open flag", what to resolve
"open flag and condition false": two set differences. The raises are one bulk INSERT, the
resolutions one bulk UPDATE, the audit events one bulk INSERT, and a rule that needs more for its
detail (the overdue officer, the RMA) reads it in one query for all its cameras: the number of
queries is fixed whatever the fleet size. Two sweeps at once cannot duplicate or lose a flag: the
partial unique index allows one open flag per camera and kind, and on PostgreSQL a transaction
advisory lock makes a second sweep skip (and say so) instead of racing the first. SQLite runs one
writer at a time (the IMMEDIATE transaction), so there the second sweep waits and finds nothing to do.
The officers' flags (BWC certifications expiring: flags/officers.py) and the signal devices' and
vehicles' flags (flags/devices.py) are swept the same way in the same transaction, and their audit
events go into the same INSERT.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.db import connection, transaction
from django.db.models import CharField, Value
from django.utils import timezone

from assignments.models import OfficerFlag
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from audit.checkpoints import write_checkpoint
from devices.models import DeviceFlag
from hartford_bwc.bulk_insert import insert_all
from hartford_bwc.enqueue import enqueue_after_commit

from ..models import Camera, Flag
from . import devices as device_sweep
from .events import flag_events
from .officers import sweep_officers
from .rules import DETAIL_FIELDS, RULES, SweepContext

log = logging.getLogger(__name__)

SWEEP_ACTOR = Actor.system_process("flag sweep")
# Any fixed 64-bit number, different from the audit chain's key.
SWEEP_LOCK_KEY = 7_461_022_005


@dataclass
class KindCounts:
    raised: int = 0
    resolved: int = 0
    open: int = 0


@dataclass
class SweepReport:
    at: datetime | None = None
    skipped: bool = False
    seconds: float = 0.0
    counts: dict[str, KindCounts] = field(
        default_factory=lambda: {
            kind: KindCounts() for kind in (*Flag.Kind.values, *OfficerFlag.Kind.values, *DeviceFlag.Kind.values)
        }
    )
    raised: list[Flag] = field(default_factory=list)
    resolved: list[Flag] = field(default_factory=list)
    officer_raised: list[OfficerFlag] = field(default_factory=list)
    officer_resolved: list[OfficerFlag] = field(default_factory=list)
    devices: device_sweep.DeviceSweep = field(default_factory=device_sweep.DeviceSweep)

    def lines(self) -> list[str]:
        """One line per flag kind: raised, resolved, open."""
        return [f"{kind}: raised {c.raised}, resolved {c.resolved}, open {c.open}" for kind, c in self.counts.items()]

    def as_dict(self) -> dict:
        return {
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
            "counts": {kind: vars(c) for kind, c in self.counts.items()},
        }


def _try_lock() -> bool:
    """Take the sweep lock for this transaction, or say another sweep holds it."""
    if connection.vendor != "postgresql":
        return True  # SQLite: the IMMEDIATE transaction already made us the only writer.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def run_sweep() -> SweepReport:
    """Sweep the whole fleet once, now. Idempotent: a second run in a row changes nothing."""
    started = time.perf_counter()
    report = SweepReport()
    with transaction.atomic():
        if not _try_lock():
            report.skipped = True
            log.info("Flag sweep skipped: another sweep is running.")
            return report
        now = report.at = timezone.now()
        ctx = SweepContext(now=now)
        should_be_open = _conditions(ctx)
        is_open = {(camera_id, kind): pk for pk, camera_id, kind in _open_flags()}
        to_raise = should_be_open - is_open.keys()
        to_resolve = [pk for key, pk in is_open.items() if key not in should_be_open]
        for _, kind in is_open:
            report.counts[kind].open += 1

        cameras = _fetch(Camera.objects.only(*DETAIL_FIELDS), {camera_id for camera_id, _ in to_raise})
        resolving = _fetch(Flag.objects.select_related("camera"), to_resolve)
        for rule in RULES:
            counts = report.counts[rule.kind]
            raising = [cameras[camera_id] for camera_id, kind in sorted(to_raise) if kind == rule.kind]
            details = rule.details(raising, ctx) if raising else []
            for camera, detail in zip(raising, details, strict=True):
                report.raised.append(Flag(camera=camera, kind=rule.kind, detail=detail[:300], raised_at=now))
            clearing = [flag for flag in resolving.values() if flag.kind == rule.kind]
            if clearing:
                rule.prepare_resolution(clearing, ctx)
            for flag in sorted(clearing, key=lambda flag: flag.pk):
                # max(): a clock behind the one that raised the flag must not break the sweep.
                flag.resolved_at = max(now, flag.raised_at)
                flag.resolution = _why_cleared(rule, flag, ctx)[:300]
                report.resolved.append(flag)
            counts.raised, counts.resolved = len(raising), len(clearing)
            counts.open += counts.raised - counts.resolved

        if report.raised:
            insert_all(report.raised)
        if report.resolved:
            Flag.objects.bulk_update(report.resolved, ["resolved_at", "resolution"], batch_size=1000)
        _sweep_officers(report, ctx)
        _sweep_devices(report, ctx)
        events = _audit_events(report, now) + device_sweep.audit_events(report.devices, now)
        if events:
            audit.record_many(by=SWEEP_ACTOR, events=events)
        if report.raised:
            _email_after_commit([flag.pk for flag in report.raised])
    _anchor_audit_trail()
    report.seconds = time.perf_counter() - started
    log.info(
        "Flag sweep: %d raised, %d resolved in %.3f s.",
        len(report.raised) + len(report.officer_raised) + len(report.devices.raised),
        len(report.resolved) + len(report.officer_resolved) + len(report.devices.resolved),
        report.seconds,
    )
    return report


def _sweep_officers(report: SweepReport, ctx: SweepContext) -> None:
    """The officers' flags (certifications expiring), in the same transaction and under the same lock."""
    raised, resolved, was_open = sweep_officers(now=ctx.now, today=ctx.today)
    report.officer_raised, report.officer_resolved = raised, resolved
    counts = report.counts[OfficerFlag.Kind.CERTIFICATION_EXPIRING]
    counts.raised, counts.resolved = len(raised), len(resolved)
    counts.open = was_open + len(raised) - len(resolved)


def _audit_events(report: SweepReport, now: datetime) -> list[audit.PendingEvent]:
    """The camera flags' events, then the officer flags': one INSERT for the whole sweep."""
    cameras = flag_events(
        report.raised,
        report.resolved,
        now=now,
        raise_action=Action.FLAG_RAISE,
        resolve_action=Action.FLAG_RESOLVE,
        link="camera",
    )
    officers = flag_events(
        report.officer_raised,
        report.officer_resolved,
        now=now,
        raise_action=Action.OFFICER_FLAG_RAISE,
        resolve_action=Action.OFFICER_FLAG_RESOLVE,
        link="officer",
    )
    return cameras + officers


def _sweep_devices(report: SweepReport, ctx: SweepContext) -> None:
    """The signal devices' and vehicles' flags, in the same transaction and under the same lock."""
    swept = report.devices = device_sweep.sweep_devices(now=ctx.now, today=ctx.today)
    for kind in DeviceFlag.Kind.values:
        counts = report.counts[kind]
        counts.raised = sum(1 for flag in swept.raised if flag.kind == kind)
        counts.resolved = sum(1 for flag in swept.resolved if flag.kind == kind)
        counts.open = swept.open_before[kind] + counts.raised - counts.resolved


def _email_after_commit(flag_ids: list[int]) -> None:
    """Queue the emails about these new flags once the sweep commits (inventory.flags.notify: the overdue
    officer and supervisor, the staff who chose "immediately"): ids only, the task reads the rows
    itself and emails each flag once. With the broker down the sweep, which is not request code and
    already runs off the kiosk's path, sends them itself rather than lose them.
    """
    from ..tasks import email_new_flags  # tasks imports this module

    enqueue_after_commit(email_new_flags, flag_ids, on_failure=partial(email_new_flags.apply, args=[flag_ids]))


def _anchor_audit_trail() -> None:
    """A signed checkpoint of the audit chain after every sweep (issue 9): deleting the newest events
    then shows. A checkpoint that cannot be written is logged, never a failed sweep: flags matter more."""
    try:
        write_checkpoint()
    except OSError:
        log.exception("Audit checkpoint not written (AUDIT_CHECKPOINT_DIR).")


def _conditions(ctx: SweepContext) -> set[tuple[int, str]]:
    """(camera id, kind) for every flag that should be open now: all rules in one UNION ALL."""
    parts = [rule.condition(ctx).values_list("pk", Value(rule.kind, output_field=CharField())) for rule in RULES]
    return set(parts[0].union(*parts[1:], all=True))


def _open_flags() -> list[tuple[int, int, str]]:
    return list(Flag.objects.open().order_by().values_list("pk", "camera_id", "kind"))


def _fetch(queryset, ids) -> dict:
    # One query on PostgreSQL however many rows; in_bulk splits the ids where the database limits the
    # variables of a query (SQLite), so the number of queries does not grow with the flags raised.
    return queryset.in_bulk(sorted(ids))


def _why_cleared(rule, flag: Flag, ctx: SweepContext) -> str:
    camera = flag.camera
    if camera.status == camera.Status.RETIRED:
        return "camera retired"
    if camera.status == camera.Status.LOST:
        return f"camera reported lost (incident {camera.lost_incident_number})"
    return rule.resolution(flag, ctx)
