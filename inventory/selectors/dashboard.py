"""The quartermaster's dashboard: cameras counted by derived state, open flags by kind, deactivated
holders and the latest events that need attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from assignments.models import Checkout, Officer
from audit import attention
from audit.actions import Action
from audit.models import AuditEvent

from .. import counts
from ..flags.selectors import open_flag_counts
from ..models import Camera, Flag
from .states import STATES


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


def _tally_sql(tally: list[str] | QuerySet) -> tuple[str, list]:
    """A scalar subquery counting a state's tally (inventory.selectors.states), and its parameters."""
    if isinstance(tally, list):
        return counts.sum_sql(tally)
    sql, params = tally.order_by().values("pk").query.sql_with_params()
    return f"(SELECT COUNT(*) FROM ({sql}) AS tallied)", list(params)


def _dashboard_counts(now: datetime) -> dict:
    """Every tile's count in one query that reads no table whole: the big states are sums of the camera
    counts the triggers keep (inventory.counts), the others count the rows of their own index, as many
    as the cameras in the state. Counting the fleet with a FILTER per state read every camera (and
    probed each state's subquery per camera): 90-175 ms at 30,000 cameras on an idle machine."""
    tallies = {name: state.tally(now) for name, state in STATES.items()}
    tallies["lost"] = counts.status_keys([Camera.Status.LOST])
    tallies["in_service"] = counts.in_service_keys()
    columns, params = [], []
    for tally in tallies.values():
        sql, tally_params = _tally_sql(tally)
        columns.append(sql)
        params += tally_params
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        totals = dict(zip(tallies, (int(n) for n in cursor.fetchone()), strict=True))
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
