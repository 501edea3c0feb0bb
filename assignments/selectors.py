"""Reads of officers for the console: the list with each officer's current camera, and one officer's page."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from audit.models import AuditEvent

from . import name_search
from .models import Certification, Checkout, DutyAssignment, Officer, PersonalIssue


def officer_list() -> QuerySet[Officer]:
    """Officers with unit, shift, open checkout and personal camera, in one query whatever the count.

    The open checkout and the personal issue are at most one row each (partial unique indexes), so
    scalar subqueries are exact.
    """
    open_checkout = Checkout.objects.open().filter(officer=OuterRef("pk"))
    personal = PersonalIssue.objects.current().filter(officer=OuterRef("pk"))
    return Officer.objects.select_related("unit", "shift").annotate(
        current_camera_tag=Subquery(open_checkout.values("camera__asset_tag")[:1]),
        current_checked_out_at=Subquery(open_checkout.values("checked_out_at")[:1]),
        current_due_back_at=Subquery(open_checkout.values("due_back_at")[:1]),
        personal_camera_tag=Subquery(personal.values("camera__asset_tag")[:1]),
    )


def search_officers(queryset: QuerySet[Officer], text: str) -> QuerySet[Officer]:
    """Match the officer as the tables show one ("Ofc. Emily Murphy", "Murphy, Emily", "#4411"): a rank
    word filters by rank, every other word matches the badge number or the names (case-insensitive).

    Each word's matches are a UNION of three lookups, each answered by its trigram index on
    PostgreSQL (migration officer_search_trigram_indexes): with an OR of the three, the planner
    walked the name-ordered index testing every officer (150 ms at 40,000 officers).
    """
    query = name_search.parse(text)
    if query.rank:
        queryset = queryset.filter(rank=query.rank)
    for word in query.words:
        matches = [
            Officer.objects.filter(**{f"{field}__icontains": word}).values("pk").order_by() for field in SEARCHED
        ]
        queryset = queryset.filter(pk__in=matches[0].union(*matches[1:]))
    return queryset


SEARCHED = ("badge_number", "first_name", "last_name")


def officer_by_badge(badge: str) -> Officer:
    return get_object_or_404(Officer.objects.select_related("unit", "shift"), badge_number__upper=badge.upper())


def current_checkout(officer: Officer) -> Checkout | None:
    return Checkout.objects.open().select_related("camera", "camera__model").filter(officer=officer).first()


def personal_issue(officer: Officer) -> PersonalIssue | None:
    return PersonalIssue.objects.current().select_related("camera", "camera__model").filter(officer=officer).first()


def checkout_history(officer: Officer) -> QuerySet[Checkout]:
    return (
        Checkout.objects.filter(officer=officer)
        .select_related("camera", "out_kiosk", "in_kiosk", "out_by", "in_by")
        .order_by("-checked_out_at")
    )


def officer_events(officer: Officer) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(officer=officer).select_related("camera").order_by("-occurred_at", "-id")


def officers_by_badges(badges: list[str]) -> tuple[list[Officer], list[str]]:
    """The officers for `badges` in the order given, and the badges that match no officer."""
    found = {o.badge_number: o for o in Officer.objects.select_related("unit").filter(badge_number__in=badges)}
    officers, unknown, seen = [], [], set()
    for badge in badges:
        if badge in seen:
            continue
        seen.add(badge)
        if badge in found:
            officers.append(found[badge])
        else:
            unknown.append(badge)
    return officers, unknown


def duty_assignments(officer: Officer) -> list[DutyAssignment]:
    """The officer's duty and exemption history, latest first, with who approved each (one query)."""
    return list(DutyAssignment.objects.filter(officer=officer).select_related("approved_by"))


def certifications(officer: Officer) -> list[Certification]:
    return list(Certification.objects.filter(officer=officer))
