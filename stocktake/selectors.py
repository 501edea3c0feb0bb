"""The reads of a stocktake: what a place should hold, the counts, a count's lines."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from devices.models import Device, DeviceStatus
from inventory.models import Camera, MaintenanceRecord

from .models import Stocktake, StocktakeLine


def _at_vendor() -> Exists:
    return Exists(
        MaintenanceRecord.objects.open().filter(
            camera=OuterRef("pk"), performed_by=MaintenanceRecord.PerformedBy.VENDOR
        )
    )


def expected_cameras(stocktake: Stocktake) -> QuerySet[Camera]:
    """The cameras the records put at the count's place (one queryset, usable as a subquery)."""
    cameras = Camera.objects.order_by()
    place = stocktake.place
    if place == Stocktake.Place.VEHICLE:
        return cameras.none()
    if place == Stocktake.Place.DOCK:
        return cameras.filter(dock_id=stocktake.dock_id)
    if place == Stocktake.Place.SPARE_SHELF:
        return cameras.filter(status=Camera.Status.AVAILABLE, dock__isnull=True)
    in_maintenance = cameras.filter(status=Camera.Status.IN_MAINTENANCE, dock__isnull=True)
    if place == Stocktake.Place.VENDOR_BOX:
        return in_maintenance.filter(_at_vendor())
    return in_maintenance.exclude(_at_vendor())


#: Where the records put a signal device, by status: in stock on the spare shelf (the quartermaster's
#: stock), in maintenance on the maintenance shelf (a device has no vendor RMA of its own), installed
#: in its vehicle. A device issued to an officer is with the officer: no place of a count expects it.
DEVICE_SHELVES = {
    Stocktake.Place.SPARE_SHELF: DeviceStatus.IN_STOCK,
    Stocktake.Place.MAINTENANCE_SHELF: DeviceStatus.IN_MAINTENANCE,
}


def expected_devices(stocktake: Stocktake) -> QuerySet[Device] | None:
    """The signal devices the records put at the count's place (usable as a subquery); None where none belong."""
    devices = Device.objects.order_by()
    if stocktake.place == Stocktake.Place.VEHICLE:
        return devices.filter(vehicle_id=stocktake.vehicle_id)
    if (status := DEVICE_SHELVES.get(Stocktake.Place(stocktake.place))) is not None:
        return devices.filter(status=status)
    return None


def stocktakes() -> QuerySet[Stocktake]:
    """Every count, newest first, with its line tallies (one query)."""
    return (
        Stocktake.objects.select_related("dock", "vehicle", "started_by")
        .annotate(
            scanned=Count("lines", filter=Q(lines__scanned_at__isnull=False)),
            differences=Count(
                "lines",
                filter=Q(
                    lines__outcome__in=[
                        StocktakeLine.Outcome.SEEN_ELSEWHERE,
                        StocktakeLine.Outcome.NOT_SEEN,
                        StocktakeLine.Outcome.UNKNOWN,
                    ],
                    lines__resolved_at__isnull=True,
                ),
            ),
        )
        .order_by("-started_at", "-pk")
    )


def lines(stocktake: Stocktake) -> QuerySet[StocktakeLine]:
    return (
        StocktakeLine.objects.filter(stocktake=stocktake)
        .select_related("camera", "recorded_dock", "device__model", "device__officer", "device__vehicle")
        .order_by("-scanned_at", "code")
    )
