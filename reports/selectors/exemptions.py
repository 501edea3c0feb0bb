"""Camera exemptions in a report's range: the officers listed apart, and the check-outs and shift days
the compliance and coverage figures leave out.

Officers and detectives wear a camera when in uniform or investigating an accident; an approved
exemption (undercover operation, light duty, leave: assignments.DutyAssignment) means its days needed
no camera, so a report counts only the shifts where one was required and names the exempt officers in
a table of their own, never as a violation. The exemptions of a range are few (one query reads them
all for the table); when there are none, the figures' queries are the same as before.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate

from assignments.models import DutyAssignment

from ..forms import Period


def exemptions(period: Period) -> list[dict]:
    """Every exemption with a day in the range, with its officer, unit and approver (one query)."""
    rows = (
        DutyAssignment.objects.exemptions()
        .overlapping(period.start, period.end)
        .values(
            "kind",
            "starts_on",
            "ends_on",
            "reason",
            "officer_id",
            badge=F("officer__badge_number"),
            rank=F("officer__rank"),
            first_name=F("officer__first_name"),
            last_name=F("officer__last_name"),
            unit=F("officer__unit__name"),
            shift_id=F("officer__shift"),
            approved_by_name=F("approved_by__username"),
        )
        .order_by("officer__last_name", "officer__first_name", "officer__badge_number", "starts_on")
    )
    labels = dict(DutyAssignment.Kind.choices)
    result = []
    for row in rows:
        first, last = max(row["starts_on"], period.start), min(row["ends_on"] or period.end, period.end)
        row["exemption"] = labels.get(row["kind"], row["kind"])
        row["days_in_range"] = (last - first).days + 1
        result.append(row)
    return result


def exempt_days(rows: list[dict], period: Period) -> dict[int, set[int]]:
    """Officer id -> the indexes (0 = the range's first day) of the range's days they were exempt."""
    days: dict[int, set[int]] = {}
    for row in rows:
        first, last = max(row["starts_on"], period.start), min(row["ends_on"] or period.end, period.end)
        days.setdefault(row["officer_id"], set()).update(
            range((first - period.start).days, (last - period.start).days + 1)
        )
    return days


def exempt_on_the_day() -> Exists:
    """For a check-out queryset aliased with `out_day` (see `not_exempt`): its officer was exempt that day."""
    return Exists(
        DutyAssignment.objects.exemptions().filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("out_day")),
            officer=OuterRef("officer_id"),
            starts_on__lte=OuterRef("out_day"),
        )
    )


def not_exempt(checkouts, rows: list[dict]):
    """`checkouts` without those taken on a day their officer was exempt; unchanged when no exemption
    falls in the range (`rows` is `exemptions(period)`)."""
    if not rows:
        return checkouts
    return checkouts.alias(out_day=TruncDate("checked_out_at")).filter(~exempt_on_the_day())


def not_exempt_days(day_rows, rows: list[dict]):
    """Like `not_exempt`, for check-outs counted per day (assignments.CheckoutDay): without the day rows
    of a day their officer was exempt."""
    if not rows:
        return day_rows
    return day_rows.alias(out_day=F("day")).filter(~exempt_on_the_day())


def exempt_throughout(period: Period, officer_ref: str = "pk") -> Exists:
    """The officer's exemption covers the whole range (for "took no camera at all in the range")."""
    return Exists(
        DutyAssignment.objects.exemptions().filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=period.end),
            officer=OuterRef(officer_ref),
            starts_on__lte=period.start,
        )
    )
