"""Reads for the quartermaster console: the derived camera states, the dashboard counts, the camera
list with its holder and flags, and one camera's page with its merged timeline.

The derived states (`STATES`) are defined once, as conditions on a camera row, so that the
dashboard's counts and the camera list's `?state=` filter always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

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

from assignments import name_search
from assignments.models import Checkout, Officer, PersonalIssue
from audit import attention
from audit.actions import Action
from audit.models import AuditEvent

from .flags.rules import RULES_BY_KIND, SweepContext
from .flags.selectors import open_flag_counts
from .lifecycle import CAMERA, HELD
from .models import Attachment, Camera, Flag, MaintenanceRecord, charged_condition, ready_condition
from .timeline import Timeline, camera_timeline

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


def attention_text(event: AuditEvent) -> tuple[str, str]:
    """What an attention event (audit.attention) says on the dashboard: a headline and its detail."""
    after = event.after or {}
    if event.action == Action.CHECKOUT_CHECK_IN:
        return "Returned damaged", after.get("damage", "")
    if event.action == Action.FLAG_RAISE:
        kind = after.get("kind")
        title = Flag.Kind(kind).label if kind in Flag.Kind.values else event.action_title
        return title, after.get("detail", "")
    if event.action == Action.CAMERA_REPORT_LOST:
        incident = after.get("incident_number")
        return "Reported lost", f"Incident {incident}" if incident else event.reason
    return event.action_title, after.get("failed_item", "") or event.reason


def dashboard(*, now: datetime | None = None, events: int = 20, max_age: int = 0) -> Dashboard:
    """Every count on the dashboard, in five queries whatever the size of the fleet.

    With `max_age` (seconds), the counts (cameras by state, open flags by kind) may come from the
    cache, that old at most: they cost the most and a few seconds' staleness is said on the page.
    The deactivated holders and the latest events that need attention are always read now.
    """
    now = now or timezone.now()
    counted = cache.get(DASHBOARD_CACHE_KEY) if max_age else None
    if counted is None or now - counted["counted_at"] > timedelta(seconds=max_age) or counted["counted_at"] > now:
        counted = _dashboard_counts(now)
        if max_age:
            cache.set(DASHBOARD_CACHE_KEY, counted, max_age)
    # What a quartermaster acts on (audit.attention), not the sweep's and the kiosk's routine events;
    # read from the partial index that holds only these, newest first.
    recent = list(
        AuditEvent.objects.filter(attention.condition())
        .select_related("camera", "officer")
        .order_by("-occurred_at", "-id")[:events]
    )
    for event in recent:
        event.headline, event.detail = attention_text(event)
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
    """Asset tag, serial number, or the current holder as the list shows one ("Ofc. Emily Murphy",
    "#4411", "Murphy, Emily"; assignments.name_search reads the rank and the words).

    The matching cameras are found as a UNION of three index-friendly lookups (on PostgreSQL each
    has a trigram index: inventory and assignments' search_trigram_indexes migrations) and the list
    keeps those ids: an OR of the three over the camera table would scan every camera.
    """
    text = " ".join(text.split())
    if not text:
        return queryset
    by_tag = Camera.objects.filter(asset_tag__icontains=text).values("pk").order_by()
    by_serial = Camera.objects.filter(serial_number__icontains=text).values("pk").order_by()
    found = by_tag.union(by_serial)
    name = name_search.parse(text)
    if name.words or name.rank:
        holder = Q(officer__rank=name.rank) if name.rank else Q()
        for word in name.words:
            holder &= (
                Q(officer__first_name__icontains=word)
                | Q(officer__last_name__icontains=word)
                | Q(officer__badge_number__iexact=word)
            )
        found = found.union(Checkout.objects.open().filter(holder).values("camera_id").order_by())
    return queryset.filter(pk__in=found)


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
    return cast("list[str]", cache.get_or_set(f"inventory:filter-choices:{key}", read, seconds))


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
    timeline: Timeline
    attachments: list[Attachment]


def camera_by_tag(asset_tag: str) -> Camera | None:
    return Camera.objects.select_related("model", "dock").filter(asset_tag=asset_tag).first()


def cameras_by_tags(tags: list[str]) -> tuple[list[Camera], list[str]]:
    """The cameras for `tags` in the order given (repeats once), and the tags that match no camera."""
    found = {c.asset_tag: c for c in Camera.objects.select_related("model").filter(asset_tag__in=tags)}
    tags = list(dict.fromkeys(tags))
    return [found[tag] for tag in tags if tag in found], [tag for tag in tags if tag not in found]


def open_maintenance_record(camera: Camera) -> MaintenanceRecord | None:
    """The camera's one open maintenance record (a partial unique index allows one), if any."""
    return MaintenanceRecord.objects.open().filter(camera=camera).first()


def current_personal_issue(camera: Camera) -> PersonalIssue | None:
    return PersonalIssue.objects.current().select_related("officer").filter(camera=camera).first()


def camera_page(camera: Camera, *, kind: str = "", page: int = 1) -> CameraPage:
    """Everything the camera page shows: its state now, and one page of its history (inventory.timeline)."""
    return CameraPage(
        camera=camera,
        checkout=Checkout.objects.open().select_related("officer__unit").filter(camera=camera).first(),
        personal=current_personal_issue(camera),
        maintenance=open_maintenance_record(camera),
        open_flags=list(Flag.objects.open().filter(camera=camera).order_by("kind")),
        timeline=camera_timeline(camera, kind=kind, page=page),
        attachments=camera_attachments(camera),
    )


CAMERA_PAGE_ATTACHMENTS = 24


def camera_attachments(camera: Camera) -> list[Attachment]:
    """The latest photos and documents of the camera's maintenance records, each with its record."""
    return list(
        Attachment.objects.filter(record__camera=camera)
        .select_related("record")
        .order_by("-uploaded_at", "-pk")[:CAMERA_PAGE_ATTACHMENTS]
    )
