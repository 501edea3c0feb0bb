"""The derived camera states (`STATES`), defined once as conditions on a camera row, so that the
dashboard's counts and the camera list's `?state=` filter always agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet
from django.utils import timezone

from assignments.models import Checkout

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


@dataclass(frozen=True)
class State:
    label: str
    condition: Callable[[datetime], Q]


STATES: dict[str, State] = {
    "ready": State("Ready for the next shift", _ready),
    "checked_out": State("Checked out now", _checked_out),
    "overdue": State("Return overdue", _flag_condition(Flag.Kind.RETURN_OVERDUE)),
    "not_docked": State("Not docked after return", _flag_condition(Flag.Kind.NOT_DOCKED)),
    "charging_overdue": State("Spares charging overdue", _flag_condition(Flag.Kind.CHARGING_OVERDUE)),
    "inspection_due": State("Inspection due", _flag_condition(Flag.Kind.INSPECTION_DUE)),
    "inspection_overdue": State("Inspection overdue", _flag_condition(Flag.Kind.INSPECTION_OVERDUE)),
    "maintenance_in_house": State("In maintenance in-house", _maintenance(MaintenanceRecord.PerformedBy.IN_HOUSE)),
    "maintenance_vendor": State("At the vendor (RMA)", _maintenance(MaintenanceRecord.PerformedBy.VENDOR)),
    "maintenance_triage": State(
        "In maintenance, awaiting triage", _maintenance(MaintenanceRecord.PerformedBy.AWAITING_TRIAGE)
    ),
}


def state_condition(name: str, *, now: datetime | None = None) -> Q:
    return STATES[name].condition(now or timezone.now())
