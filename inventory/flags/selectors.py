"""Reading flags: counts for the dashboard, the flags page's queryset."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assignments.models import Checkout, PersonalIssue, Unit

from ..models import Camera, Flag


def open_flag_counts() -> dict[str, int]:
    """Open flags per kind, every kind present (zero when none), in one query."""
    counts = dict.fromkeys(Flag.Kind.values, 0)
    rows = Flag.objects.open().order_by().values_list("kind").annotate(n=Count("pk"))
    counts.update(rows)
    return counts


def open_flags_for_camera(camera: Camera) -> QuerySet[Flag]:
    return Flag.objects.open().filter(camera=camera).order_by("kind")


def _holder() -> QuerySet[Checkout]:
    return Checkout.objects.open().filter(camera=OuterRef("camera_id"))


def _owner() -> QuerySet[PersonalIssue]:
    return PersonalIssue.objects.current().filter(camera=OuterRef("camera_id"))


def flags_for_page() -> QuerySet[Flag]:
    """Flags with their camera and the officer answerable for it now (holder, else owner)."""

    def either(field: str):
        return Coalesce(Subquery(_holder().values(field)[:1]), Subquery(_owner().values(field)[:1]))

    return Flag.objects.select_related("camera", "acknowledged_by").annotate(
        officer_badge=either("officer__badge_number"),
        officer_last_name=either("officer__last_name"),
        unit_name=either("officer__unit__name"),
    )


def filter_by_unit(flags: QuerySet[Flag], unit: Unit) -> QuerySet[Flag]:
    """Flags on cameras held by, or issued to, an officer of `unit`."""
    return flags.filter(Exists(_holder().filter(officer__unit=unit)) | Exists(_owner().filter(officer__unit=unit)))
