"""Check-outs per local day and hour when the rows are grouped by UTC hour: across the DST changes too."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from assignments import tallies
from assignments.models import Checkout
from hartford_bwc.factories import CameraFactory, OfficerFactory
from reports.forms import Period
from reports.selectors import utilization

pytestmark = pytest.mark.django_db


def _checkout_at(utc: datetime) -> None:
    Checkout.objects.create(
        camera=CameraFactory(),
        officer=OfficerFactory(),
        checked_out_at=utc,
        due_back_at=utc + timedelta(hours=9),
        checked_in_at=utc + timedelta(hours=8),
        condition="working",
    )
    tallies.rebuild()  # written directly, not through the services that count check-outs


def test_checkouts_land_in_their_local_day_and_hour_across_the_fall_back():
    # November 1, 2026: 01:00-02:00 happens twice in Hartford (05:xx and 06:xx UTC).
    for utc in (
        datetime(2026, 11, 1, 3, 59, tzinfo=UTC),  # Oct 31, 23:59 EDT
        datetime(2026, 11, 1, 4, 0, tzinfo=UTC),  # Nov 1, 00:00 EDT
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 01:30 EST
        datetime(2026, 11, 2, 4, 59, tzinfo=UTC),  # Nov 1, 23:59 EST
        datetime(2026, 11, 2, 5, 0, tzinfo=UTC),  # Nov 2, 00:00 EST
    ):
        _checkout_at(utc)

    days, hours = utilization.per_day_and_hour(Period(start=date(2026, 10, 31), end=date(2026, 11, 2)))

    assert [row["checkouts"] for row in days] == [1, 4, 1]
    assert {row["hour"]: row["checkouts"] for row in hours if row["checkouts"]} == {23: 2, 0: 2, 1: 2}


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/New_York"])
def test_checkouts_land_in_their_local_hour_in_a_zone_with_half_hour_offsets_too(settings, zone):
    settings.TIME_ZONE = zone
    _checkout_at(datetime(2026, 3, 2, 4, 40, tzinfo=UTC))  # 10:10 in Kolkata (+05:30), 23:40 in Hartford

    days, hours = utilization.per_day_and_hour(Period(start=date(2026, 3, 1), end=date(2026, 3, 2)))

    local = datetime(2026, 3, 2, 4, 40, tzinfo=UTC).astimezone(ZoneInfo(zone))
    assert {row["hour"] for row in hours if row["checkouts"]} == {local.hour}
    assert {row["day"] for row in days if row["checkouts"]} == {local.date()}
