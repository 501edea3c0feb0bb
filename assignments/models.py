"""Officers, units, shifts, personal issue and the checkout record."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce, Upper
from django.urls import reverse
from django.utils import timezone

# The two "in force" rules, each written once: the querysets' `current()` and `open()`, the partial
# unique indexes and the reports' aggregates (which reach the rows through a relation, hence `prefix`,
# e.g. "checkouts__") all read them.


def current_issue(prefix: str = "") -> Q:
    """A personal issue not revoked."""
    return Q(**{f"{prefix}revoked_at__isnull": True})


# How long after its return a check-out's camera was first docked; never docked reads as a century.
DOCK_DELAY = Coalesce(
    ExpressionWrapper(F("first_docked_at") - F("checked_in_at"), output_field=models.DurationField()),
    models.Value(timedelta(days=36525)),
    output_field=models.DurationField(),
)


def open_checkout(prefix: str = "") -> Q:
    """A checkout not checked in."""
    return Q(**{f"{prefix}checked_in_at__isnull": True})


def overdue_checkout(now: datetime, prefix: str = "") -> Q:
    """An open checkout whose camera was due back before `now`."""
    return open_checkout(prefix) & Q(**{f"{prefix}due_back_at__lt": now})


class Unit(models.Model):
    """A unit or division, e.g. Patrol District 1, Traffic."""

    name = models.CharField(max_length=80, unique=True)
    supervisor_email = models.EmailField(blank=True, help_text="Told when a camera from this unit is overdue.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """A named shift; `ends_at` earlier than `starts_at` means it ends the next day."""

    name = models.CharField(max_length=40, unique=True)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=~Q(starts_at=F("ends_at")), name="shift_has_length")]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_at:%H:%M}-{self.ends_at:%H:%M})"


class Officer(models.Model):
    class Rank(models.TextChoices):
        OFFICER = "officer", "Officer"
        DETECTIVE = "detective", "Detective"
        SERGEANT = "sergeant", "Sergeant"
        LIEUTENANT = "lieutenant", "Lieutenant"
        CAPTAIN = "captain", "Captain"

    RANK_ABBREVIATIONS = {
        Rank.OFFICER: "Ofc.",
        Rank.DETECTIVE: "Det.",
        Rank.SERGEANT: "Sgt.",
        Rank.LIEUTENANT: "Lt.",
        Rank.CAPTAIN: "Capt.",
    }

    badge_number = models.CharField(max_length=20, unique=True)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    rank = models.CharField(max_length=12, choices=Rank.choices, default=Rank.OFFICER)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="officers")
    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.PROTECT, related_name="officers")
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    # A Django password hash; the PIN itself is never stored, shown or logged.
    pin_hash = models.CharField(max_length=200, blank=True, editable=False)
    pin_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="officer"
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"])]
        constraints = [
            # A kiosk reads B-12 and b-12 as one badge (hartford_bwc.anycase).
            models.UniqueConstraint(
                Upper("badge_number"),
                name="officer_badge_number_unique_any_case",
                violation_error_message="Another officer has this badge number (in another case).",
            ),
        ]

    def __str__(self) -> str:
        return self.label_for(self.display_name, self.badge_number)

    def get_absolute_url(self) -> str:
        return self.url_for(self.badge_number)

    @staticmethod
    def label_for(display_name: str, badge_number: str) -> str:
        """How a list or an export names an officer, from the fields (read with values_list)."""
        return f"{display_name} (badge {badge_number})"

    @staticmethod
    def url_for(badge_number: str) -> str:
        """The officer's page, from the badge number (for lists that read it with values_list)."""
        return reverse("assignments:officer_detail", args=[badge_number])

    @property
    def display_name(self) -> str:
        return self.name_for(self.rank, self.first_name, self.last_name)

    @classmethod
    def name_for(cls, rank: str, first_name: str, last_name: str) -> str:
        """The display name from the three fields (exports read them with values_list, not as officers)."""
        return f"{cls.RANK_ABBREVIATIONS.get(rank, '')} {first_name} {last_name}".strip()

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)


class PersonalIssueQuerySet(models.QuerySet):
    def current(self) -> PersonalIssueQuerySet:
        """The issues in force: not revoked (at most one per officer and one per camera)."""
        return self.filter(current_issue())


