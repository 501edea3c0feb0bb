"""Reading flags: counts for the dashboard, the flags page's queryset."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from assignments.models import Checkout, PersonalIssue, Unit

from ..models import Camera, Flag, FlagNote, severity_expression


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

    notes = FlagNote.objects.filter(flag=OuterRef("pk")).order_by().values("flag").annotate(n=Count("pk"))
    return Flag.objects.select_related("camera", "acknowledged_by", "assigned_to").annotate(
        officer_badge=either("officer__badge_number"),
        officer_last_name=either("officer__last_name"),
        unit_name=either("officer__unit__name"),
        severity_rank=severity_expression(),
        note_count=Coalesce(Subquery(notes.values("n")[:1], output_field=IntegerField()), 0),
    )


def flag_for_page(pk: int) -> Flag:
    """One flag as the list shows it, or 404."""
    return get_object_or_404(flags_for_page(), pk=pk)


def notes_of(flag: Flag) -> QuerySet[FlagNote]:
    return FlagNote.objects.filter(flag=flag).select_related("author").order_by("created_at", "pk")


def filter_by_unit(flags: QuerySet[Flag], unit: Unit) -> QuerySet[Flag]:
    """Flags on cameras held by, or issued to, an officer of `unit`."""
    return flags.filter(Exists(_holder().filter(officer__unit=unit)) | Exists(_owner().filter(officer__unit=unit)))
