"""The reports' tables (django-tables2); an export writes exactly the values the table shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_tables2.tables import TableOptions

from assignments.models import Officer
from hartford_bwc import timefmt
from inventory.models import Camera

RANK = {value: Officer.RANK_ABBREVIATIONS.get(value, "") for value, _ in Officer.Rank.choices}


def local(at) -> str:
    """An export cell: local time in ISO 8601, which a spreadsheet sorts."""
    return timefmt.iso_minutes(at)


def shown(at) -> str:
    """A cell on the page: local time in the site's one format (hartford_bwc/formats/)."""
    return timefmt.moment(at)


def hours(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 3600, 1)
    return value


def officer_name(record: dict) -> str:
    return f"{RANK.get(record.get('rank'), '')} {record['first_name']} {record['last_name']}".strip()


class LocalTimeColumn(tables.Column):
    """An aware time shown (and exported, in ISO 8601) in the department's local time."""

    def render(self, value):
        return shown(value)

    def value(self, value):
        return local(value)


SHORT_HASH = 12


class ShortHashColumn(tables.Column):
    """An audit hash as its first 12 hex digits, the whole one on hover and on the event's page.

    The full 64 digits made the audit log 1,575 px wide on a 1366 px screen; 12 still tell events
    apart at a glance. Exports keep the whole hash.
    """

    def __init__(self, *args, event=lambda record: record, **kwargs):
        self.event_of = event
        kwargs.setdefault("attrs", {"td": {"class": "hash"}})
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        url = reverse("reports:audit_event", args=[self.event_of(record).pk])
        return format_html('<a href="{}" title="{}"><code>{}</code></a>', url, value, value[:SHORT_HASH])

    def value(self, value):
        return value


class HoursColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return f"{hours(value):.1f}"

    def value(self, value):
        return hours(value)


class NumberColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


class ReportTable(tables.Table):
    class Meta:
        attrs = {"class": "report-table"}
        template_name = "django_tables2/table.html"
        orderable = False

    def __init_subclass__(cls, **kwargs):
        # django-tables2 reads only a class's own `Meta`: a report table without one lost the
        # "report-table" class, and with it the styles (a hash column that never wrapped pushed the
        # audit log 400 px past the screen). A table without its own Meta takes its parent's.
        super().__init_subclass__(**kwargs)
        if "Meta" not in cls.__dict__:
            cls._meta = TableOptions(cls.Meta, cls.__name__)


# --- readiness -------------------------------------------------------------------------------------


class ReadinessUnitTable(ReportTable):
    unit = tables.Column("Unit")
    officers = NumberColumn("Officers on shift")
    personal_ready_now = NumberColumn("Own camera charged now")
    personal_charging_done = NumberColumn("Own camera charged by start (forecast)")
    need_spare = NumberColumn("Need a spare")

    class Meta(ReportTable.Meta):
        row_attrs = {"class": lambda record: "short" if record.get("short") else ""}


class ChargingForecastTable(ReportTable):
    asset_tag = tables.Column("Camera")
    model = tables.Column("Model", accessor="model__name")
    pool = tables.Column("Pool", accessor="get_pool_display")
    last_docked_at = LocalTimeColumn("Docked at")
    ready_at = tables.Column("Charged at (forecast)", empty_values=())
    makes = tables.Column("Ready for", empty_values=())

    def __init__(self, *args, starts=(), **kwargs):
        self.starts = list(starts)
        super().__init__(*args, **kwargs)

    @staticmethod
    def _ready_at(record: Camera):
        return record.last_docked_at + timedelta(hours=float(record.model.charge_hours))

    def render_ready_at(self, record):
        return shown(self._ready_at(record))

    def value_ready_at(self, record):
        return local(self._ready_at(record))

    def _makes(self, record, fmt) -> str:
        ready = self._ready_at(record)
        for start in self.starts:
            if ready <= start.start:
                return f"{start.shift.name} {fmt(start.start)}"
        return "None of the next starts"

    def render_makes(self, record):
        return self._makes(record, shown)

    def value_makes(self, record):
        return self._makes(record, local)


# --- coverage --------------------------------------------------------------------------------------