class PersonalIssue(models.Model):
    """An officer's own camera; history is kept by closing rows, never deleting them."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="personal_issues")
    camera = models.ForeignKey("inventory.Camera", on_delete=models.PROTECT, related_name="personal_issues")
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    objects = PersonalIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer"], condition=current_issue(), name="personal_issue_one_per_officer"
            ),
            models.UniqueConstraint(fields=["camera"], condition=current_issue(), name="personal_issue_one_per_camera"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("issued_at")),
                name="personal_issue_revoked_after_issued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.camera_id and self.camera.asset_tag} issued to {self.officer_id and self.officer.badge_number}"


class CheckoutQuerySet(models.QuerySet):
    def open(self) -> CheckoutQuerySet:
        return self.filter(open_checkout())

    def returned(self) -> CheckoutQuerySet:
        return self.exclude(open_checkout())

    def overdue(self, now: datetime) -> CheckoutQuerySet:
        return self.filter(overdue_checkout(now))


class Checkout(models.Model):
    """One check-out of a camera by an officer, and its check-in."""

    class Condition(models.TextChoices):
        NOT_RETURNED = "", "Not returned"
        WORKING = "working", "Working"
        DAMAGED = "damaged", "Damaged"
        LOST = "lost", "Lost while out"

    camera = models.ForeignKey("inventory.Camera", on_delete=models.PROTECT, related_name="checkouts")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="checkouts")
    checked_out_at = models.DateTimeField(default=timezone.now)
    due_back_at = models.DateTimeField()
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # How each end was recorded: at a kiosk, or by a staff user on the officer's behalf.
    out_kiosk = models.ForeignKey("kiosk.Kiosk", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    in_kiosk = models.ForeignKey("kiosk.Kiosk", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    condition = models.CharField(max_length=10, choices=Condition.choices, blank=True)
    damage_description = models.TextField(blank=True)
    # The camera's first dock record at or after the check-in, kept by inventory.services.record_charge
    # (docks.fill_first_docked_at for bulk-written history): the compliance report's "not docked after
    # return" reads it from this row instead of searching the dock records of every return.
    first_docked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CheckoutQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_out_at"]
        indexes = [
            models.Index(fields=["camera", "-checked_out_at"]),
            models.Index(fields=["officer", "-checked_out_at"]),
            # A range's check-outs with their officer, read from the index alone (signal readiness asks
            # which officers took a camera in the range: 131,000 check-outs a week at 30,000 cameras,
            # 82 ms from the table, 23 ms from this index). Serves every range scan of checked_out_at.
            models.Index(fields=["checked_out_at"], include=["officer"], name="checkout_by_time_with_officer"),
            # Compliance: returns docked late or never in a range, found without reading the range's
            # other returns. Not partial: PostgreSQL keeps statistics of an index's expression, which is
            # how the planner knows how few such returns there are, only for a whole-table index. Never
            # docked reads as a century late (DOCK_DELAY), so "late or never" is one range the index
            # answers alone; the columns the report filters and groups by are included, so it reads no
            # table row (10 M check-outs: 1.2 s from the table with two bitmap scans OR-ed, 80 ms).
            models.Index(
                DOCK_DELAY,
                "checked_out_at",
                include=["officer", "checked_in_at", "first_docked_at", "condition"],
                name="checkout_dock_delay",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["camera"], condition=open_checkout(), name="checkout_one_open_per_camera"),
            models.UniqueConstraint(
                fields=["officer"], condition=open_checkout(), name="checkout_one_open_per_officer"
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(checked_in_at__gte=F("checked_out_at")),
                name="checkout_checked_in_after_out",
            ),
            models.CheckConstraint(condition=Q(due_back_at__gt=F("checked_out_at")), name="checkout_due_after_out"),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True, condition="")
                | Q(checked_in_at__isnull=False) & ~Q(condition=""),
                name="checkout_condition_iff_returned",
            ),
            models.CheckConstraint(
                condition=~Q(condition="damaged") | ~Q(damage_description=""),
                name="checkout_damage_is_described",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.camera_id and self.camera.asset_tag} to {self.officer_id and self.officer.badge_number}"

    @property
    def is_open(self) -> bool:
        return self.checked_in_at is None

    def is_overdue(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_back_at


class CheckoutDay(models.Model):
    """The check-outs one officer took of one camera on one local day, counted (issue 11).

    Kept in step by the services that write check-outs (assignments.tallies: check-out, check-in,
    a camera reported lost while out) inside their transactions, and rebuilt from the check-outs for
    history written in bulk (`assignments.tallies.rebuild`). The reports read these rows for the days
    of their range instead of every check-out: a row per (day, officer, camera), not per check-out.
    `day` is the local date (settings.TIME_ZONE) of the check-out, as the reports' ranges are.
    """

    day = models.DateField()
    # No index of their own: the unique constraint leads with the officer, and no report looks a
    # camera's day rows up (each index is one more write per check-out and per return).
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+", db_index=False)
    camera = models.ForeignKey("inventory.Camera", on_delete=models.PROTECT, related_name="+", db_index=False)
    checkouts = models.PositiveIntegerField(default=0)
    # Of those, checked in (any condition), and checked in after they were due back.
    returns = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    # The returned ones' time out (check-in - check-out), summed.
    held = models.DurationField(default=timedelta(0))
    # The earliest and latest check-out of the day, and the latest check-in of the returned ones: a
    # report that cuts a range at an instant re-reads the few check-outs of a row it cannot take whole.
    first_out = models.DateTimeField()
    last_out = models.DateTimeField()
    last_in = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # A range's rows read from the index alone (its counts included), not from the table.
            models.Index(
                fields=["day"],
                include=["officer", "camera", "checkouts", "returns", "late", "held"],
                name="checkoutday_day_counts",
            ),
            # An officer's rows in a range, counts included: exempt officers' rows (subtracted from the
            # totals by the reports) come from the index alone (400 exempt officers at 10 M check-outs:
            # 54,000 rows read from the table, 280 ms, twice a compliance page). Apart from the unique
            # key, which SQLite cannot hold with included columns.
            models.Index(
                fields=["officer", "day"],
                include=["camera", "checkouts", "returns", "late", "held"],
                name="checkoutday_officer_counts",
            ),
            # The few rows with a return after a range's end (utilization cuts those at the end).
            models.Index(fields=["last_in"], name="checkoutday_last_in"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["officer", "day", "camera"], name="checkoutday_one_per_key"),
            models.CheckConstraint(condition=Q(returns__lte=F("checkouts")), name="checkoutday_returns_le_checkouts"),
            models.CheckConstraint(condition=Q(late__lte=F("returns")), name="checkoutday_late_le_returns"),
            models.CheckConstraint(condition=Q(first_out__lte=F("last_out")), name="checkoutday_first_le_last"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: officer {self.officer_id}, camera {self.camera_id}, {self.checkouts} out"


class CheckoutTotal(models.Model):
    """Every check-out one officer took of one camera, counted: the day rows (CheckoutDay) summed over
    all time. A range that covers most of the history is read as these totals less the day rows
    outside it (a 731-day range at 10 M check-outs: the fleet's totals, and few or no day rows),
    instead of summing every day row inside it. Kept in step by the same services."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+", db_index=False)
    camera = models.ForeignKey("inventory.Camera", on_delete=models.PROTECT, related_name="+", db_index=False)
    checkouts = models.PositiveIntegerField(default=0)
    returns = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    held = models.DurationField(default=timedelta(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["officer", "camera"], name="checkouttotal_one_per_key"),
            models.CheckConstraint(condition=Q(returns__lte=F("checkouts")), name="checkouttotal_returns_le_checkouts"),
            models.CheckConstraint(condition=Q(late__lte=F("returns")), name="checkouttotal_late_le_returns"),
        ]

    def __str__(self) -> str:
        return f"officer {self.officer_id}, camera {self.camera_id}: {self.checkouts} out"


