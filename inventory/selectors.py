"""Reads for the quartermaster console: the derived camera states, the dashboard counts, the camera
list with its holder and flags, and one camera's page with its merged timeline.

The derived states (`STATES`) are defined once, as conditions on a camera row, so that the
dashboard's counts and the camera list's `?state=` filter always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from assignments.models import Checkout, Officer, PersonalIssue
from audit.actions import Action
from audit.models import AuditEvent
from hartford_bwc.timefmt import when

from .flags.rules import RULES_BY_KIND, SweepContext
from .flags.selectors import open_flag_counts
from .lifecycle import CAMERA, HELD
from .models import Camera, ChargeEvent, Flag, MaintenanceRecord, charged_condition, ready_condition

IN_SERVICE = ~Q(status__in=CAMERA.out_of_service)


def _open_checkouts() -> QuerySet[Checkout]:
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


# --- dashboard -----------------------------------------------------------------------------------


@dataclass
class Dashboard:
    counts: dict[str, int]
    lost: int
    in_service: int
    open_flags: list[tuple[str, str, int]]
    inactive_holders: list[Checkout]
    recent_events: list[AuditEvent]
    now: datetime = field(default_factory=timezone.now)
    # When the counts above were taken: earlier than `now` when they came from the cache.
    counted_at: datetime | None = None


DASHBOARD_CACHE_KEY = "inventory:dashboard-counts"


def _dashboard_counts(now: datetime) -> dict:
    aggregates = {name: Count("pk", filter=state.condition(now)) for name, state in STATES.items()}
    totals = Camera.objects.aggregate(
        **aggregates,
        lost=Count("pk", filter=Q(status=Camera.Status.LOST)),
        in_service=Count("pk", filter=IN_SERVICE),
    )
    lost, in_service = totals.pop("lost"), totals.pop("in_service")
    labels = dict(Flag.Kind.choices)
    by_kind = open_flag_counts()
    open_flags = [(kind, labels[kind], by_kind[kind]) for kind in labels if by_kind[kind]]
    open_flags += [(kind, kind, n) for kind, n in sorted(by_kind.items()) if kind not in labels and n]
    return {"counts": totals, "lost": lost, "in_service": in_service, "open_flags": open_flags, "counted_at": now}


def inactive_holders(limit: int = 50) -> list[Checkout]:
    """Open check-outs held by deactivated officers, oldest first.

    Deactivated officers are few and each holds at most one open check-out, so the query starts from
    them (partial index `officer_inactive`) and looks each one's open check-out up in the one-open-per-
    officer unique index; joining from the open check-outs (one per camera out) read them all.
    """
    inactive = Officer.objects.filter(is_active=False).values("pk")
    return list(
        Checkout.objects.open()
        .filter(officer__in=inactive)
        .select_related("officer", "camera")
        .order_by("checked_out_at")[:limit]
    )


def dashboard(*, now: datetime | None = None, events: int = 20, max_age: int = 0) -> Dashboard:
    """Every count on the dashboard, in five queries whatever the size of the fleet.

    With `max_age` (seconds), the counts (cameras by state, open flags by kind) may come from the
    cache, that old at most: they cost the most and a few seconds' staleness is said on the page.
    The deactivated holders and the latest events are always read now.
    """
    now = now or timezone.now()
    counted = cache.get(DASHBOARD_CACHE_KEY) if max_age else None
    if counted is None or now - counted["counted_at"] > timedelta(seconds=max_age) or counted["counted_at"] > now:
        counted = _dashboard_counts(now)
        if max_age:
            cache.set(DASHBOARD_CACHE_KEY, counted, max_age)
    recent = list(AuditEvent.objects.select_related("camera", "officer").order_by("-occurred_at", "-id")[:events])
    return Dashboard(
        counts=counted["counts"],
        lost=counted["lost"],
        in_service=counted["in_service"],
        open_flags=counted["open_flags"],
        inactive_holders=inactive_holders(),
        recent_events=recent,
        now=now,
        counted_at=counted["counted_at"],
    )


# --- camera list ---------------------------------------------------------------------------------


def camera_list() -> QuerySet[Camera]:
    """Cameras with what each row shows: holder, charge state and open flags, in a fixed number of queries.

    Sortable values are annotations (one correlated subquery each); the holder and the flags to
    display are prefetched, one query each per page.
    """
    holder = _open_checkouts().select_related(None).order_by()
    open_flags = Flag.objects.open().filter(camera=OuterRef("pk")).order_by()
    return (
        Camera.objects.select_related("model", "dock")
        .annotate(
            holder_name=Subquery(holder.values("officer__last_name")[:1]),
            holder_badge=Subquery(holder.values("officer__badge_number")[:1]),
            holder_unit=Subquery(holder.values("officer__unit__name")[:1]),
            # 0, not NULL, for no flags: PostgreSQL and SQLite sort NULLs at opposite ends.
            open_flag_count=Coalesce(Subquery(open_flags.values("camera").annotate(n=Count("pk")).values("n")[:1]), 0),
            # Case, not the bare condition: NULL battery readings would make it NULL, not False.
            is_charged_now=Case(When(charged_condition(), then=True), default=False, output_field=BooleanField()),
        )
        .prefetch_related(
            Prefetch(
                "checkouts",
                queryset=Checkout.objects.open().select_related("officer__unit"),
                to_attr="open_checkouts",
            ),
            Prefetch(
                "flags",
                queryset=Flag.objects.open().order_by("kind"),
                to_attr="open_flags",
            ),
        )
    )


def search_cameras(queryset: QuerySet[Camera], text: str) -> QuerySet[Camera]:
    """Asset tag, serial number, or the current holder's name or badge number.

    The matching cameras are found as a UNION of three index-friendly lookups (on PostgreSQL each
    has a trigram index: inventory and assignments' search_trigram_indexes migrations) and the list
    keeps those ids: an OR of the three over the camera table would scan every camera.
    """
    text = " ".join(text.split())
    if not text:
        return queryset
    holder = Q()
    for word in text.split(" "):
        holder &= Q(officer__first_name__icontains=word) | Q(officer__last_name__icontains=word)
    by_holder = (
        Checkout.objects.open().filter(holder | Q(officer__badge_number__iexact=text)).values("camera_id").order_by()
    )
    by_tag = Camera.objects.filter(asset_tag__icontains=text).values("pk").order_by()
    by_serial = Camera.objects.filter(serial_number__icontains=text).values("pk").order_by()
    return queryset.filter(pk__in=by_tag.union(by_serial, by_holder))


def with_open_flag(queryset: QuerySet[Camera], kind: str) -> QuerySet[Camera]:
    return queryset.filter(Exists(Flag.objects.open().filter(camera=OuterRef("pk"), kind=kind)))


def held_by_unit(queryset: QuerySet[Camera], unit) -> QuerySet[Camera]:
    return queryset.filter(Exists(_open_checkouts().filter(officer__unit=unit)))


def _filter_choices(key: str, read: Callable[[], list[str]]) -> list[str]:
    """A DISTINCT over every camera, cached FILTER_CHOICES_CACHE_SECONDS: at 30,000 cameras it is a scan
    per list page, and a version or batch added by an import may appear in the menu a minute late."""
    seconds = settings.FILTER_CHOICES_CACHE_SECONDS
    if not seconds:
        return read()
    return cache.get_or_set(f"inventory:filter-choices:{key}", read, seconds)


def firmware_versions() -> list[str]:
    return _filter_choices("firmware", _firmware_versions)


def purchase_batches() -> list[str]:
    return _filter_choices("batch", _purchase_batches)


def _firmware_versions() -> list[str]:
    return list(
        Camera.objects.exclude(firmware_version="")
        .order_by("firmware_version")
        .values_list("firmware_version", flat=True)
        .distinct()
    )


def _purchase_batches() -> list[str]:
    return list(
        Camera.objects.exclude(purchase_batch="")
        .order_by("purchase_batch")
        .values_list("purchase_batch", flat=True)
        .distinct()
    )


# --- one camera ----------------------------------------------------------------------------------


@dataclass
class CameraPage:
    camera: Camera
    checkout: Checkout | None
    personal: PersonalIssue | None
    maintenance: MaintenanceRecord | None
    open_flags: list[Flag]
    timeline: list[TimelineEntry]
    timeline_truncated: bool


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # checkout, charge, maintenance, flag, audit: a CSS class and a filter
    title: str
    detail: str = ""
    actor: str = ""
    link: str = ""


TIMELINE_LIMIT = 100


def camera_by_tag(asset_tag: str) -> Camera | None:
    return Camera.objects.select_related("model", "dock").filter(asset_tag=asset_tag).first()


def cameras_by_tags(tags: list[str]) -> tuple[list[Camera], list[str]]:
    """The cameras for `tags` in the order given (repeats once), and the tags that match no camera."""
    found = {c.asset_tag: c for c in Camera.objects.select_related("model").filter(asset_tag__in=tags)}
    tags = list(dict.fromkeys(tags))
    return [found[tag] for tag in tags if tag in found], [tag for tag in tags if tag not in found]


def camera_page(camera: Camera, *, limit: int = TIMELINE_LIMIT) -> CameraPage:
    """Everything the camera page shows; the timeline reads each source once, bounded, and merges."""
    checkouts = list(
        Checkout.objects.filter(camera=camera)
        .select_related("officer", "out_kiosk", "in_kiosk", "out_by", "in_by")
        .order_by("-checked_out_at")[:limit]
    )
    current = next((c for c in checkouts if c.checked_in_at is None), None)
    personal = PersonalIssue.objects.current().select_related("officer").filter(camera=camera).first()
    maintenance = list(MaintenanceRecord.objects.filter(camera=camera).order_by("-opened_at")[:limit])
    open_record = next((m for m in maintenance if m.closed_at is None), None)
    flags = list(Flag.objects.filter(camera=camera).select_related("acknowledged_by").order_by("-raised_at")[:limit])
    charges = list(ChargeEvent.objects.filter(camera=camera).select_related("dock").order_by("-recorded_at")[:limit])
    events = list(AuditEvent.objects.filter(camera=camera).select_related("officer").order_by("-occurred_at")[:limit])
    entries, truncated = _merge_timeline(checkouts, charges, maintenance, flags, events, limit=limit)
    return CameraPage(
        camera=camera,
        checkout=current,
        personal=personal,
        maintenance=open_record,
        open_flags=[f for f in flags if f.resolved_at is None],
        timeline=entries,
        timeline_truncated=truncated,
    )


def _who(user, kiosk, officer: Officer) -> str:
    if user is not None:
        return user.get_full_name() or user.get_username()
    if kiosk is not None:
        return f"{officer.display_name} at kiosk {kiosk.name}"
    return ""


# Audit actions that restate a row another source already shows; their actor is shown on that row.
_SHOWN_ELSEWHERE = {
    ("assignments.Checkout", CAMERA["check_out"].action): ("checkout", "out"),
    ("assignments.Checkout", CAMERA["check_in"].action): ("checkout", "in"),
    ("inventory.ChargeEvent", None): ("charge", ""),
    ("inventory.MaintenanceRecord", CAMERA["open_maintenance"].action): ("maintenance", "open"),
    ("inventory.MaintenanceRecord", CAMERA["return_to_service"].action): ("maintenance", "close"),
}


def _merge_timeline(checkouts, charges, maintenance, flags, events, *, limit: int):
    actors: dict[tuple[str, str, str], str] = {}
    entries: list[TimelineEntry] = []
    for event in events:
        key = _SHOWN_ELSEWHERE.get((event.object_type, event.action)) or _SHOWN_ELSEWHERE.get((event.object_type, None))
        if key is not None:
            actors[(key[0], event.object_id, key[1])] = event.actor_label
            continue
        entries.append(
            TimelineEntry(
                at=event.occurred_at,
                kind="audit",
                title=_audit_title(event),
                detail=event.reason,
                actor=event.actor_label,
                link=event.officer.get_absolute_url() if event.officer_id else "",
            )
        )
    # A damaged return opens its repair in the same transaction, under the check-in's audit event:
    # the repair is "by" whoever took the camera back.
    damaged_returns: dict[datetime, str] = {}
    for c in checkouts:
        officer = c.officer
        if c.checked_in_at is not None and c.condition == Checkout.Condition.DAMAGED:
            damaged_returns[c.checked_in_at] = (
                actors.get(("checkout", str(c.pk), "in")) or _who(c.in_by, c.in_kiosk, officer) or officer.display_name
            )
        entries.append(
            TimelineEntry(
                at=c.checked_out_at,
                kind="checkout",
                title=f"{CAMERA['check_out'].title} to {officer.display_name} (badge {officer.badge_number})",
                detail=f"Due back {when(c.due_back_at)}",
                actor=actors.get(("checkout", str(c.pk), "out")) or _who(c.out_by, c.out_kiosk, officer),
                link=officer.get_absolute_url(),
            )
        )
        if c.checked_in_at is not None:
            entries.append(
                TimelineEntry(
                    at=c.checked_in_at,
                    kind="checkout",
                    title=f"{CAMERA['check_in'].title} by {officer.display_name}: {c.get_condition_display().lower()}",
                    detail=c.damage_description,
                    actor=actors.get(("checkout", str(c.pk), "in")) or _who(c.in_by, c.in_kiosk, officer),
                    link=officer.get_absolute_url(),
                )
            )
    for e in charges:
        where = f"{e.dock.name}" + (f", bay {e.bay}" if e.bay else "") if e.dock_id else ""
        battery = f"battery {e.battery_percent} %" if e.battery_percent is not None else ""
        entries.append(
            TimelineEntry(
                at=e.recorded_at,
                kind="charge",
                title=e.get_kind_display(),
                detail=" · ".join(filter(None, [where, battery])),
                actor=actors.get(("charge", str(e.pk), ""), ""),
            )
        )
    for m in maintenance:
        who = {"in_house": "in-house", "vendor": "vendor"}.get(m.performed_by, "awaiting triage")
        how = f" ({who}" + (f", {m.rma_number})" if m.rma_number else ")")
        entries.append(
            TimelineEntry(
                at=m.opened_at,
                kind="maintenance",
                title=f"{m.get_kind_display()} opened{how}",
                detail=m.problem,
                actor=actors.get(("maintenance", str(m.pk), "open")) or damaged_returns.get(m.opened_at, ""),
            )
        )
        if m.closed_at is not None:
            entries.append(
                TimelineEntry(
                    at=m.closed_at,
                    kind="maintenance",
                    title=f"{m.get_kind_display()} closed: {m.get_outcome_display().lower()}",
                    detail=m.notes,
                    actor=actors.get(("maintenance", str(m.pk), "close"), ""),
                )
            )
    for f in flags:
        entries.append(
            TimelineEntry(at=f.raised_at, kind="flag", title=f"Flag raised: {f.get_kind_display()}", detail=f.detail)
        )
        if f.resolved_at is not None:
            entries.append(
                TimelineEntry(
                    at=f.resolved_at, kind="flag", title=f"Flag resolved: {f.get_kind_display()}", detail=f.resolution
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit], len(entries) > limit


def _audit_title(event: AuditEvent) -> str:
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
