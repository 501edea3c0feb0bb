"""The camera and its physical life: models, docks, charge events, maintenance, flags."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from .firmware import validate_firmware_version
from .lifecycle import CAMERA, DOCKABLE, CameraStatus

# The largest dock the inventory accepts. Vendors' docks hold 8 to 12 cameras (stacked racks a few
# dozen); the bound keeps a typo (or a hostile 40000) out of a smallint column, and every form,
# serializer and the API schema take it from the fields' validators below.
MAX_DOCK_BAYS = 200
BAY_VALIDATORS = [MinValueValidator(1), MaxValueValidator(MAX_DOCK_BAYS)]
PERCENT_VALIDATORS = [MaxValueValidator(100)]
MONEY_VALIDATORS = [MinValueValidator(0)]


def not_negative(field: str) -> Q:
    """An amount of money is empty or zero or more (as a database condition)."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0})


def bay_in_range(field: str) -> Q:
    """A bay number is empty or one of 1..MAX_DOCK_BAYS (as a database condition)."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 1, f"{field}__lte": MAX_DOCK_BAYS})


class CameraModel(models.Model):
    """A make and model of camera, e.g. Axon Body 4: what its battery can do."""

    maker = models.CharField(max_length=60)
    name = models.CharField(max_length=60)
    battery_hours = models.DecimalField(
        max_digits=4, decimal_places=1, help_text="Hours of recording on a full charge."
    )
    charge_hours = models.DecimalField(
        max_digits=4, decimal_places=1, default=9, help_text="Hours to recharge an empty camera in a dock."
    )

    class Meta:
        ordering = ["maker", "name"]
        constraints = [
            models.UniqueConstraint(fields=["maker", "name"], name="camera_model_unique_maker_name"),
            models.CheckConstraint(condition=Q(battery_hours__gt=0), name="camera_model_battery_hours_positive"),
            models.CheckConstraint(condition=Q(charge_hours__gt=0), name="camera_model_charge_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.maker} {self.name}"


class Dock(models.Model):
    """A charging and evidence-upload station with numbered bays."""

    name = models.CharField(max_length=60, unique=True)
    location = models.CharField(max_length=120)
    bays = models.PositiveSmallIntegerField(validators=BAY_VALIDATORS)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(bays__gte=1), name="dock_has_bays"),
            models.CheckConstraint(condition=Q(bays__lte=MAX_DOCK_BAYS), name="dock_bays_at_most_max"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


def charged_condition() -> Q:
    """The minimum charge to check out (docs/domain.md), as a condition usable in filters and aggregates.

    Telemetry, where a dock reports it, is the truth; otherwise a full charge recorded since
    the camera last came back. `Camera.is_charged` is the same rule for a camera in hand;
    inventory/tests/test_charge_rule.py holds the two to the same answer at every boundary.
    """
    telemetry_ok = Q(battery_percent__gte=settings.MIN_CHECKOUT_BATTERY_PERCENT)
    full_charge_since_return = Q(battery_percent__isnull=True, last_full_charge_at__isnull=False) & (
        Q(last_returned_at__isnull=True) | Q(last_full_charge_at__gte=F("last_returned_at"))
    )
    return telemetry_ok | full_charge_since_return


def ready_condition() -> Q:
    """Charged and in a status an officer may take it from (the lifecycle's check-out)."""
    return charged_condition() & CAMERA.status_condition(CAMERA.sources("check_out"))


class Shelf(models.Model):
    """A named shelf or cabinet where cameras wait out of a dock: a place a stocktake counts.

    A camera's `shelf` says which one the records put it on (set when a count moves it there); a dock
    clears it, and so do check-out and loss. A dock bank is a `Dock`; the vendor box is derived from the
    open vendor repairs (stocktake.selectors.expected_cameras), so neither is a shelf.
    """

    name = models.CharField(max_length=60, unique=True)
    location = models.CharField(max_length=120, blank=True, help_text="The room it is in, e.g. HQ equipment room.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="shelf_has_a_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})" if self.location else self.name


