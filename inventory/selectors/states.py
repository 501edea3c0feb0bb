"""The derived camera states (`STATES`), defined once as conditions on a camera row, so that the
dashboard's counts and the camera list's `?state=` filter always agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet
from django.utils import timezone

from assignments.models import Checkout

from .. import counts
from ..flags.rules import RULES_BY_KIND, SweepContext
from ..lifecycle import CAMERA, HELD
from ..models import Flag, MaintenanceRecord, ready_condition

IN_SERVICE = ~Q(status__in=CAMERA.out_of_service)


def open_checkouts() -> QuerySet[Checkout]:
    """A camera's open check-outs, correlated to the outer camera row (for Exists/Subquery)."""
    return Checkout.objects.open().filter(camera=OuterRef("pk"))


# --- derived states ------------------------------------------------------------------------------
# Each is a condition on a Camera row at `now`; the rules and thresholds are docs/domain.md's, from settings.


def _ready(now: datetime) -> Q:
    return ready_condition()


def _checked_out(now: datetime) -> Q:
    return Q(status=HELD)


def _flag_condition(kind: str) -> Callable[[datetime], Q]:
    """The sweep's own rule for `kind`, so the dashboard, the list filter and the flags always agree."""
    rule = RULES_BY_KIND[kind]

    def condition(now: datetime) -> Q:
        return Q(pk__in=rule.condition(SweepContext(now=now)).values("pk"))

    return condition


def _maintenance(performed_by: str) -> Callable[[datetime], Q]:
    def condition(now: datetime) -> Q:
        # IN (the few open records), not a correlated EXISTS: PostgreSQL hashes the subquery once
        # instead of probing the maintenance index for every camera (3 x 30,000 probes on the dashboard).
        return Q(pk__in=MaintenanceRecord.objects.open().filter(performed_by=performed_by).values("camera_id"))

    return condition


# --- what the dashboard counts for each state, without reading the fleet ----------------------------
# Either keys of inventory.counts (kept by triggers: the big states, thousands of cameras at 30,000) or
# rows read from the state's own index, one per camera in the state (the few cameras with a problem).
# inventory/tests/test_dashboard_counts.py holds each tally to the state's condition.


def _keys(keys: Callable[[], list[str]]) -> Callable[[datetime], list[str]]:
    return lambda now: keys()


def _flag_rows(kind: str) -> Callable[[datetime], QuerySet]:
    rule = RULES_BY_KIND[kind]
    return lambda now: rule.condition(SweepContext(now=now))


def _overdue_rows(now: datetime) -> QuerySet[Checkout]:
    # One open check-out per camera (a unique index), and a camera with one is checked out (a trigger),
    # so in service: as many rows as cameras overdue, read from the open check-outs' due-back index.
    return Checkout.objects.overdue(now)


def _maintenance_rows(performed_by: str) -> Callable[[datetime], QuerySet]:
    # One open record per camera (a partial unique index).
    return lambda now: MaintenanceRecord.objects.open().filter(performed_by=performed_by)


Tally = Callable[[datetime], "list[str] | QuerySet"]


@dataclass(frozen=True)
class State:
    label: str
    condition: Callable[[datetime], Q]
    tally: Tally


def _flag_state(label: str, kind: str) -> State:
    return State(label, _flag_condition(kind), _flag_rows(kind))


def _maintenance_state(label: str, performed_by: str) -> State:
    return State(label, _maintenance(performed_by), _maintenance_rows(performed_by))


STATES: dict[str, State] = {
    "ready": State("Ready for the next shift", _ready, _keys(counts.ready_keys)),
    "checked_out": State("Checked out now", _checked_out, _keys(lambda: counts.status_keys([HELD]))),
    "overdue": State("Return overdue", _flag_condition(Flag.Kind.RETURN_OVERDUE), _overdue_rows),
    "not_docked": _flag_state("Not docked after return", Flag.Kind.NOT_DOCKED),
    "charging_overdue": _flag_state("Spares charging overdue", Flag.Kind.CHARGING_OVERDUE),
    "inspection_due": _flag_state("Inspection due", Flag.Kind.INSPECTION_DUE),
    "inspection_overdue": _flag_state("Inspection overdue", Flag.Kind.INSPECTION_OVERDUE),
    "maintenance_in_house": _maintenance_state("In maintenance in-house", MaintenanceRecord.PerformedBy.IN_HOUSE),
    "maintenance_vendor": _maintenance_state("At the vendor (RMA)", MaintenanceRecord.PerformedBy.VENDOR),
    "maintenance_triage": _maintenance_state(
        "In maintenance, awaiting triage", MaintenanceRecord.PerformedBy.AWAITING_TRIAGE
    ),
}


def state_condition(name: str, *, now: datetime | None = None) -> Q:
    return STATES[name].condition(now or timezone.now())
