"""The demo's entry points, what the commands (seed_demo, bootstrap_demo) and the tests call: build the
Hartford demo fleet (`seed_fleet`), empty it (`reset_fleet`), and name the officer the kiosk demo signs in as.

Everything is built in memory (the big histories as plain tuples) and written once: COPY on
PostgreSQL, bulk_create on SQLite (demo/bulk.py), with the history's foreign keys checked once a table
and its check-outs counted once (demo.builder.Builder.write says why). 30,000 cameras with 30 days of
history (about 1.6 million rows) seed in about 75 s on PostgreSQL on two loaded cores; `python
bench/seed.py` measures it. The parts:
demo.fleet (cameras, docks), demo.people (officers, units, shifts, training, exemptions), demo.history
(check-outs, charges, repairs), demo.problems (what the flag sweep must catch right now; `SeedResult.planted`
names them), demo.signal (signal devices and cruisers, from its own random generator), put together by
demo.builder.
"""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from assignments.models import Certification, Checkout, DutyAssignment, Officer, OfficerFlag, PersonalIssue, Shift, Unit
from assignments.services import set_officer_pin
from audit import services as audit
from audit.actions import Action
from audit.checkpoints import write_checkpoint
from audit.db import truncate_allowed
from audit.models import AuditEvent
from devices.models import Device, DeviceFlag, DeviceModel, Pairing, Vehicle
from hartford_bwc.errors import DomainError
from inventory import counts
from inventory.models import Camera, CameraModel, ChargeEvent, Dock, Flag, KeptCount, MaintenanceRecord
from kiosk.models import Kiosk

from .base import DEMO_PIN, SEED_ACTOR, SeedResult
from .builder import Builder

# Tables the demo owns, children first, for --reset.
DEMO_MODELS = (
    AuditEvent,
    KeptCount,
    Flag,
    DeviceFlag,
    Pairing,
    Device,
    Vehicle,
    DeviceModel,
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


@transaction.atomic
def seed_fleet(*, cameras: int = 475, officers: int | None = None, days: int = 28, seed: int = 2019) -> SeedResult:
    """Build the demo fleet. Refuses when a fleet exists (reset it first)."""
    if cameras < 1 or days < 0:
        raise DomainError("Give at least one camera and zero or more days of history.")
    if fleet_exists():
        raise DomainError("The database already holds cameras or officers; use --reset to replace them with the demo.")
    officers = officers if officers is not None else cameras - max(1, round(cameras * 0.125))
    builder = Builder(cameras=cameras, officers=max(1, officers), days=days, now=timezone.now(), seed=seed)
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
    builder.signal_devices()  # last, from its own random generator: the camera fleet above is unchanged
    # The triggers wrote a row per camera written (and per change of its key): fold them into one a key,
    # as the sweep's task does, so the dashboard sums a handful of rows from the start.
    counts.recount()
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
    result.signal_planted = dict(result.signal_planted)
    return result


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