class CameraQuerySet(models.QuerySet):
    def charged(self) -> CameraQuerySet:
        """Cameras that meet the minimum charge to check out (see `charged_condition`)."""
        return self.filter(charged_condition())

    def ready(self) -> CameraQuerySet:
        return self.filter(ready_condition())

    def in_service(self) -> CameraQuerySet:
        return self.exclude(status__in=CAMERA.out_of_service)


class Camera(models.Model):
    # The statuses and the rules between them are the camera's lifecycle (inventory/lifecycle.py).
    Status = CameraStatus

    class Pool(models.TextChoices):
        PERSONAL = "personal", "Personal issue"
        SPARE = "spare", "Spare pool"

    asset_tag = models.CharField(max_length=30, unique=True, help_text="The label on the camera.")
    serial_number = models.CharField(max_length=60, unique=True, help_text="The manufacturer's serial number.")
    model = models.ForeignKey(CameraModel, on_delete=models.PROTECT, related_name="cameras")
    firmware_version = models.CharField(max_length=20, blank=True, validators=[validate_firmware_version])
    purchase_batch = models.CharField(max_length=40, blank=True)
    purchased_on = models.DateField(null=True, blank=True)
    supplier = models.CharField(max_length=80, blank=True, help_text="Who sold the camera to the department.")
    purchase_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=MONEY_VALIDATORS, help_text="In dollars."
    )
    warranty_ends_on = models.DateField(
        null=True, blank=True, help_text="The last day the manufacturer's warranty covers the camera."
    )
    pool = models.CharField(max_length=10, choices=Pool.choices, default=Pool.SPARE)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AVAILABLE, db_index=True)
    dock = models.ForeignKey(Dock, null=True, blank=True, on_delete=models.PROTECT, related_name="cameras")
    dock_bay = models.PositiveSmallIntegerField(null=True, blank=True, validators=BAY_VALIDATORS)
    shelf = models.ForeignKey(
        Shelf,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cameras",
        help_text="The named shelf the records put it on (never while in a dock).",
    )
    last_docked_at = models.DateTimeField(null=True, blank=True)
    last_full_charge_at = models.DateTimeField(null=True, blank=True)
    battery_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=PERCENT_VALIDATORS, help_text="Where telemetry exists."
    )
    last_inspected_at = models.DateTimeField(null=True, blank=True)
    last_returned_at = models.DateTimeField(null=True, blank=True)
    # Last time someone or something had the camera physically in hand: a stocktake scan, a check-in,
    # a dock reporting it (inventory.services.record_charge). The "not seen" flag reads it.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    lost_incident_number = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CameraQuerySet.as_manager()

    class Meta:
        ordering = ["asset_tag"]
        constraints = [
            models.CheckConstraint(
                condition=Q(battery_percent__isnull=True) | Q(battery_percent__lte=100),
                name="camera_battery_percent_range",
            ),
            models.CheckConstraint(
                condition=~Q(status=CameraStatus.LOST) | ~Q(lost_incident_number=""),
                name="camera_lost_has_incident_number",
            ),
            models.CheckConstraint(condition=not_negative("purchase_price"), name="camera_purchase_price_not_negative"),
            models.CheckConstraint(
                condition=Q(dock_bay__isnull=True) | Q(dock__isnull=False), name="camera_bay_needs_dock"
            ),
            models.CheckConstraint(
                condition=Q(dock__isnull=True) | CAMERA.status_condition(DOCKABLE),
                name="camera_docked_only_when_on_shelf",
            ),
            models.CheckConstraint(
                condition=Q(shelf__isnull=True) | Q(dock__isnull=True), name="camera_in_a_dock_or_on_a_shelf"
            ),
            models.CheckConstraint(
                condition=Q(shelf__isnull=True) | CAMERA.status_condition(DOCKABLE),
                name="camera_shelved_only_when_on_shelf",
            ),
            models.UniqueConstraint(
                fields=["dock", "dock_bay"],
                condition=Q(dock__isnull=False, dock_bay__isnull=False),
                name="camera_one_per_dock_bay",
            ),
            # One label, one serial, whatever the case they were typed in (hartford_bwc.anycase): the
            # services and forms say which camera holds it; these catch a race and any other writer.
            models.UniqueConstraint(
                Upper("asset_tag"),
                name="camera_asset_tag_unique_any_case",
                violation_error_message="Another camera has this asset tag (in another case).",
            ),
            models.UniqueConstraint(
                Upper("serial_number"),
                name="camera_serial_number_unique_any_case",
                violation_error_message="Another camera has this serial number (in another case).",
            ),
        ]
        indexes = [models.Index(fields=["status", "pool"])]

    def __str__(self) -> str:
        return self.asset_tag

    def get_absolute_url(self) -> str:
        return reverse("inventory:camera_detail", args=[self.asset_tag])

    @property
    def is_charged(self) -> bool:
        """`charged_condition()` for this row, without a query (test_charge_rule.py keeps them equal)."""
        if self.battery_percent is not None:
            return self.battery_percent >= settings.MIN_CHECKOUT_BATTERY_PERCENT
        if self.last_full_charge_at is None:
            return False
        return self.last_returned_at is None or self.last_full_charge_at >= self.last_returned_at

    @property
    def location_label(self) -> str:
        if self.dock_id is None:
            return ""
        return f"{self.dock.name}, bay {self.dock_bay}" if self.dock_bay else self.dock.name