class CoverageUnitTable(ReportTable):
    unit = tables.Column("Unit")
    officers = NumberColumn("Active officers")
    with_personal = NumberColumn("With a personal camera")
    without_personal = NumberColumn("Without one")
    on_shift = NumberColumn("On a shift")
    missed_shifts = NumberColumn("Shifts worked without a camera (estimate)")
    officers_missing = NumberColumn("Officers with such shifts")
    no_checkout = NumberColumn("On a shift, no check-out in range")

    class Meta(ReportTable.Meta):
        row_attrs = {"class": lambda record: "total" if record.get("unit") == "All units" else ""}


class MissedShiftsTable(ReportTable):
    badge = tables.Column("Badge")
    name = tables.Column("Officer", empty_values=())
    unit = tables.Column("Unit", default="No unit")
    missed = NumberColumn("Shifts without a camera (estimate)")

    def render_name(self, record):
        return officer_name(record)

    def value_name(self, record):
        return officer_name(record)

    @staticmethod
    def export_rows(officers) -> tuple[tuple[str, ...], Iterator[list[Any]]]:
        """The export's values (as OffenderTable.export_rows) of every officer with a missed shift."""
        names = ("badge", "name", "unit", "missed")
        return names, ([row["badge"], officer_name(row), row["unit"] or "No unit", row["missed"]] for row in officers)


class ExemptOfficerTable(ReportTable):
    """Officers with a camera exemption in the range: listed apart, never as a violation."""

    badge = tables.Column("Badge")
    name = tables.Column("Officer", empty_values=())
    unit = tables.Column("Unit", default="No unit")
    exemption = tables.Column("Exemption")
    starts_on = tables.DateColumn(verbose_name="First day")
    ends_on = tables.DateColumn(verbose_name="Last day", default="no end set")
    days_in_range = NumberColumn("Exempt days in range")
    reason = tables.Column("Reason")
    approved_by_name = tables.Column("Approved by", default="")

    def render_name(self, record):
        return officer_name(record)

    def value_name(self, record):
        return officer_name(record)


# --- utilization -----------------------------------------------------------------------------------


class ModelUtilizationTable(ReportTable):
    model = tables.Column("Model")
    cameras = NumberColumn("Cameras in service")
    cameras_used = NumberColumn("Cameras used")
    checkouts = NumberColumn("Check-outs")
    hours = HoursColumn("Hours in use")
    hours_per_camera = HoursColumn("Hours per camera")


class CameraUtilizationTable(ReportTable):
    asset_tag = tables.Column("Camera")
    model = tables.Column("Model")
    pool = tables.Column("Pool")
    checkouts = NumberColumn("Check-outs")
    in_use = HoursColumn("Hours in use")

    def render_pool(self, value):
        return _pool_label(value)

    def value_pool(self, value):
        return self.render_pool(value)

    @staticmethod
    def export_rows(cameras) -> tuple[tuple[str, ...], Iterator[list[Any]]]:
        """The export's values (value_* and the columns' `value`, column for column) without a bound row
        per cell: django-tables2 took 10 s for the 29,000 cameras used in two years at 30,000."""
        names = ("asset_tag", "model", "pool", "checkouts", "in_use")
        return names, (
            [row["asset_tag"], row["model"], _pool_label(row["pool"]), row["checkouts"], hours(row["in_use"])]
            for row in cameras
        )


def _pool_label(value):
    return Camera.Pool(value).label if value in Camera.Pool.values else value


class IdleCameraTable(ReportTable):
    asset_tag = tables.Column("Camera")
    model = tables.Column("Model", accessor="model__name")
    pool = tables.Column("Pool", accessor="get_pool_display")
    last_checkout = LocalTimeColumn("Last check-out", default="Never")

    def render_last_checkout(self, value):
        return shown(value) if value else "Never"

    def value_last_checkout(self, value):
        return local(value) if value else "Never"


class PerDayTable(ReportTable):
    day = tables.Column("Day")
    checkouts = NumberColumn("Check-outs")

    def render_day(self, value):
        return timefmt.day(value)

    def value_day(self, value):
        return value.isoformat()


class PerHourTable(ReportTable):
    hour = tables.Column("Hour")
    checkouts = NumberColumn("Check-outs")

    def render_hour(self, value):
        return f"{value:02d}:00"

    def value_hour(self, value):
        return f"{value:02d}:00"


