"""The forms that choose what a report covers: a date range, an officer, a camera, audit filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from assignments.models import Officer
from audit import actions
from hartford_bwc import timefmt
from inventory.models import Camera
from kiosk.models import Kiosk

# A report over more than this many days is refused: it would scan most of the history for no reader.
MAX_RANGE_DAYS = 731
# The dates a report accepts. Outside them the code could not add a day (date.max + 1 day is an
# OverflowError) or a default span; no camera record predates 1970 or outlives 2999.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def _in_supported_years(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise forms.ValidationError(
            f"Enter a date between {EARLIEST_DATE:%Y-%m-%d} and {LATEST_DATE:%Y-%m-%d}.", code="date_out_of_range"
        )


def _check_range(start: date, end: date) -> None:
    if start > end:
        raise forms.ValidationError("The start date is after the end date.", code="reversed_range")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise forms.ValidationError(f"Choose a range of at most {MAX_RANGE_DAYS} days.", code="range_too_long")


def date_field(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput(), validators=[_in_supported_years])


@dataclass(frozen=True)
class Period:
    """Local dates `start`..`end` inclusive, and the aware instants that bound them."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return f"{timefmt.day(self.start)} to {timefmt.day(self.end)}"

    @classmethod
    def last_days(cls, days: int, *, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(start=today - timedelta(days=days - 1), end=today)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RangeForm(forms.Form):
    """From/to dates; blank fields fall back to the report's default span ending today."""

    start = date_field("From")
    end = date_field("To")

    def __init__(self, data=None, *, default_days: int = 28, **kwargs):
        self.default_days = default_days
        super().__init__(data, **kwargs)
        default = Period.last_days(default_days)
        self.fields["start"].initial, self.fields["end"].initial = default.start, default.end

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            _check_range(start, end)
        return cleaned

    def period(self) -> Period:
        """The chosen period, or the default one when the input is missing or invalid."""
        default = Period.last_days(self.default_days)
        if not self.is_bound or not self.is_valid():
            return default
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start and end:
            return Period(start=start, end=end)
        if start:
            return Period(start=start, end=start + timedelta(days=self.default_days - 1))
        if end:
            return Period(start=end - timedelta(days=self.default_days - 1), end=end)
        return default


class IdleForm(RangeForm):
    idle_days = forms.IntegerField(label="Idle after (days)", required=False, min_value=1, max_value=365, initial=14)

    def idle(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("idle_days"):
            return self.cleaned_data["idle_days"]
        return 14


class OfficerHistoryForm(RangeForm):
    badge = forms.CharField(label="Badge number", max_length=20)

    def clean_badge(self) -> Officer:
        badge = self.cleaned_data["badge"].strip()
        officer = Officer.objects.select_related("unit", "shift").filter(badge_number=badge).first()
        if officer is None:
            raise forms.ValidationError(f"No officer has badge number {badge}.")
        return officer


class CustodyForm(RangeForm):
    asset_tag = forms.CharField(label="Asset tag or serial number", max_length=60)

    def clean_asset_tag(self) -> Camera:
        value = self.cleaned_data["asset_tag"].strip()
        camera = (
            Camera.objects.select_related("model", "dock").filter(asset_tag__iexact=value).first()
            or Camera.objects.select_related("model", "dock").filter(serial_number__iexact=value).first()
        )
        if camera is None:
            raise forms.ValidationError(f"No camera has asset tag or serial number {value}.")
        return camera


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label="Actor", required=False, max_length=100, help_text="Part of the name shown.")
    kiosk = forms.ModelChoiceField(label="Kiosk", required=False, queryset=Kiosk.objects.order_by("name"))
    camera = forms.CharField(label="Camera asset tag", required=False, max_length=30)
    officer = forms.CharField(label="Officer badge", required=False, max_length=20)
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Any action"), *actions.grouped_choices()])
    start = date_field("From")
    end = date_field("To")

    default_days = 28

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start or end:
            # The range the search will cover (a missing end is today), checked like every report's.
            period = self.period_for(start, end)
            _check_range(period.start, period.end)
        return cleaned

    @classmethod
    def period_for(cls, start: date | None, end: date | None) -> Period:
        end = end or timezone.localdate()
        start = start or end - timedelta(days=cls.default_days - 1)
        return Period(start=start, end=end)

    def filters(self) -> dict:
        """The valid filters as plain values (an invalid form filters nothing it could not read)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
