"""One camera's history: five sources (check-outs, charging, maintenance, flags, other audited changes)
merged newest first, a page at a time, optionally one kind only; bookmarkable as ?kind=&page=.

Each source is read once per page, ordered by the latest moment a row shows (a check-out row shows
its check-out and its return) and cut at `page * per_page + 1` rows: the merged page and whether
an older one exists are exact with those rows, whatever the length of the history. The audit events
that restate a row of another source (the check-out, the dock) are not entries themselves: one more
query reads the actor of the rows on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assignments.models import Checkout, Officer
from audit.actions import Action
from audit.models import AuditEvent
from hartford_bwc.timefmt import when

from .lifecycle import CAMERA
from .models import Camera, ChargeEvent, Dock, Flag, MaintenanceRecord

PER_PAGE = 50
# Deeper than this the chain-of-custody report reads better than a list of pages.
MAX_PAGE = 200

KINDS: dict[str, str] = {
    "checkout": "Check-outs and returns",
    "charge": "Charging and docks",
    "maintenance": "Maintenance",
    "flag": "Flags",
    "audit": "Other changes",
}

CHECKOUT, MAINTENANCE, CHARGE = "assignments.Checkout", "inventory.MaintenanceRecord", "inventory.ChargeEvent"
# Audit actions that restate a row another source shows; their actor is shown on that row.
SHOWN_ELSEWHERE = (
    Q(object_type=CHECKOUT, action__in=[Action.CHECKOUT_CHECK_OUT, Action.CHECKOUT_CHECK_IN])
    | Q(object_type=CHARGE)
    | Q(object_type=MAINTENANCE, action__in=[Action.MAINTENANCE_OPEN, Action.MAINTENANCE_CLOSE])
)
ActorKey = tuple[str, str, str]  # (object type, object id, action); action "" for any


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # checkout, charge, maintenance, flag, audit: a CSS class and the filter
    title: str
    detail: str = ""
    actor: str = ""
    link: str = ""
    # Where the actor is read from (the audit events of the row), in order; and a stable tie-break.
    actor_keys: tuple[ActorKey, ...] = field(default=(), repr=False)
    order: tuple = field(default=(), repr=False)


@dataclass
class Timeline:
    entries: list[TimelineEntry]
    kind: str
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def parse_page(value: str | None) -> int:
    """?page= as a page number from 1 to MAX_PAGE; anything else is page 1."""
    try:
        page = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), MAX_PAGE)


def parse_kind(value: str | None) -> str:
    return value if value in KINDS else ""


def camera_timeline(camera: Camera, *, kind: str = "", page: int = 1, per_page: int = PER_PAGE) -> Timeline:
    """One page of the camera's history (`kind` "" for every kind): one query per source, and one for actors."""
    kind, page = parse_kind(kind), min(max(page, 1), MAX_PAGE)
    depth = page * per_page + 1
    entries: list[TimelineEntry] = []
    for name, read in SOURCES.items():
        if not kind or kind == name:
            entries.extend(read(camera, depth))
    entries.sort(key=lambda entry: (entry.at, entry.order), reverse=True)
    shown = entries[(page - 1) * per_page : page * per_page]
    _fill_actors(camera, shown)
    return Timeline(entries=shown, kind=kind, page=page, has_next=len(entries) > page * per_page)


def _latest_first(queryset: QuerySet, *moments: str) -> QuerySet:
    return queryset.annotate(latest=Coalesce(*(F(m) for m in moments))).order_by("-latest", "-pk")


def _who(user, kiosk, officer: Officer) -> str:
    if user is not None:
        return user.get_full_name() or user.get_username()
    if kiosk is not None:
        return f"{officer.display_name} at kiosk {kiosk.name}"
    return ""