# --- overdue and compliance ------------------------------------------------------------------------


class OffenderTable(ReportTable):
    badge = tables.Column("Badge")
    name = tables.Column("Officer", empty_values=())
    unit = tables.Column("Unit")
    late = NumberColumn("Late returns")
    overdue = NumberColumn("Overdue now")
    not_docked = NumberColumn("Not docked after return")
    total = NumberColumn("Total")
    repeat = tables.Column("Repeat offender")

    class Meta(ReportTable.Meta):
        row_attrs = {"class": lambda record: "short" if record.get("repeat") else ""}

    def render_name(self, record):
        return officer_name(record)

    def value_name(self, record):
        return officer_name(record)

    def render_repeat(self, value):
        return "Yes" if value else "No"

    def value_repeat(self, value):
        return "Yes" if value else "No"

    @staticmethod
    def export_rows(officers) -> tuple[tuple[str, ...], Iterator[list[Any]]]:
        """The export's values (as CameraUtilizationTable.export_rows) of every offender."""
        names = ("badge", "name", "unit", "late", "overdue", "not_docked", "total", "repeat")
        return names, (
            [
                row["badge"],
                officer_name(row),
                row["unit"],
                row["late"],
                row["overdue"],
                row["not_docked"],
                row["total"],
                "Yes" if row["repeat"] else "No",
            ]
            for row in officers
        )


class ComplianceUnitTable(ReportTable):
    unit = tables.Column("Unit")
    returns = NumberColumn("Returns")
    late = NumberColumn("Late returns")
    late_percent = NumberColumn("Late %")
    late_officers = NumberColumn("Officers late")
    overdue = NumberColumn("Overdue now")
    not_docked = NumberColumn("Not docked after return")


class OverdueNowTable(ReportTable):
    camera = tables.Column("Camera", accessor="camera__asset_tag")
    officer = tables.Column("Officer", accessor="officer__display_name")
    badge = tables.Column("Badge", accessor="officer__badge_number")
    unit = tables.Column("Unit", accessor="officer__unit__name", default="No unit")
    checked_out_at = LocalTimeColumn("Checked out")
    due_back_at = LocalTimeColumn("Due back")


class FlagKindTable(ReportTable):
    kind = tables.Column("Flag")
    raised = NumberColumn("Raised in range")
    resolved = NumberColumn("Resolved (of those)")
    hours_to_resolve = NumberColumn("Average hours to resolve")
    open_now = NumberColumn("Open now")


# --- maintenance -----------------------------------------------------------------------------------


class RouteTable(ReportTable):
    route = tables.Column("Route")
    open_now = NumberColumn("Open now")
    opened = NumberColumn("Opened in range")
    closed = NumberColumn("Closed in range")
    retired = NumberColumn("Closed as retired")
    turnaround_days = NumberColumn("Average turnaround (days)")
    longest_days = NumberColumn("Longest (days)")


class OpenRepairTable(ReportTable):
    camera = tables.Column("Camera", accessor="camera__asset_tag")
    model = tables.Column("Model", accessor="camera__model__name")
    kind = tables.Column("Kind", accessor="get_kind_display")
    route = tables.Column("Route", accessor="get_performed_by_display")
    rma_number = tables.Column("RMA")
    opened_at = LocalTimeColumn("Opened")
    problem = tables.Column("Problem")


class RepeatFailureTable(ReportTable):
    asset_tag = tables.Column("Camera")
    model = tables.Column("Model")
    batch = tables.Column("Purchase batch")
    status = tables.Column("Status now")
    failures = NumberColumn("Failures in range")
    first = LocalTimeColumn("First")
    last = LocalTimeColumn("Latest")

    def render_status(self, value):
        return Camera.Status(value).label

    def value_status(self, value):
        return Camera.Status(value).label


class ModelBatchTable(ReportTable):
    model = tables.Column("Model")
    batch = tables.Column("Purchase batch")
    cameras = NumberColumn("Cameras bought")
    failures = NumberColumn("Failures in range")
    cameras_failed = NumberColumn("Cameras that failed")
    per_100 = NumberColumn("Failures per 100 cameras")


CENT = Decimal("0.01")


