"""A date reads one way everywhere ("Dec 2, 2026"), and that way is written in one place.

The formats live in hartford_bwc/formats/en/formats.py; Python reads them through
hartford_bwc.timefmt, templates through the named formats of the `date` filter. A template, a table or
a message that spells its own format ("Sep 01, 2026", "D M j") fails here. Exports keep ISO 8601.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template

from hartford_bwc import timefmt

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {"tests", "migrations", "bench", "scripts", "node_modules", "static", "var", "docs"}
NY = ZoneInfo("America/New_York")

# What a template may pass to `date`/`time`: the formats' names, ISO 8601 for machines (the
# <time datetime=""> attribute) and the zone's abbreviation, which is not a date.
NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT"}
NAMED |= {"MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT", "c", "T"}
TEMPLATE_FORMAT = re.compile(r"""\|(?:date|time):\s*(["'])(.*?)\1|\{%\s*now\s+(["'])(.*?)\3""")
# strftime directives that spell a date for people: month and weekday names, US order, unpadded days.
PYTHON_FORMAT = re.compile(r"%[bBaAe]|%-d|%m/%d")
DATE_FORMAT_CALL = re.compile(r"""date_format\([^)]*?,\s*(["'])(.*?)\1""")
TABLE_FORMAT = re.compile(r"(?:DateColumn|DateTimeColumn)\([^)]*\bformat=")
# Modules that spell a format for another reason than showing a date.
ALLOWED = {
    "hartford_bwc/timefmt.py": "the one formatter",
    "hartford_bwc/formfields.py": "reads the dates a person or a spreadsheet may write (US order included); shows none",
}


def _files(suffix: str) -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob(f"*{suffix}")):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or SKIPPED_DIRS.intersection(parts[:-1]):
            continue
        if suffix == ".py" and (parts[-1].startswith("test_") or parts[-1] == "conftest.py"):
            continue
        found.append(path)
    return found


def formats_in_template(source: str) -> list[str]:
    found = []
    for match in TEMPLATE_FORMAT.finditer(source):
        fmt = match.group(2) if match.group(2) is not None else match.group(4)
        if fmt not in NAMED:
            found.append(fmt)
    return found


def formats_in_python(source: str) -> list[str]:
    found = PYTHON_FORMAT.findall(source)
    found += [m.group(2) for m in DATE_FORMAT_CALL.finditer(source) if m.group(2) not in NAMED]
    found += TABLE_FORMAT.findall(source)
    return found


def test_the_checks_catch_what_the_issue_found():
    # The two ways dates read before: the flag details' "Sep 01, 2026" and a template's own format.
    assert formats_in_python('f"Last inspected {at:%b %d, %Y}"') == ["%b"]
    assert formats_in_python('date_format(at, "D M j, H:i")') == ["D M j, H:i"]
    assert formats_in_python('tables.DateColumn(format="M d")') == ["DateColumn(format="]
    assert formats_in_template('{{ at|date:"D M j, H:i" }} {% now "Y" %}') == ["D M j, H:i", "Y"]
    assert formats_in_template("{{ at|date }} {{ at|date:'c' }} {{ at|date:\"DATETIME_FORMAT\" }}") == []
    assert formats_in_python('log.info("%d raised", n); f"{at:%Y-%m-%d %H:%M}"') == []


@pytest.mark.parametrize("path", _files(".html") + _files(".txt"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_spells_its_own_date_format(path):
    assert formats_in_template(path.read_text()) == []


@pytest.mark.parametrize("path", _files(".py"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_spells_its_own_date_format(path):
    if str(path.relative_to(ROOT)) in ALLOWED:
        return
    assert formats_in_python(path.read_text()) == []


def test_one_date_format_for_pages_tables_and_messages():
    at = datetime(2026, 9, 1, 19, 3, tzinfo=NY)
    out = Template('{{ at|date }}|{{ at|date:"SHORT_DATE_FORMAT" }}|{{ at|date:"SHORT_DATETIME_FORMAT" }}').render(
        Context({"at": at})
    )
    assert out == "Sep 1, 2026|Sep 1, 2026|Sep 1, 2026 19:03"
    assert timefmt.day(at) == "Sep 1, 2026"
    assert timefmt.day(date(2026, 12, 2)) == "Dec 2, 2026"
    assert timefmt.moment(at) == "Sep 1, 2026 19:03"
    assert timefmt.month_day(at) == "Sep 1"


def test_exports_keep_iso_in_local_time():
    at = datetime(2026, 9, 1, 23, 30, tzinfo=ZoneInfo("UTC"))  # 19:30 in Hartford
    assert timefmt.iso_minutes(at) == "2026-09-01 19:30"
    assert timefmt.iso_day(at) == "2026-09-01"


@pytest.mark.django_db
def test_a_flag_detail_reads_dates_like_the_pages(settings):
    from hartford_bwc.factories import CameraFactory
    from inventory.flags.rules import SweepContext, _inspection_detail

    camera = CameraFactory(last_inspected_at=datetime(2026, 9, 1, 12, 0, tzinfo=NY))
    ctx = SweepContext(now=datetime(2026, 12, 2, 12, 0, tzinfo=NY))
    assert _inspection_detail(camera, ctx) == "Last inspected Sep 1, 2026 (92 days ago)."


def test_a_day_written_many_times_is_formatted_once(monkeypatch):
    # The flag sweep writes thousands of details about a few hundred days (issue 11).
    calls = []
    monkeypatch.setattr(timefmt, "date_format", lambda value, name: calls.append(name) or f"{name} {value}")
    timefmt._date_text.cache_clear()
    new_york = ZoneInfo(settings.TIME_ZONE)
    moments = [datetime(2026, 12, 2, hour, minute, tzinfo=new_york) for hour in range(24) for minute in (0, 30)]
    assert {timefmt.day(moment) for moment in moments} == {"DATE_FORMAT 2026-12-02"}
    assert timefmt.day(date(2026, 12, 2)) == "DATE_FORMAT 2026-12-02"
    assert {timefmt.month_day(moment) for moment in moments} == {"MONTH_DAY_FORMAT 2026-12-02"}
    assert calls == ["DATE_FORMAT", "MONTH_DAY_FORMAT"]
    timefmt._date_text.cache_clear()