def _checkouts(camera: Camera, depth: int) -> list[TimelineEntry]:
    rows = _latest_first(
        Checkout.objects.filter(camera=camera).select_related("officer", "out_kiosk", "in_kiosk", "out_by", "in_by"),
        "checked_in_at",
        "checked_out_at",
    )[:depth]
    entries = []
    for c in rows:
        officer = c.officer
        entries.append(
            TimelineEntry(
                at=c.checked_out_at,
                kind="checkout",
                title=f"{CAMERA['check_out'].title} to {officer.display_name} (badge {officer.badge_number})",
                detail=f"Due back {when(c.due_back_at)}",
                actor=_who(c.out_by, c.out_kiosk, officer),
                link=officer.get_absolute_url(),
                actor_keys=((CHECKOUT, str(c.pk), Action.CHECKOUT_CHECK_OUT),),
                order=("checkout", c.pk, 0),
            )
        )
        if c.checked_in_at is not None:
            entries.append(
                TimelineEntry(
                    at=c.checked_in_at,
                    kind="checkout",
                    title=f"{CAMERA['check_in'].title} by {officer.display_name}: {c.get_condition_display().lower()}",
                    detail=c.damage_description,
                    actor=_who(c.in_by, c.in_kiosk, officer),
                    link=officer.get_absolute_url(),
                    actor_keys=((CHECKOUT, str(c.pk), Action.CHECKOUT_CHECK_IN),),
                    order=("checkout", c.pk, 1),
                )
            )
    return entries


def _charges(camera: Camera, depth: int) -> list[TimelineEntry]:
    # The dock's name as a subquery of the page of rows, not a join: PostgreSQL hashed every dock
    # (3,750 at 30,000 cameras) to name the few on the page.
    dock_name = Subquery(Dock.objects.filter(pk=OuterRef("dock_id")).order_by().values("name")[:1])
    rows = (
        ChargeEvent.objects.filter(camera=camera).annotate(dock_name=dock_name).order_by("-recorded_at", "-pk")[:depth]
    )
    entries = []
    for e in rows:
        where = f"{e.dock_name}" + (f", bay {e.bay}" if e.bay else "") if e.dock_id else ""
        battery = f"battery {e.battery_percent} %" if e.battery_percent is not None else ""
        entries.append(
            TimelineEntry(
                at=e.recorded_at,
                kind="charge",
                title=e.get_kind_display(),
                detail=" · ".join(filter(None, [where, battery])),
                actor_keys=((CHARGE, str(e.pk), ""),),
                order=("charge", e.pk, 0),
            )
        )
    return entries


def _maintenance(camera: Camera, depth: int) -> list[TimelineEntry]:
    # A damaged return opens its repair in the same transaction, under the check-in's audit event: the
    # repair is "by" whoever took the camera back, found as the damaged check-in at the same moment.
    damaged_return = Checkout.objects.filter(
        camera=camera, checked_in_at=OuterRef("opened_at"), condition=Checkout.Condition.DAMAGED
    ).values("pk")[:1]
    rows = _latest_first(
        MaintenanceRecord.objects.filter(camera=camera).annotate(damaged_return=Subquery(damaged_return)),
        "closed_at",
        "opened_at",
    )[:depth]
    entries = []
    for m in rows:
        who = {"in_house": "in-house", "vendor": "vendor"}.get(m.performed_by, "awaiting triage")
        how = f" ({who}" + (f", {m.rma_number})" if m.rma_number else ")")
        opened_by = [(MAINTENANCE, str(m.pk), Action.MAINTENANCE_OPEN)]
        if m.damaged_return:
            opened_by.append((CHECKOUT, str(m.damaged_return), Action.CHECKOUT_CHECK_IN))
        entries.append(
            TimelineEntry(
                at=m.opened_at,
                kind="maintenance",
                title=f"{m.get_kind_display()} opened{how}",
                detail=m.problem,
                actor_keys=tuple(opened_by),
                order=("maintenance", m.pk, 0),
            )
        )
        if m.closed_at is not None:
            entries.append(
                TimelineEntry(
                    at=m.closed_at,
                    kind="maintenance",
                    title=f"{m.get_kind_display()} closed: {m.get_outcome_display().lower()}{_cost(m, camera)}",
                    detail=m.notes,
                    actor_keys=((MAINTENANCE, str(m.pk), Action.MAINTENANCE_CLOSE),),
                    order=("maintenance", m.pk, 1),
                )
            )
    return entries