class CheckoutShiftDay(models.Model):
    """A shift day on which an officer took a camera: one row per (officer, shift day), for the coverage
    report (issue 11), which asks per officer and weekday how many shift days they worked in a range.

    A check-out's shift day is that of the officer's shift *today* (assignments.shifts.shift_day), so
    the rows are kept for officers on a shift only and recounted when an officer's shift changes or
    their shift's start moves (assignments.shift_days). Written by `check_out` in its transaction; a
    check-in or a loss changes nothing here.
    """

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField()

    class Meta:
        indexes = [
            # A range's rows (or those outside it) read from the index alone, with their officer.
            models.Index(fields=["day"], include=["officer"], name="checkoutshiftday_day_officer"),
        ]
        constraints = [
            # Also the index an officer's rows (a recount, an exempt officer's days) are read through.
            models.UniqueConstraint(fields=["officer", "day"], name="checkoutshiftday_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"officer {self.officer_id} took a camera on shift day {self.day}"


#: CheckoutShiftDayTotal's count for each ISO weekday (1 = Monday), in order.
WEEKDAY_COUNTS = ("mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays")


class CheckoutShiftDayTotal(models.Model):
    """An officer's shift days with a camera (CheckoutShiftDay) counted per ISO weekday over all time.

    The coverage report's widest range reads these less the rows outside it, instead of every row in it
    (reports.selectors.coverage). Kept by the same services, recounted with the rows.
    """

    officer = models.OneToOneField(Officer, on_delete=models.PROTECT, primary_key=True, related_name="+")
    mondays = models.PositiveIntegerField(default=0)
    tuesdays = models.PositiveIntegerField(default=0)
    wednesdays = models.PositiveIntegerField(default=0)
    thursdays = models.PositiveIntegerField(default=0)
    fridays = models.PositiveIntegerField(default=0)
    saturdays = models.PositiveIntegerField(default=0)
    sundays = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"officer {self.officer_id}: shift days with a camera per weekday"


class CheckoutHour(models.Model):
    """Check-outs taken in one hour (its start, UTC), counted: the utilization report's per-day and
    per-hour charts read these (24 rows a day) instead of the range's check-outs."""

    hour = models.DateTimeField(unique=True)
    checkouts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.hour}: {self.checkouts}"


# --- duty and training (issue 13) -------------------------------------------------------------


# The duty kinds that exempt an officer from wearing a camera (the values of DutyAssignment.Kind).
EXEMPT_DUTY_KINDS = ("undercover", "light_duty", "leave")


def in_force_on(day, prefix: str = "") -> Q:
    """A dated row (duty assignment) whose days include `day`: an open end runs on."""
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day})
    )


