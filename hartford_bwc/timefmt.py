"""How times appear to people: local time, 24-hour HH:MM, with the date only when it is not today.

`when()` is the one formatter for messages and cells; templates use it as the `when` filter
(a builtin, see TEMPLATES). Every other date a person reads goes through `day()`, `moment()` or
`month_day()`, which read the formats in hartford_bwc/formats/ (the one place a format is written);
exports write `iso_minutes()` / `iso_day()`, which a spreadsheet sorts.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@functools.lru_cache(maxsize=4096)
def _date_text(value: date, format_name: str, language: str | None) -> str:
    # A day reads the same every time it is written: the flag sweep writes thousands of details at
    # once, most of them about the same few hundred days, and Django's formatter is the slow part.
    return date_format(value, format_name)


@receiver(setting_changed)
def _formats_changed(**kwargs) -> None:
    _date_text.cache_clear()  # a test that changes the formats or the language reads the new ones


def _day_of(value: date | datetime, format_name: str) -> str:
    local = _local(value)
    return _date_text(local.date() if isinstance(local, datetime) else local, format_name, get_language())


def day(value: date | datetime | None) -> str:
    """ "Dec 2, 2026" (a datetime in local time)."""
    return _day_of(value, "DATE_FORMAT") if value else ""


def moment(value: datetime | None) -> str:
    """ "Dec 2, 2026 19:03" in local time."""
    return date_format(_local(value), "DATETIME_FORMAT") if value else ""


def month_day(value: date | datetime | None) -> str:
    """ "Dec 2": chart axes and other places where the year goes without saying."""
    return _day_of(value, "MONTH_DAY_FORMAT") if value else ""


def iso_minutes(value: datetime | None) -> str:
    """ "2026-12-02 19:03" in local time: export cells."""
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def iso_day(value: date | datetime | None) -> str:
    """ "2026-12-02" (a datetime in local time): export cells."""
    return f"{_local(value):%Y-%m-%d}" if value else ""


def day_time(value: datetime | None) -> str:
    """ "Nov 30 07:03" in local time."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{_day_of(local, 'MONTH_DAY_FORMAT')} {date_format(local, 'TIME_FORMAT')}"


def when(moment: datetime, *, now: datetime | None = None) -> str:
    """ "07:03" today, "Nov 30 07:03" on another day."""
    local = timezone.localtime(moment)
    today = timezone.localtime(now or timezone.now()).date()
    if local.date() == today:
        return date_format(local, "TIME_FORMAT")
    return day_time(local)


@register.filter(name="when", expects_localtime=False)
def when_filter(moment: datetime | None) -> str:
    return when(moment) if moment else ""


@register.filter(name="day_time", expects_localtime=False)
def day_time_filter(value: datetime | None) -> str:
    return day_time(value)
