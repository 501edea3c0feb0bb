"""The flag sweep: raise what is wrong now, resolve what has cleared, in one transaction.

Each rule is two set-based queries over the whole fleet; the raises are one bulk INSERT, the
resolutions one bulk UPDATE and the audit events one bulk INSERT, so the cost is a fixed number
of queries whatever the fleet size. Two sweeps at once cannot duplicate or lose a flag: the
partial unique index allows one open flag per camera and kind, and on PostgreSQL a transaction
advisory lock makes a second sweep skip (and say so) instead of racing the first. SQLite runs one
writer at a time (the IMMEDIATE transaction), so there the second sweep waits and finds nothing to do.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from audit import services as audit
from audit.actor import Actor

from ..models import Flag
from .rules import RULES, SweepContext

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
    counts: dict[str, KindCounts] = field(default_factory=lambda: {kind: KindCounts() for kind in Flag.Kind.values})
    raised: list[Flag] = field(default_factory=list)
    resolved: list[Flag] = field(default_factory=list)

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
        open_before = dict(
            Flag.objects.filter(resolved_at__isnull=True).order_by().values_list("kind").annotate(n=Count("pk"))
        )
        for rule in RULES:
            counts = report.counts[rule.kind]
            for camera, detail in rule.raising(ctx):
                report.raised.append(Flag(camera=camera, kind=rule.kind, detail=detail[:300], raised_at=now))
                counts.raised += 1
            for flag in rule.resolving(ctx):
                # max(): a clock behind the one that raised the flag must not break the sweep.
                flag.resolved_at = max(now, flag.raised_at)
                flag.resolution = _why_cleared(rule, flag, ctx)[:300]
                report.resolved.append(flag)
                counts.resolved += 1
            counts.open = open_before.get(rule.kind, 0) + counts.raised - counts.resolved

        if report.raised:
            Flag.objects.bulk_create(report.raised, batch_size=2000)
        if report.resolved:
            Flag.objects.bulk_update(report.resolved, ["resolved_at", "resolution"], batch_size=1000)
        if report.raised or report.resolved:
            audit.record_many(by=SWEEP_ACTOR, events=_audit_events(report, now))
        if report.raised:
            from .notify import notify_supervisors_of_overdue_returns

            overdue = [f for f in report.raised if f.kind == Flag.Kind.RETURN_OVERDUE]
            if overdue:
                transaction.on_commit(lambda: notify_supervisors_of_overdue_returns(overdue))
    report.seconds = time.perf_counter() - started
    log.info("Flag sweep: %d raised, %d resolved in %.3f s.", len(report.raised), len(report.resolved), report.seconds)
    return report


def _why_cleared(rule, flag: Flag, ctx: SweepContext) -> str:
    camera = flag.camera
    if camera.status == camera.Status.RETIRED:
        return "camera retired"
    if camera.status == camera.Status.LOST:
        return f"camera reported lost (incident {camera.lost_incident_number})"
    return rule.resolution(flag, ctx)


def _audit_events(report: SweepReport, now: datetime) -> list[audit.PendingEvent]:
    events = [
        audit.PendingEvent(
            action="flag.raise",
            obj=flag,
            camera=flag.camera,
            after={"kind": flag.kind, "detail": flag.detail},
            at=now,
        )
        for flag in report.raised
    ]
    events += [
        audit.PendingEvent(
            action="flag.resolve",
            obj=flag,
            camera=flag.camera,
            before={"kind": flag.kind, "open": True},
            after={"kind": flag.kind, "open": False, "resolution": flag.resolution},
            reason=flag.resolution,
            at=now,
        )
        for flag in report.resolved
    ]
    return events