class ChargeEvent(models.Model):
    """What a dock (or a person) recorded about a camera's battery."""

    class Kind(models.TextChoices):
        DOCKED = "docked", "Docked"
        UNDOCKED = "undocked", "Undocked"
        FULL_CHARGE = "full_charge", "Full charge"
        BATTERY = "battery", "Battery reading"

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="charge_events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    dock = models.ForeignKey(Dock, null=True, blank=True, on_delete=models.PROTECT, related_name="charge_events")
    bay = models.PositiveSmallIntegerField(null=True, blank=True, validators=BAY_VALIDATORS)
    battery_percent = models.PositiveSmallIntegerField(null=True, blank=True, validators=PERCENT_VALIDATORS)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["camera", "-recorded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(battery_percent__isnull=True) | Q(battery_percent__lte=100),
                name="charge_event_battery_percent_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="docked") | Q(dock__isnull=False), name="charge_event_docked_names_dock"
            ),
            # A bay number means nothing without the dock it belongs to.
            models.CheckConstraint(
                condition=Q(bay__isnull=True) | Q(dock__isnull=False), name="charge_event_bay_needs_dock"
            ),
            models.CheckConstraint(condition=bay_in_range("bay"), name="charge_event_bay_range"),
        ]

    def __str__(self) -> str:
        # In the department's time, like every page: this text is kept in the audit trail (it read UTC).
        when = f" {timezone.localtime(self.recorded_at):%Y-%m-%d %H:%M}" if self.recorded_at else ""
        return f"{self.camera} {self.get_kind_display()}{when}"


class MaintenanceRecordQuerySet(models.QuerySet):
    def open(self) -> MaintenanceRecordQuerySet:
        return self.filter(closed_at__isnull=True)

    def closed(self) -> MaintenanceRecordQuerySet:
        return self.filter(closed_at__isnull=False)


def under_warranty_condition(prefix: str = "") -> Q:
    """Closed on or before the camera's warranty end (the local day), as a database condition.

    `MaintenanceRecord.under_warranty` is the same rule for one row; test_cost_warranty.py keeps them equal.
    """
    return Q(**{f"{prefix}closed_at__date__lte": F(f"{prefix}camera__warranty_ends_on")})