class MoneyColumn(NumberColumn):
    """Dollars and cents with thousands separators on the page; the plain number in exports."""

    def render(self, value):
        return f"${value:,.2f}"

    def value(self, value):
        # SQLite sums to Decimal("310"), PostgreSQL to Decimal("310.00"): exports read the same on both.
        return Decimal(value).quantize(CENT)


class RepairCostTable(ReportTable):
    model = tables.Column("Model")
    batch = tables.Column("Purchase batch")
    closed = NumberColumn("Repairs closed in range")
    costed = NumberColumn("With a cost entered")
    cost = MoneyColumn("Cost to the department")
    warranty_repairs = NumberColumn("Under warranty")
    warranty_cost = MoneyColumn("Billed under warranty")
    total = MoneyColumn("Total cost")


class WarrantyRepairTable(ReportTable):
    camera = tables.Column("Camera", accessor="camera__asset_tag")
    model = tables.Column("Model", accessor="camera__model__name")
    kind = tables.Column("Kind", accessor="get_kind_display")
    route = tables.Column("Route", accessor="get_performed_by_display")
    rma_number = tables.Column("RMA")
    closed_at = LocalTimeColumn("Closed")
    warranty_ends_on = tables.Column("Warranty ends", accessor="camera__warranty_ends_on")
    repair_cost = MoneyColumn("Billed")


class RefreshTable(ReportTable):
    quarter = tables.Column("Refresh due (quarter)")
    cameras = NumberColumn("Cameras in service")
    state = tables.Column("", empty_values=())

    class Meta(ReportTable.Meta):
        row_attrs = {"class": lambda record: "short" if record.get("overdue") else ""}

    @staticmethod
    def _state(record) -> str:
        return "Past due" if record.get("overdue") else "This quarter" if record.get("current") else ""

    def render_state(self, record):
        return self._state(record)

    def value_state(self, record):
        return self._state(record)


# --- officer history and camera custody ------------------------------------------------------------


def _by(kiosk, user) -> str:
    if kiosk is not None:
        return f"kiosk {kiosk.name}"
    if user is not None:
        return user.get_username()
    return ""


class OfficerHistoryTable(ReportTable):
    checked_out_at = LocalTimeColumn("Checked out")
    camera = tables.Column("Camera", accessor="camera__asset_tag")
    model = tables.Column("Model", accessor="camera__model__name")
    due_back_at = LocalTimeColumn("Due back")
    checked_in_at = LocalTimeColumn("Checked in", default="Still out")
    condition = tables.Column("Returned", accessor="get_condition_display")
    late = tables.Column("Late", empty_values=())
    out_via = tables.Column("Out via", empty_values=())
    in_via = tables.Column("In via", empty_values=())
    damage_description = tables.Column("Damage reported")

    def render_checked_in_at(self, value):
        return shown(value) if value else "Still out"

    def value_checked_in_at(self, value):
        return local(value) if value else "Still out"

    @staticmethod
    def _late(record) -> str:
        end = record.checked_in_at or timezone.now()
        return "Yes" if end > record.due_back_at else "No"

    def render_late(self, record):
        return self._late(record)

    def value_late(self, record):
        return self._late(record)

    def render_out_via(self, record):
        return _by(record.out_kiosk, record.out_by)

    def value_out_via(self, record):
        return _by(record.out_kiosk, record.out_by)

    def render_in_via(self, record):
        return _by(record.in_kiosk, record.in_by)

    def value_in_via(self, record):
        return _by(record.in_kiosk, record.in_by)


class CustodyTable(OfficerHistoryTable):
    officer = tables.Column("Held by", accessor="officer__display_name")
    badge = tables.Column("Badge", accessor="officer__badge_number")

    class Meta(OfficerHistoryTable.Meta):
        exclude = ("camera", "model")
        sequence = ("checked_out_at", "officer", "badge", "...")


class MaintenanceHistoryTable(ReportTable):
    opened_at = LocalTimeColumn("Opened")
    kind = tables.Column("Kind", accessor="get_kind_display")
    route = tables.Column("Route", accessor="get_performed_by_display")
    rma_number = tables.Column("RMA")
    problem = tables.Column("Problem")
    closed_at = LocalTimeColumn("Closed", default="Open")
    outcome = tables.Column("Outcome", accessor="get_outcome_display")
    notes = tables.Column("Notes")

    def render_closed_at(self, value):
        return shown(value) if value else "Open"

    def value_closed_at(self, value):
        return local(value) if value else "Open"