def _cost(record: MaintenanceRecord, camera: Camera) -> str:
    if record.repair_cost is None:
        return ""
    record.camera = camera  # the row the page already holds: no query for the warranty end
    return f", ${record.repair_cost:,}" + (" (under warranty)" if record.under_warranty else "")


def _flags(camera: Camera, depth: int) -> list[TimelineEntry]:
    rows = _latest_first(Flag.objects.filter(camera=camera), "resolved_at", "raised_at")[:depth]
    entries = []
    for f in rows:
        entries.append(
            TimelineEntry(
                at=f.raised_at,
                kind="flag",
                title=f"Flag raised: {f.get_kind_display()}",
                detail=f.detail,
                order=("flag", f.pk, 0),
            )
        )
        if f.resolved_at is not None:
            entries.append(
                TimelineEntry(
                    at=f.resolved_at,
                    kind="flag",
                    title=f"Flag resolved: {f.get_kind_display()}",
                    detail=f.resolution,
                    order=("flag", f.pk, 1),
                )
            )
    return entries


def _audit(camera: Camera, depth: int) -> list[TimelineEntry]:
    events = (
        AuditEvent.objects.filter(camera=camera)
        .exclude(SHOWN_ELSEWHERE)
        .select_related("officer")
        .order_by("-occurred_at", "-pk")[:depth]
    )
    return [
        TimelineEntry(
            at=event.occurred_at,
            kind="audit",
            title=audit_title(event),
            detail=event.reason,
            actor=event.actor_label,
            link=event.officer.get_absolute_url() if event.officer_id else "",
            order=("audit", event.pk, 0),
        )
        for event in events
    ]


SOURCES = {
    "checkout": _checkouts,
    "charge": _charges,
    "maintenance": _maintenance,
    "flag": _flags,
    "audit": _audit,
}


def _fill_actors(camera: Camera, entries: list[TimelineEntry]) -> None:
    """Name who did each row on the page from its audit event: one query, bounded by the page."""
    keys = {key for entry in entries for key in entry.actor_keys}
    if not keys:
        return
    wanted = Q()
    for object_type in {key[0] for key in keys}:
        wanted |= Q(object_type=object_type, object_id__in=[key[1] for key in keys if key[0] == object_type])
    found: dict[ActorKey, str] = {}
    events = AuditEvent.objects.filter(wanted, camera=camera).order_by("occurred_at", "pk")
    for object_type, object_id, action, label in events.values_list(
        "object_type", "object_id", "action", "actor_label"
    ):
        found.setdefault((object_type, object_id, action), label)
        found.setdefault((object_type, object_id, ""), label)
    for entry in entries:
        label = next((found[key] for key in entry.actor_keys if key in found), "")
        entry.actor = label or entry.actor


def audit_title(event: AuditEvent) -> str:
    title = event.action_title
    if event.action in (Action.PERSONAL_ISSUE_ISSUE, Action.PERSONAL_ISSUE_REVOKE) and event.officer_id:
        title += f" ({event.officer.display_name}, badge {event.officer.badge_number})"
    if event.action == Action.CAMERA_REPORT_LOST:
        title += f" (incident {event.after.get('incident_number', '')})"
    if event.action == Action.MAINTENANCE_ASSIGN:
        who = {"in_house": "in-house", "vendor": "vendor"}.get(event.after.get("performed_by"), "")
        rma = event.after.get("rma_number")
        title += f": {who}" + (f", {rma}" if rma else "")
    return title