class MaintenanceRecord(models.Model):
    class Kind(models.TextChoices):
        INSPECTION = "inspection", "Inspection"
        REPAIR = "repair", "Repair"
        FIRMWARE_UPDATE = "firmware_update", "Firmware update"
        BATTERY_REPLACEMENT = "battery_replacement", "Battery replacement"

    class PerformedBy(models.TextChoices):
        # A damage report opens a record that a quartermaster has not yet triaged.
        AWAITING_TRIAGE = "", "Awaiting triage"
        IN_HOUSE = "in_house", "In-house"
        VENDOR = "vendor", "Vendor (RMA)"

    class Outcome(models.TextChoices):
        OPEN = "", "Open"
        RETURNED_TO_SERVICE = "returned_to_service", "Returned to service"
        RETIRED = "retired", "Retired"

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="maintenance_records")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    performed_by = models.CharField(max_length=10, choices=PerformedBy.choices, blank=True)
    rma_number = models.CharField("RMA number", max_length=40, blank=True)
    problem = models.TextField(blank=True, help_text="What is wrong, as reported.")
    opened_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When work began in-house or the RMA was opened with the vendor."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    repair_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=MONEY_VALIDATORS,
        help_text="What the work cost the department, in dollars; entered when the record is closed.",
    )

    objects = MaintenanceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["camera", "-opened_at"]),
            # The maintenance report's warranty repairs, latest first: a page is the first few entries
            # of this index (each joined to its camera for the warranty), not a sort of every failure
            # closed in the range (tens of thousands at the widest range of a big fleet). The kinds
            # are reports.selectors.maintenance.FAILURE_KINDS.
            models.Index(
                F("closed_at").desc(),
                F("id").desc(),
                condition=Q(kind__in=["repair", "battery_replacement"]),
                name="maintenance_failures_closed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["camera"], condition=Q(closed_at__isnull=True), name="maintenance_one_open_per_camera"
            ),
            models.CheckConstraint(
                condition=~Q(performed_by="vendor") | ~Q(rma_number=""), name="maintenance_vendor_needs_rma"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("opened_at")),
                name="maintenance_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="") | Q(closed_at__isnull=False) & ~Q(outcome=""),
                name="maintenance_outcome_iff_closed",
            ),
            models.CheckConstraint(condition=not_negative("repair_cost"), name="maintenance_repair_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.camera_id and self.camera.asset_tag}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def under_warranty(self) -> bool:
        """Closed while the camera's warranty still ran: the vendor, not the department, should pay."""
        ends = self.camera.warranty_ends_on
        return self.closed_at is not None and ends is not None and timezone.localdate(self.closed_at) <= ends


class FlagQuerySet(models.QuerySet):
    def open(self) -> FlagQuerySet:
        return self.filter(resolved_at__isnull=True)

    def resolved(self) -> FlagQuerySet:
        return self.filter(resolved_at__isnull=False)


class Flag(models.Model):
    """A condition that needs a person; raised and resolved by the sweep, never duplicated."""

    class Kind(models.TextChoices):
        CHARGING_OVERDUE = "charging_overdue", "Charging overdue"
        NOT_DOCKED = "not_docked", "Not docked after return"
        INSPECTION_DUE = "inspection_due", "Inspection due"
        INSPECTION_OVERDUE = "inspection_overdue", "Inspection overdue"
        RETURN_OVERDUE = "return_overdue", "Return overdue"
        DAMAGED_NOT_IN_MAINTENANCE = "damaged_not_in_maintenance", "Damaged, not in maintenance"
        REPAIR_OVERDUE = "repair_overdue", "Repair overdue at vendor"
        FIRMWARE_BELOW_MINIMUM = "firmware_below_minimum", "Firmware below minimum"
        REFRESH_DUE = "refresh_due", "Refresh due"
        NOT_SEEN = "not_seen", "Not seen in a stocktake"

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The staff user who is to deal with it (a quartermaster assigns it; inventory.flags.services).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_flags"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    # When the new flag's emails were claimed (inventory.flags.notify): each flag is emailed once.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["camera", "kind"], condition=Q(resolved_at__isnull=True), name="flag_one_open_per_camera_kind"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("raised_at")),
                name="flag_resolved_after_raised",
            ),
        ]
        indexes = [models.Index(fields=["kind", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.camera_id and self.camera.asset_tag}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def severity(self) -> int:
        return FLAG_SEVERITY[self.kind]

    def get_severity_display(self) -> str:
        return FlagSeverity(self.severity).label


class FlagSeverity(models.IntegerChoices):
    """How urgent a kind of flag is; the flags page sorts by it, most severe first."""

    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


# Each kind's severity, defined here only: the flags page's sort (`severity_expression`), its badges
# and the emails read it. A camera out past its return or damaged and still in use is evidence and
# safety at risk; firmware below the minimum can lose evidence; overdue inspections and repairs and
# an undocked camera (its evidence not uploaded) need action this week; the rest is housekeeping.
FLAG_SEVERITY: dict[str, int] = {
    Flag.Kind.RETURN_OVERDUE: FlagSeverity.HIGH,
    Flag.Kind.DAMAGED_NOT_IN_MAINTENANCE: FlagSeverity.HIGH,
    Flag.Kind.FIRMWARE_BELOW_MINIMUM: FlagSeverity.HIGH,
    Flag.Kind.NOT_DOCKED: FlagSeverity.MEDIUM,
    Flag.Kind.INSPECTION_OVERDUE: FlagSeverity.MEDIUM,
    Flag.Kind.REPAIR_OVERDUE: FlagSeverity.MEDIUM,
    # Unaccounted for 90 days: perhaps lost, so a stocktake this week (not yet an incident).
    Flag.Kind.NOT_SEEN: FlagSeverity.MEDIUM,
    Flag.Kind.CHARGING_OVERDUE: FlagSeverity.LOW,
    Flag.Kind.INSPECTION_DUE: FlagSeverity.LOW,
    Flag.Kind.REFRESH_DUE: FlagSeverity.LOW,
}
if set(FLAG_SEVERITY) != set(Flag.Kind.values):  # a new kind must say how severe it is
    raise ImportError(f"inventory.models.FLAG_SEVERITY misses {set(Flag.Kind.values) - set(FLAG_SEVERITY)}")


def severity_expression() -> models.Case:
    """FLAG_SEVERITY as SQL, to sort and filter flags by severity in the database."""
    return models.Case(
        *[models.When(kind=kind, then=models.Value(int(level))) for kind, level in FLAG_SEVERITY.items()],
        output_field=models.IntegerField(),
    )


class FlagNote(models.Model):
    """A staff user's note on a flag ("called the officer, back at 18:00"); notes are never edited."""

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="flag_note_has_text")]

    def __str__(self) -> str:
        return f"Note on flag {self.flag_id} by {self.author_id}"


