"""Times read the same everywhere: 24-hour HH:MM, in messages, templates and reports."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template

from hartford_bwc.timefmt import when

NY = ZoneInfo("America/New_York")


def test_today_shows_the_time_only_with_a_leading_zero():
    assert when(datetime(2026, 11, 30, 7, 3, tzinfo=NY), now=datetime(2026, 11, 30, 12, 0, tzinfo=NY)) == "07:03"


def test_another_day_keeps_the_hours_leading_zero_on_a_two_digit_day():
    # The old formatter dropped the first " 0" it found: "Nov 30 7:03".
    assert when(datetime(2026, 11, 30, 7, 3, tzinfo=NY), now=datetime(2026, 12, 1, 9, 0, tzinfo=NY)) == "Nov 30 07:03"


def test_another_day_drops_the_days_leading_zero_only():
    assert when(datetime(2026, 5, 1, 6, 58, tzinfo=NY), now=datetime(2026, 5, 2, 9, 0, tzinfo=NY)) == "May 1 06:58"


def test_templates_get_the_when_filter_without_loading_it():
    assert Template("{{ at|when }}").render(Context({"at": None})) == ""
    moment = datetime(2020, 1, 2, 7, 3, tzinfo=NY)
    assert Template("{{ at|when }}").render(Context({"at": moment})) == "Jan 2 07:03"


def test_default_template_formats_are_24_hour():
    moment = datetime(2026, 11, 30, 19, 3, tzinfo=NY)
    out = Template('{{ at|time }}|{{ at }}|{{ at|date:"SHORT_DATETIME_FORMAT" }}').render(Context({"at": moment}))
    assert out == "19:03|Nov 30, 2026 19:03|Nov 30, 2026 19:03"
