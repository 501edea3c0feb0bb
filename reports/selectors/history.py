"""One officer's check-outs, one camera's chain of custody, and the audit trail search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone

from assignments.models import Checkout, Officer, open_checkout, overdue_checkout
from audit.models import AuditEvent
from inventory.models import Camera, ChargeEvent, MaintenanceRecord

from ..forms import Period

# A custody document lists every event; past this many the page asks for a shorter range.
CUSTODY_EVENT_LIMIT = 2000
AUDIT_EXPORT_LIMIT = 100_000


def _duration(period: Period, now: datetime):
    end = Value(min(period.until, now))
    return ExpressionWrapper(
        Least(Coalesce("checked_in_at", end), end) - F("checked_out_at"), output_field=DurationField()
    )


def _overlapping(period: Period) -> Q:
    return Q(checked_out_at__lt=period.until) & (open_checkout() | Q(checked_in_at__gte=period.since))


def officer_checkouts(officer: Officer, period: Period) -> QuerySet:
    return (
        Checkout.objects.filter(officer=officer, checked_out_at__gte=period.since, checked_out_at__lt=period.until)
        .select_related("camera", "camera__model", "out_kiosk", "in_kiosk", "out_by", "in_by")
        .order_by("checked_out_at")
    )


def officer_summary(officer: Officer, period: Period, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    figures = Checkout.objects.filter(
        officer=officer, checked_out_at__gte=period.since, checked_out_at__lt=period.until
    ).aggregate(
        checkouts=Count("pk"),
        cameras=Count("camera", distinct=True),
        in_use=Sum(_duration(period, now)),
        late=Count("pk", filter=Q(checked_in_at__gt=F("due_back_at"))),
        overdue=Count("pk", filter=overdue_checkout(now)),
        damaged=Count("pk", filter=Q(condition=Checkout.Condition.DAMAGED)),
    )
    in_use = figures.pop("in_use")
    figures["hours"] = round(in_use.total_seconds() / 3600, 1) if in_use else 0.0
    return figures


def officer_hours_per_day(officer: Officer, period: Period, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    return {
        row["day"]: row["in_use"]
        for row in Checkout.objects.filter(
            officer=officer, checked_out_at__gte=period.since, checked_out_at__lt=period.until
        )
        .annotate(day=TruncDate("checked_out_at"))
        .values("day")
        .annotate(in_use=Sum(_duration(period, now)))
        .order_by()
    }


def camera_custody(camera: Camera, period: Period) -> QuerySet:
    """Every check-out of the camera that overlaps the range: who held it, from when to when, how it came back."""
    return (
        Checkout.objects.filter(camera=camera)
        .filter(_overlapping(period))
        .select_related("officer", "officer__unit", "out_kiosk", "in_kiosk", "out_by", "in_by")
        .order_by("checked_out_at")
    )


def camera_holders(camera: Camera, period: Period, now: datetime | None = None) -> list[dict]:
    """Hours held per officer in the range, for the chart."""
    now = now or timezone.now()
    return list(
        Checkout.objects.filter(camera=camera, checked_out_at__gte=period.since, checked_out_at__lt=period.until)
        .values(badge=F("officer__badge_number"), last_name=F("officer__last_name"))
        .annotate(in_use=Sum(_duration(period, now)), checkouts=Count("pk"))
        .order_by("-in_use")
    )


def camera_maintenance(camera: Camera, period: Period) -> QuerySet:
    return (
        MaintenanceRecord.objects.filter(camera=camera, opened_at__lt=period.until)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.since))
        .order_by("opened_at")
    )


def camera_dock_events(camera: Camera, period: Period) -> QuerySet:
    return (
        ChargeEvent.objects.filter(camera=camera, recorded_at__gte=period.since, recorded_at__lt=period.until)
        .select_related("dock")
        .order_by("recorded_at")
    )


@dataclass
class VerifiedEvent:
    event: AuditEvent
    hash_ok: bool
    link_ok: bool

    @property
    def ok(self) -> bool:
        return self.hash_ok and self.link_ok


def camera_audit(camera: Camera, period: Period) -> list[VerifiedEvent]:
    """The camera's audit events in the range, each re-hashed and checked against its predecessor.

    Only the events shown are verified (the whole trail can be millions of rows): an event's hash
    must match its content, and its `prev_hash` the hash of the event just before it in the trail.
    """
    predecessor = AuditEvent.objects.filter(pk__lt=OuterRef("pk")).order_by("-pk").values("hash")[:1]
    events = (
        AuditEvent.objects.filter(camera=camera, occurred_at__gte=period.since, occurred_at__lt=period.until)
        .annotate(predecessor_hash=Subquery(predecessor))
        .select_related("kiosk", "officer")
        .order_by("pk")[:CUSTODY_EVENT_LIMIT]
    )
    return [
        VerifiedEvent(
            event=event,
            hash_ok=event.compute_hash() == event.hash,
            link_ok=event.prev_hash == (event.predecessor_hash or ""),
        )
        for event in events
    ]


def audit_search(filters: dict, period: Period | None) -> QuerySet:
    events = AuditEvent.objects.select_related("kiosk", "camera", "officer")
    if period is not None:
        events = events.filter(occurred_at__gte=period.since, occurred_at__lt=period.until)
    if actor := filters.get("actor"):
        events = events.filter(actor_label__icontains=actor)
    if kiosk := filters.get("kiosk"):
        events = events.filter(kiosk=kiosk)
    if tag := filters.get("camera"):
        events = events.filter(camera__asset_tag__iexact=tag.strip())
    if badge := filters.get("officer"):
        badge = badge.strip()
        events = events.filter(Q(officer__badge_number=badge) | Q(actor_officer__badge_number=badge))
    if action := filters.get("action"):
        events = events.filter(action=action)
    return events.order_by("-occurred_at", "-id")


def audit_per_day(events: QuerySet) -> dict:
    return {
        row["day"]: row["events"]
        for row in events.select_related(None)
        .annotate(day=TruncDate("occurred_at"))
        .values("day")
        .annotate(events=Count("pk"))
        .order_by()
    }


@dataclass
class AuditEventPage:
    event: AuditEvent
    # Its neighbours in the chain: the event whose hash this one chains onto, and the next one written.
    previous_id: int | None
    next_id: int | None
    changes: list[tuple[str, object, object]]
    hash_ok: bool


def audit_event_page(pk: int) -> AuditEventPage:
    """One audit event with everything its page shows, in three queries (event, previous, next)."""
    event = AuditEvent.objects.select_related("kiosk", "camera", "officer", "actor_user", "actor_officer").get(pk=pk)
    # `hash` is unique (indexed); the chain is written in id order under a lock, so the next event is
    # the next id, found on the primary key.
    previous_id = AuditEvent.objects.filter(hash=event.prev_hash).values_list("pk", flat=True).first()
    next_id = AuditEvent.objects.filter(pk__gt=event.pk).order_by("pk").values_list("pk", flat=True).first()
    before, after = event.before or {}, event.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    changes = [(key, before.get(key, ""), after.get(key, "")) for key in keys]
    return AuditEventPage(
        event=event,
        previous_id=previous_id if event.prev_hash else None,
        next_id=next_id,
        changes=changes,
        hash_ok=event.compute_hash() == event.hash,
    )