class DockEventTable(ReportTable):
    recorded_at = LocalTimeColumn("When")
    kind = tables.Column("Event", accessor="get_kind_display")
    dock = tables.Column("Dock", accessor="dock__name", default="")
    bay = tables.Column("Bay", default="")
    battery_percent = tables.Column("Battery %", default="")


class VerifiedAuditTable(ReportTable):
    occurred_at = LocalTimeColumn("When", accessor="event__occurred_at")
    actor = tables.Column("Who", accessor="event__actor_label")
    action = tables.Column("Action", accessor="event__action_title")
    object_repr = tables.Column("Record", accessor="event__object_repr")
    reason = tables.Column("Reason", accessor="event__reason")
    hash = ShortHashColumn("Audit hash (HMAC-SHA256)", accessor="event__hash", event=lambda record: record.event)
    verified = tables.Column("Verifies", empty_values=())

    @staticmethod
    def _verified(record) -> str:
        if record.ok:
            return "Yes"
        return "NO: content changed" if not record.hash_ok else "NO: link broken"

    def render_verified(self, record):
        text = self._verified(record)
        return format_html('<span class="badge {}">{}</span>', "ok" if record.ok else "bad", text)

    def value_verified(self, record):
        return self._verified(record)


# --- audit log -------------------------------------------------------------------------------------


NOWRAP = {"td": {"class": "nowrap"}}


class AuditLogTable(ReportTable):
    occurred_at = LocalTimeColumn("When", attrs=NOWRAP)
    actor_label = tables.Column("Who")
    actor_kind = tables.Column("As", accessor="get_actor_kind_display")
    kiosk = tables.Column("Kiosk", accessor="kiosk__name", default="")
    action = tables.Column("Action", accessor="action_title")
    # Exports only: the stable code (audit.actions) that a script or a later search can match on.
    action_code = tables.Column("Action code", accessor="action", visible=False)
    object_repr = tables.Column("Record")
    camera = tables.Column("Camera", accessor="camera__asset_tag", default="", attrs=NOWRAP)
    officer = tables.Column("Officer", accessor="officer__badge_number", default="")
    reason = tables.Column("Reason")
    hash = ShortHashColumn("Audit hash (HMAC-SHA256)")

    # The code itself: a column over a field with choices would otherwise show the title again.
    def render_action_code(self, record):
        return record.action

    def value_action_code(self, record):
        return record.action


# --- signal readiness ----------------------------------------------------------------------------


class SignalUnitTable(ReportTable):
    unit = tables.Column("Unit")
    shift = tables.Column("Shift")
    officers = NumberColumn("Officers going out")
    camera = NumberColumn("With a camera")
    sensor = NumberColumn("Working holster sensor")
    weapon = NumberColumn("Working signal weapon")
    vehicle = NumberColumn("Vehicle unit (unit's cruisers)")
    vehicles = tables.Column("Unit's cruisers with a working unit")
    ready = NumberColumn("Fully signal-ready")
    ready_percent = NumberColumn("Ready %")
    gaps = NumberColumn("With a gap")


class SignalGapTable(ReportTable):
    """Officers going out who are not fully signal-ready, with what each lacks."""

    badge = tables.Column("Badge")
    name = tables.Column("Officer", empty_values=())
    unit = tables.Column("Unit")
    shift = tables.Column("Shift")
    gaps = tables.Column("Gaps", empty_values=())

    def render_name(self, record):
        return officer_name(record)

    def value_name(self, record):
        return officer_name(record)

    def render_gaps(self, record):
        return "; ".join(record["gaps"])

    def value_gaps(self, record):
        return "; ".join(record["gaps"])

    @staticmethod
    def export_rows(officers) -> tuple[tuple[str, ...], Iterator[list[Any]]]:
        """The export's values (as CameraUtilizationTable.export_rows) of every officer with a gap, read
        as they are written (reports.selectors.signal.Gaps streams them)."""
        names = ("badge", "name", "unit", "shift", "gaps")
        return names, (
            [row["badge"], officer_name(row), row["unit"], row["shift"], "; ".join(row["gaps"])] for row in officers
        )
