"""Reading flags: counts for the dashboard, the flags page's queryset."""

from __future__ import annotations

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from assignments.models import Checkout, PersonalIssue, Unit
from devices.models import DeviceFlag

from ..models import Camera, Flag, FlagNote, FlagSeverity, severity_expression

# Each device flag kind's severity, defined here only (the flags page and the digest read it). An
# officer or a cruiser going out without a trigger is the gap the signal programme exists to close;
# a worn battery or old firmware fails silently, to be fixed this week.
DEVICE_FLAG_SEVERITY: dict[str, int] = {
    DeviceFlag.Kind.OUT_WITHOUT_REPLACEMENT: FlagSeverity.HIGH,
    DeviceFlag.Kind.VEHICLE_WITHOUT_SIGNAL: FlagSeverity.HIGH,
    DeviceFlag.Kind.FIRMWARE_BELOW_MINIMUM: FlagSeverity.MEDIUM,
    DeviceFlag.Kind.BATTERY_DUE: FlagSeverity.MEDIUM,
    # As a camera not seen (inventory.models.FLAG_SEVERITY): perhaps lost, so a stocktake this week.
    DeviceFlag.Kind.NOT_SEEN: FlagSeverity.MEDIUM,
}
if set(DEVICE_FLAG_SEVERITY) != set(DeviceFlag.Kind.values):  # a new kind must say how severe it is
    raise ImportError(f"DEVICE_FLAG_SEVERITY misses {set(DeviceFlag.Kind.values) - set(DEVICE_FLAG_SEVERITY)}")
SEVERITY_BADGE = {FlagSeverity.HIGH: "bad", FlagSeverity.MEDIUM: "warn", FlagSeverity.LOW: "info"}
# The flags page and the digest list at most this many open device flags; the counts cover the rest.
DEVICE_FLAG_LIST_LIMIT = 100


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


def open_device_flag_counts() -> dict[str, int]:
    """Open device and vehicle flags per kind, every kind present (zero when none), in one query."""
    counts = dict.fromkeys(DeviceFlag.Kind.values, 0)
    counts.update(DeviceFlag.objects.open().order_by().values_list("kind").annotate(n=Count("pk")))
    return counts


def open_device_flags(limit: int = DEVICE_FLAG_LIST_LIMIT) -> list[DeviceFlag]:
    """The open device and vehicle flags, most severe first and then the oldest (one query), each with
    its `severity_rank` and the device's holder."""
    severity = Case(
        *[When(kind=kind, then=Value(int(level))) for kind, level in DEVICE_FLAG_SEVERITY.items()],
        output_field=IntegerField(),
    )
    flags = list(
        DeviceFlag.objects.open()
        .select_related("device__model", "device__officer", "device__vehicle", "vehicle__assigned_unit")
        .annotate(severity_rank=severity)
        .order_by("-severity_rank", "raised_at", "pk")[:limit]
    )
    for flag in flags:
        flag.severity_label = FlagSeverity(flag.severity_rank).label
        flag.severity_badge = SEVERITY_BADGE[flag.severity_rank]
    return flags
