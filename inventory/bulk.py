"""Bulk actions on the cameras ticked in the list: check in, retire, move to a dock, send to inspection.

Two steps. `forecast` tells, for every selected camera, what will change or why it would be refused,
in a fixed number of queries whatever the selection (the page that asks for confirmation). `run`
then does it all or nothing: one transaction, the selected cameras locked in id order (the order
every bulk run takes, so two cannot deadlock), each camera through the same service as the camera
page (which checks the state and writes the audit event), every refusal collected; if any camera
is refused, the whole transaction is rolled back and `BulkRefused` names each refusal.

The forecast's refusals are a preview: the services decide when the action is confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from assignments import services as assignment_services
from assignments.models import Checkout
from audit.actor import Actor
from hartford_bwc.errors import DomainError

from . import services
from .lifecycle import CAMERA
from .models import Camera, Dock, MaintenanceRecord

# The list shows at most 100 rows a page; twice that is a deliberate selection, more is a mistake or
# a crafted post, and each camera is one service call inside one transaction.
MAX_SELECTION = 200
INSPECTION_PROBLEM = "Inspection requested from the camera list."

# Which statuses each action fits is the camera's lifecycle (inventory/lifecycle.py), as in the services.


class BulkRefused(DomainError):
    """At least one camera was refused, so nothing changed; `refusals` is [(asset tag, message)]."""

    def __init__(self, refusals: list[tuple[str, str]], total: int):
        self.refusals = refusals
        super().__init__(
            f"Nothing was changed: {len(refusals)} of the {total} cameras "
            f"{'was' if len(refusals) == 1 else 'were'} refused. Untick them or fix them, then try again.",
            code="bulk_refused",
        )


@dataclass
class Change:
    """One selected camera: how it is now, and what the action does to it (or why it is refused)."""

    camera: Camera
    now: str
    change: str = ""
    refusal: str = ""
    unchanged: bool = False
    bay: int | None = None


@dataclass
class Forecast:
    changes: list[Change]
    unknown: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[Change]:
        return [c for c in self.changes if c.refusal]

    @property
    def to_change(self) -> list[Change]:
        return [c for c in self.changes if not c.refusal and not c.unchanged]

    @property
    def can_confirm(self) -> bool:
        return not self.refused and not self.unknown and bool(self.to_change)

    @property
    def acceptable_tags(self) -> list[str]:
        """The selection without the refused cameras: what "continue without them" posts."""
        return [c.camera.asset_tag for c in self.changes if not c.refusal]


@dataclass
class _State:
    """What the forecast reads once for the whole selection."""

    holders: dict[int, Checkout]
    maintenance: dict[int, MaintenanceRecord]
    dock: Dock | None = None
    free_bays: list[int] = field(default_factory=list)


def _now(camera: Camera, state: _State) -> str:
    status = camera.get_status_display()
    holder = state.holders.get(camera.pk)
    if holder is not None:
        return f"{status} to {holder.officer.display_name} (badge {holder.officer.badge_number})"
    record = state.maintenance.get(camera.pk)
    if record is not None:
        return f"{status}: {record.get_kind_display().lower()}"
    return f"{status}, {camera.location_label}" if camera.location_label else status


def _not_while(camera: Camera, state: _State, what: str) -> str:
    """The forecast's refusal for a camera whose state the action does not fit."""
    holder = state.holders.get(camera.pk)
    if holder is not None:
        return f"Checked out to {holder.officer.display_name}; check it in before it can be {what}."
    return f"It is {camera.get_status_display().lower()}; it cannot be {what}."


def _forecast_check_in(camera: Camera, state: _State, data: dict) -> Change:
    change = Change(camera, _now(camera, state))
    holder = state.holders.get(camera.pk)
    if not CAMERA.allows("check_in", camera.status) or holder is None:
        change.refusal = "It is not checked out, so there is nothing to check in."
    else:
        change.change = f"Checked in from {holder.officer.display_name} as working; available"
    return change


def _forecast_retire(camera: Camera, state: _State, data: dict) -> Change:
    change = Change(camera, _now(camera, state))
    if camera.status == CAMERA["retire"].target:
        change.refusal = "It is already retired."
    elif not CAMERA.allows("retire", camera.status):
        change.refusal = _not_while(camera, state, "retired")
    else:
        parts = ["Retired; spare pool, no personal issue"]
        if camera.location_label:
            parts.append(f"leaves {camera.location_label}")
        if camera.pk in state.maintenance:
            parts.append("its open maintenance is closed as retired")
        change.change = "; ".join(parts)
    return change


def _forecast_inspection(camera: Camera, state: _State, data: dict) -> Change:
    change = Change(camera, _now(camera, state))
    record = state.maintenance.get(camera.pk)
    if record is not None:
        change.refusal = f"It already has an open {record.get_kind_display().lower()}; close it first."
    elif not CAMERA.allows("open_maintenance", camera.status):
        change.refusal = _not_while(camera, state, "sent to inspection")
    else:
        leaves = f", leaves {camera.location_label}" if camera.location_label else ""
        change.change = f"In maintenance: in-house inspection{leaves}"
    return change