class NotificationPreference(models.Model):
    """How one staff user is emailed about one kind of flag; no row means the default for their role
    (inventory.flags.preferences.default_delivery)."""

    class Delivery(models.TextChoices):
        IMMEDIATELY = "immediately", "Immediately"
        DIGEST = "digest", "In the shift digest"
        NEVER = "never", "Never"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flag_notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Flag.Kind.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_one_per_user_kind"),
            models.CheckConstraint(
                condition=Q(delivery__in=["immediately", "digest", "never"]), name="notification_preference_delivery"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} {self.delivery}"


class Attachment(models.Model):
    """A photo or document carried by a maintenance record: a damage report's photos, a vendor RMA's papers.

    The bytes live in Django's default storage (file system, or S3-compatible storage by setting) under
    a random name; the type was read from the file's first bytes, never from its name or the browser's
    word, and is the only type it is ever served as (inventory.attachments).
    """

    class Kind(models.TextChoices):
        PHOTO = "photo", "Photo"
        DOCUMENT = "document", "Document"

    record = models.ForeignKey(MaintenanceRecord, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Of the bytes as stored: proof the file is unchanged.")
    original_name = models.CharField(max_length=120, blank=True, help_text="As uploaded, for people only.")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(
                condition=Q(
                    content_type__in=["image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"]
                ),
                name="attachment_known_type",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or f"{self.get_kind_display()} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:attachment_file", args=[self.pk])


class KeptCount(models.Model):
    """Rows counted by key without counting the table: cameras by `inventory.counts.key_sql` (the status;
    for an available camera, what its charge reads), check-outs (key "checkouts") and officers (key
    "officers"). One row per key after a recount, plus one row (+1 / -1) per change since, written by
    database triggers in the changing transaction (migrations inventory kept_counts, assignments
    open_checkout_indexes and officer_count).
    The dashboard and the API's list counts sum them; inventory.counts says why and how."""

    key = models.CharField(max_length=40)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["key"], name="kept_count_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.n:+d}"
