"""The reads of a stocktake: what a place should hold, the counts, a count's lines."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assignments.models import Checkout
from devices.models import Device, DeviceStatus
from inventory.lifecycle import DOCKABLE
from inventory.models import Camera, MaintenanceRecord, Shelf

from .models import TO_RESOLVE, Stocktake, StocktakeLine, VendorExport


def _at_vendor() -> Exists:
    return Exists(
        MaintenanceRecord.objects.open().filter(
            camera=OuterRef("pk"), performed_by=MaintenanceRecord.PerformedBy.VENDOR
        )
    )


def expected_cameras(stocktake: Stocktake) -> QuerySet[Camera]:
    """The cameras the records put at the count's place (one queryset, usable as a subquery).

    Each camera is expected at one place at most: a camera out under a vendor RMA is in the vendor
    box, whatever shelf it was on; one on a named shelf is not also expected on the spare or
    maintenance shelf.
    """
    cameras = Camera.objects.order_by()
    place = stocktake.place
    if place == Stocktake.Place.VEHICLE:
        return cameras.none()
    if place == Stocktake.Place.DOCK:
        return cameras.filter(dock_id=stocktake.dock_id)
    in_maintenance = cameras.filter(status=Camera.Status.IN_MAINTENANCE, dock__isnull=True)
    if place == Stocktake.Place.VENDOR_BOX:
        return in_maintenance.filter(_at_vendor())
    if place == Stocktake.Place.SHELF:
        return cameras.filter(shelf_id=stocktake.shelf_id, status__in=DOCKABLE).exclude(_at_vendor())
    unshelved = cameras.filter(shelf__isnull=True, dock__isnull=True)
    if place == Stocktake.Place.SPARE_SHELF:
        return unshelved.filter(status=Camera.Status.AVAILABLE)
    return unshelved.filter(status=Camera.Status.IN_MAINTENANCE).exclude(_at_vendor())


def open_stocktakes() -> QuerySet[Stocktake]:
    """The counts still open, newest first (a kiosk offers to carry one on)."""
    return (
        Stocktake.objects.filter(finished_at__isnull=True)
        .select_related("dock", "shelf", "vehicle")
        .order_by("-started_at")
    )


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


def stocktakes(*, limit: int) -> QuerySet[Stocktake]:
    """The `limit` newest counts, newest first, with their line tallies (one query).

    The newest are picked before anything is joined, and each shown count's tallies are counted in
    their partial indexes (StocktakeLine.Meta.indexes): tallying first read every line of every count
    ever made (a count of the spare pool has a line for each spare not seen) and joined every dock and
    vehicle to them, to show 50; the page's cost grew with the fleet and the history.
    """
    newest = Stocktake.objects.order_by("-started_at", "-pk").values("pk")[:limit]
    return (
        Stocktake.objects.filter(pk__in=newest)
        .select_related("dock", "shelf", "vehicle", "started_by")
        .annotate(
            scanned=_tally(scanned_at__isnull=False),
            differences=_tally(outcome__in=TO_RESOLVE, resolved_at__isnull=True),
        )
        .order_by("-started_at", "-pk")
    )


def _tally(**lines) -> Coalesce:
    """How many of the count's lines match `lines` (a scalar subquery: no GROUP BY of the whole row)."""
    matching = (
        StocktakeLine.objects.filter(stocktake=OuterRef("pk"), **lines)
        .order_by()
        .values("stocktake")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(matching), 0)


def lines(stocktake: Stocktake) -> QuerySet[StocktakeLine]:
    return (
        StocktakeLine.objects.filter(stocktake=stocktake)
        .select_related(
            "camera", "recorded_dock", "recorded_shelf", "device__model", "device__officer", "device__vehicle"
        )
        .order_by("-scanned_at", "code")
    )


def holder_of(camera: Camera) -> Checkout | None:
    """The open checkout of `camera`, with its officer (for the check-in fix's confirmation)."""
    return Checkout.objects.open().select_related("officer").filter(camera=camera).first()


def shelves() -> QuerySet[Shelf]:
    """Every named shelf, in use first, with how many cameras the records put on each (one query)."""
    return Shelf.objects.annotate(cameras_here=Count("cameras")).order_by("-is_active", "name")


def vendor_exports() -> QuerySet[VendorExport]:
    return VendorExport.objects.select_related("uploaded_by").defer("rows").order_by("-uploaded_at", "-pk")


def outcome_tally(stocktake: Stocktake) -> list[tuple[str, int]]:
    """How many lines of each outcome the count has (one query)."""
    return list(
        StocktakeLine.objects.filter(stocktake=stocktake).order_by().values_list("outcome").annotate(n=Count("pk"))
    )
