"""A stocktake count: a place, the codes scanned there, and (once finished) what each line came to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from devices.models import Device, DeviceStatus, Vehicle
from inventory.models import Camera, Dock, Shelf


class Stocktake(models.Model):
    """One count of one place, from start to finish."""

    class Place(models.TextChoices):
        # What is expected at each place is derived from the records (stocktake.selectors.expected_cameras
        # and expected_devices): a dock bank (a Dock) and a named shelf (a Shelf) hold the cameras recorded
        # there; the spare and maintenance shelves hold the cameras of that status recorded in no dock and on
        # no named shelf, and the signal devices of that status (in stock, in maintenance); the vendor box holds
        # the cameras out under a vendor RMA; a vehicle its installed signal units.
        DOCK = "dock", "A dock's bays"
        SHELF = "shelf", "A named shelf"
        SPARE_SHELF = "spare_shelf", "Spare shelf (available cameras not in a dock, signal devices in stock)"
        MAINTENANCE_SHELF = "maintenance_shelf", "Maintenance shelf (in-house repair or inspection)"
        VENDOR_BOX = "vendor_box", "Vendor box (going to or back from the vendor under an RMA)"
        VEHICLE = "vehicle", "A vehicle (its installed signal units)"

    place = models.CharField(max_length=20, choices=Place.choices)
    dock = models.ForeignKey(Dock, null=True, blank=True, on_delete=models.PROTECT, related_name="stocktakes")
    vehicle = models.ForeignKey(Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="stocktakes")
    shelf = models.ForeignKey(Shelf, null=True, blank=True, on_delete=models.PROTECT, related_name="stocktakes")
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(place="dock", dock__isnull=False) | (~Q(place="dock") & Q(dock__isnull=True)),
                name="stocktake_dock_iff_dock_place",
            ),
            models.CheckConstraint(
                condition=Q(place="vehicle", vehicle__isnull=False) | (~Q(place="vehicle") & Q(vehicle__isnull=True)),
                name="stocktake_vehicle_iff_vehicle_place",
            ),
            models.CheckConstraint(
                condition=Q(place="shelf", shelf__isnull=False) | (~Q(place="shelf") & Q(shelf__isnull=True)),
                name="stocktake_shelf_iff_shelf_place",
            ),
        ]

    def __str__(self) -> str:
        return f"Stocktake {self.pk}: {self.place_label}"

    def get_absolute_url(self) -> str:
        return reverse("stocktake:detail", args=[self.pk])

    @property
    def place_label(self) -> str:
        if self.place == self.Place.DOCK and self.dock_id:
            return f"{self.dock.name} ({self.dock.location})"
        if self.place == self.Place.VEHICLE and self.vehicle_id:
            return str(self.vehicle)
        if self.place == self.Place.SHELF and self.shelf_id:
            return f"Shelf {self.shelf}"
        return self.get_place_display().split(" (")[0]

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


#: A camera's statuses, and a device's that a camera has not (in stock, issued).
RECORDED_STATUSES = Camera.Status.choices + [
    (value, label) for value, label in DeviceStatus.choices if value not in Camera.Status.values
]


#: The outcomes of a finished count's lines that are differences to resolve (StocktakeLine.Outcome's values).
TO_RESOLVE = ("seen_elsewhere", "not_seen", "unknown")


class StocktakeLine(models.Model):
    """A code scanned in a count, or (added when the count finishes) an asset expected and not seen.

    Keyed by the code as scanned and a reference to the asset it names: a camera or a signal device,
    at most one of them (neither: an unknown code).
    """

    class Outcome(models.TextChoices):
        SCANNED = "", "Scanned (count open)"
        SEEN_EXPECTED = "seen_expected", "Seen and expected"
        SEEN_ELSEWHERE = "seen_elsewhere", "Seen, recorded elsewhere"
        NOT_SEEN = "not_seen", "Expected, not seen"
        UNKNOWN = "unknown", "Unknown code"

    stocktake = models.ForeignKey(Stocktake, on_delete=models.PROTECT, related_name="lines")
    code = models.CharField(max_length=60, help_text="As scanned (the asset tag for a line not seen).")
    camera = models.ForeignKey(Camera, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    scanned_at = models.DateTimeField(null=True, blank=True, help_text="Empty for an asset expected and not seen.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    # What the records said when the count finished, for a line seen elsewhere (a device's status for a device).
    recorded_status = models.CharField(max_length=20, choices=RECORDED_STATUSES, blank=True)
    recorded_dock = models.ForeignKey(Dock, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_shelf = models.ForeignKey(Shelf, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-scanned_at", "-pk"]
        # The stocktake list's tallies of the counts it shows (stocktake.selectors.stocktakes): each counts
        # in its own small index, not by reading every line of a count of the whole spare pool.
        indexes = [
            models.Index(fields=["stocktake"], condition=Q(scanned_at__isnull=False), name="stocktake_line_scanned"),
            models.Index(
                fields=["stocktake"],
                condition=Q(outcome__in=TO_RESOLVE, resolved_at__isnull=True),
                name="stocktake_line_to_resolve",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "code"], name="stocktake_line_one_per_code"),
            models.UniqueConstraint(
                fields=["stocktake", "camera"],
                condition=Q(camera__isnull=False),
                name="stocktake_line_one_per_camera",
            ),
            models.UniqueConstraint(
                fields=["stocktake", "device"],
                condition=Q(device__isnull=False),
                name="stocktake_line_one_per_device",
            ),
            models.CheckConstraint(
                condition=Q(camera__isnull=True) | Q(device__isnull=True), name="stocktake_line_camera_or_device"
            ),
            models.CheckConstraint(
                condition=Q(scanned_at__isnull=False) | Q(outcome="not_seen"), name="stocktake_line_scanned_or_not_seen"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="unknown") | Q(camera__isnull=True, device__isnull=True),
                name="stocktake_line_unknown_has_no_asset",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def asset(self) -> Camera | Device | None:
        """The camera or the device the line names (None: an unknown code)."""
        return self.camera if self.camera_id else self.device if self.device_id else None

    @property
    def recorded_label(self) -> str:
        """Where the records put the asset, as a person reads it."""
        if not self.recorded_status:
            return ""
        if self.device_id:
            status = DeviceStatus(self.recorded_status).label.lower()
            holder = self.device.holder_label if self.recorded_status == DeviceStatus.ISSUED else ""
            return f"{status} to {holder}" if holder else status
        status = Camera.Status(self.recorded_status).label.lower()
        if self.recorded_dock_id:
            return f"{status}, in dock {self.recorded_dock.name}"
        if self.recorded_shelf_id:
            return f"{status}, on shelf {self.recorded_shelf.name}"
        return status


class VendorExport(models.Model):
    """An uploaded vendor device export, kept so its disagreements can be fixed one click at a time.

    Only the rows as read (stocktake.vendor.VendorRow as JSON); the comparison is made afresh against
    the records each time the page is shown, so a fixed disagreement disappears from it.
    """

    filename = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"Vendor export {self.pk}: {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("stocktake:vendor_export", args=[self.pk])