def _forecast_dock(camera: Camera, state: _State, data: dict) -> Change:
    change = Change(camera, _now(camera, state))
    dock = state.dock
    if not CAMERA.allows("record_charge", camera.status):
        change.refusal = _not_while(camera, state, "docked")
    elif dock is None:
        change.change = "Docked (choose the dock)"
    elif camera.dock_id == dock.pk and camera.dock_bay:
        change.unchanged = True
        change.change = f"Already in {dock.name}, bay {camera.dock_bay}: unchanged"
    elif not state.free_bays:
        change.refusal = f"No free bay left in {dock.name} ({dock.bays} bays). Choose another dock or fewer cameras."
    else:
        change.bay = state.free_bays.pop(0)
        change.change = f"Docked in {dock.name}, bay {change.bay}"
    return change


def _check_in(change: Change, data: dict, by: Actor) -> None:
    assignment_services.check_in(camera=change.camera, by=by)


def _retire(change: Change, data: dict, by: Actor) -> None:
    services.retire(camera=change.camera, reason=data["reason"], by=by)


def _inspect(change: Change, data: dict, by: Actor) -> None:
    services.open_maintenance(
        camera=change.camera,
        kind=MaintenanceRecord.Kind.INSPECTION,
        performed_by=MaintenanceRecord.PerformedBy.IN_HOUSE,
        problem=data.get("problem") or INSPECTION_PROBLEM,
        by=by,
    )


def _dock(change: Change, data: dict, by: Actor) -> None:
    services.record_charge(camera=change.camera, kind="docked", dock=data["dock"], bay=change.bay, by=by)


@dataclass(frozen=True)
class BulkAction:
    title: str  # "Check in": the button, the heading
    done: str  # "Checked in": the success message
    forecast: Callable[[Camera, _State, dict], Change]
    perform: Callable[[Change, dict, Actor], None]
    # Refusals the services cannot see (a dock with too few free bays): kept at run time.
    own_refusals: bool = False


# Slug (its URL) -> action, in the order of the list's buttons.
ACTIONS: dict[str, BulkAction] = {
    "check-in": BulkAction("Check in", "Checked in", _forecast_check_in, _check_in),
    "move-to-dock": BulkAction("Move to a dock", "Docked", _forecast_dock, _dock, own_refusals=True),
    "send-to-inspection": BulkAction("Send to inspection", "Sent to inspection", _forecast_inspection, _inspect),
    "retire": BulkAction("Retire", "Retired", _forecast_retire, _retire),
}


def _state(cameras: list[Camera], data: dict, *, lock_dock: bool = False) -> _State:
    ids = [c.pk for c in cameras]
    holders = {
        c.camera_id: c
        for c in Checkout.objects.open().filter(camera_id__in=ids).select_related("officer", "officer__unit")
    }
    maintenance = {m.camera_id: m for m in MaintenanceRecord.objects.open().filter(camera_id__in=ids)}
    state = _State(holders=holders, maintenance=maintenance)
    dock = data.get("dock")
    if dock is not None:
        if lock_dock:
            # Two bulk moves into the same dock take turns, so they never pick the same bays.
            dock = Dock.objects.select_for_update().get(pk=dock.pk)
        taken = set(Camera.objects.filter(dock=dock, dock_bay__isnull=False).values_list("dock_bay", flat=True))
        state.dock, state.free_bays = dock, [bay for bay in range(1, dock.bays + 1) if bay not in taken]
    return state


def _cameras(tags: list[str], *, lock: bool = False) -> tuple[list[Camera], list[str]]:
    """The cameras for `tags` in the order given, and the tags no camera has."""
    queryset = Camera.objects.select_related("model", "dock").filter(asset_tag__in=tags)
    if lock:
        queryset = queryset.select_for_update(of=("self",)).order_by("pk")
    found = {camera.asset_tag: camera for camera in queryset}
    return [found[t] for t in tags if t in found], [t for t in tags if t not in found]


def forecast(action: BulkAction, tags: list[str], data: dict) -> Forecast:
    """What `action` would do to each camera of `tags`: four queries at most, whatever their number."""
    cameras, unknown = _cameras(tags)
    state = _state(cameras, data)
    return Forecast(changes=[action.forecast(camera, state, data) for camera in cameras], unknown=unknown)


@transaction.atomic
def run(*, action: BulkAction, tags: list[str], data: dict, by: Actor) -> list[Change]:
    """Do `action` to every camera of `tags`, all or nothing; the changes made, or BulkRefused."""
    if len(tags) > MAX_SELECTION:
        raise BulkRefused([("", f"Act on at most {MAX_SELECTION} cameras at a time.")], len(tags))
    cameras, unknown = _cameras(tags, lock=True)
    state = _state(cameras, data, lock_dock=True)
    refusals = [(tag, f"No camera has asset tag {tag}.") for tag in unknown]
    done = []
    for camera in cameras:
        change = action.forecast(camera, state, data)
        if change.unchanged:
            continue
        if (
            change.refusal
            and action.own_refusals
            and change.bay is None
            and CAMERA.allows("record_charge", camera.status)
        ):
            refusals.append((camera.asset_tag, change.refusal))
            continue
        try:
            # The service's own savepoint rolls its part back; the rest is rolled back below.
            action.perform(change, data, by)
        except DomainError as refusal:
            refusals.append((camera.asset_tag, refusal.message))
            continue
        done.append(change)
    if refusals:
        raise BulkRefused(refusals, len(tags))
    return done