class DutyAssignmentQuerySet(models.QuerySet):
    def exemptions(self) -> DutyAssignmentQuerySet:
        return self.filter(kind__in=DutyAssignment.EXEMPT_KINDS)

    def in_force(self, day) -> DutyAssignmentQuerySet:
        return self.filter(in_force_on(day))

    def overlapping(self, first, last) -> DutyAssignmentQuerySet:
        """Rows with any day in [first, last] (`last` None: open-ended)."""
        overlap = Q(ends_on__isnull=True) | Q(ends_on__gte=first)
        if last is not None:
            overlap &= Q(starts_on__lte=last)
        return self.filter(overlap)


class DutyAssignment(models.Model):
    """What an officer is assigned to from one day to another, and so whether a camera is required.

    Uniform patrol and detective work require a camera (the chief's rule: in uniform or investigating
    an accident). An exemption (undercover operation, light duty, leave) is approved by a supervisor
    with a reason; its days never count as a shift without a camera. Days are local dates, both ends
    included; no end means until further notice. Exemptions of one officer never overlap (an exclusion
    constraint on PostgreSQL, the service's check under the officer's row lock everywhere).
    """

    class Kind(models.TextChoices):
        UNIFORM_PATROL = "uniform_patrol", "Uniform patrol"
        DETECTIVE = "detective", "Detective"
        UNDERCOVER = "undercover", "Undercover operation"
        LIGHT_DUTY = "light_duty", "Light duty"
        LEAVE = "leave", "Leave"

    EXEMPT_KINDS = tuple(map(Kind, EXEMPT_DUTY_KINDS))
    DUTY_KINDS = (Kind.UNIFORM_PATROL, Kind.DETECTIVE)

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="duty_assignments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = DutyAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["officer", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="duty_ends_on_or_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=EXEMPT_DUTY_KINDS) | (Q(approved_by__isnull=False) & ~Q(reason="")),
                name="duty_exemption_approved_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts_on}"

    @property
    def is_exemption(self) -> bool:
        return self.kind in self.EXEMPT_KINDS


def current_certification(day, prefix: str = "") -> Q:
    """A certification valid on `day`: taken on or before it, expiring on or after it (the expiry
    date is the last day it is good for)."""
    return Q(**{f"{prefix}certified_on__lte": day, f"{prefix}expires_on__gte": day})


class CertificationQuerySet(models.QuerySet):
    def current(self, day) -> CertificationQuerySet:
        return self.filter(current_certification(day))


class Certification(models.Model):
    """A body-worn-camera training certification, as the training records give it."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="certifications")
    certified_on = models.DateField()
    expires_on = models.DateField()
    course = models.CharField(max_length=120, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["-expires_on", "-pk"]
        indexes = [models.Index(fields=["officer", "-expires_on"])]
        constraints = [
            models.UniqueConstraint(fields=["officer", "certified_on"], name="certification_one_per_officer_and_day"),
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("certified_on")), name="certification_expires_after_certified"
            ),
        ]

    def __str__(self) -> str:
        return f"BWC certification {self.certified_on} - {self.expires_on}"


class OfficerFlagQuerySet(models.QuerySet):
    def open(self) -> OfficerFlagQuerySet:
        return self.filter(resolved_at__isnull=True)


class OfficerFlag(models.Model):
    """A condition about an officer (not a camera) that needs a person; raised and resolved by the
    flag sweep like a camera's flag, never duplicated, kept with its history."""

    class Kind(models.TextChoices):
        CERTIFICATION_EXPIRING = "certification_expiring", "Certification expiring"

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)

    objects = OfficerFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "kind"], condition=Q(resolved_at__isnull=True), name="officer_flag_one_open_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("raised_at")),
                name="officer_flag_resolved_after_raised",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: badge {self.officer_id and self.officer.badge_number}"
