"""The officer-level part of the flag sweep: BWC certifications expiring within
CERTIFICATION_EXPIRING_DAYS (or expired) of active officers.

A camera's flags hang on the camera (inventory.Flag); these hang on the officer
(assignments.OfficerFlag), with the same life: raised once while the condition holds, resolved when it
clears, each audited. Set-based like the camera rules, in the sweep's transaction and under its lock:
the condition is one query (each active officer's longest-running certification), the open flags one,
the detail of what clears one, then one bulk insert, one bulk update and the audit events, whatever
the number of officers.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max, Q

from assignments.duty import day_text
from assignments.models import Officer, OfficerFlag
from hartford_bwc.bulk_insert import insert_all

KIND = OfficerFlag.Kind.CERTIFICATION_EXPIRING


def _best_expiry(today: date, prefix: str = ""):
    """The latest expiry among the officer's certifications already taken."""
    return Max(f"{prefix}certifications__expires_on", filter=Q(**{f"{prefix}certifications__certified_on__lte": today}))


def expiring(today: date) -> dict[int, date]:
    """Active officers whose certification expires within the window (or has expired): id -> expiry."""
    horizon = today + timedelta(days=settings.CERTIFICATION_EXPIRING_DAYS)
    rows = (
        Officer.objects.filter(is_active=True)
        .order_by()
        .values("pk")
        .annotate(best=_best_expiry(today))
        .filter(best__lte=horizon)
        .values_list("pk", "best")
    )
    return dict(rows)


def detail(expires_on: date, today: date) -> str:
    days = (expires_on - today).days
    if days < 0:
        return f"BWC certification expired on {day_text(expires_on)}: no camera may be issued until it is renewed."
    if days == 0:
        return f"BWC certification expires today ({day_text(expires_on)})."
    plural = "s" if days != 1 else ""
    return f"BWC certification expires on {day_text(expires_on)} (in {days} day{plural}): book the renewal."


def _fetch_officers(ids) -> list[Officer]:
    # One query on PostgreSQL however many officers; in_bulk splits the ids where the database limits
    # the variables of a query (SQLite).
    found = Officer.objects.in_bulk(sorted(ids))
    return [found[pk] for pk in sorted(found)]


def _resolution(flag: OfficerFlag, today: date) -> str:
    if not flag.officer.is_active:
        return "officer deactivated"
    if flag.best is not None:
        return f"certification renewed until {day_text(flag.best)}"
    return "condition cleared"


def sweep_officers(*, now, today: date) -> tuple[list[OfficerFlag], list[OfficerFlag], int]:
    """Raise and resolve the officer flags; returns (raised, resolved, open before). The caller
    appends their events (flags/events.py) to the camera flags' events, in one INSERT."""
    should = expiring(today)
    is_open = dict(OfficerFlag.objects.open().filter(kind=KIND).order_by().values_list("officer_id", "pk"))
    officers = _fetch_officers(officer_id for officer_id in should if officer_id not in is_open)
    raised = [
        OfficerFlag(officer=officer, kind=KIND, detail=detail(should[officer.pk], today)[:300], raised_at=now)
        for officer in officers
    ]
    clearing = sorted(pk for officer_id, pk in is_open.items() if officer_id not in should)
    resolved = (
        list(
            OfficerFlag.objects.filter(pk__in=clearing)
            .select_related("officer")
            .annotate(best=_best_expiry(today, "officer__"))
            .order_by("pk")
        )
        if clearing
        else []
    )
    for flag in resolved:
        flag.resolved_at = max(now, flag.raised_at)
        flag.resolution = _resolution(flag, today)[:300]
    if raised:
        insert_all(raised)
    if resolved:
        OfficerFlag.objects.bulk_update(resolved, ["resolved_at", "resolution"], batch_size=1000)
    return raised, resolved, len(is_open)
