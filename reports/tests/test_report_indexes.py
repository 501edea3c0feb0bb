"""The compliance report finds its few undocked returns through the dock delay index (PostgreSQL).

A year of returns, almost all docked within minutes: at the widest range the date index would hand
back every row, so the plan must come from the index on the delay (checkout_dock_delay), whose
statistics tell the planner how few are late; without it the planner has nothing but a scan of the range. Sequential scans are priced out as in inventory's test_search_indexes. No timings
here: bench/load.py measures them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from assignments.models import Checkout
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory, OfficerFactory
from reports.forms import Period
from reports.selectors import compliance

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db]

NOW = datetime(2026, 3, 4, 12, tzinfo=UTC)
WIDEST = Period(start=NOW.date() - timedelta(days=730), end=NOW.date())


@pytest.fixture
def year_of_returns():
    cameras, officers = CameraFactory.create_batch(20), OfficerFactory.create_batch(20)
    rows = []
    for n in range(4000):
        out = NOW - timedelta(days=365) + timedelta(hours=2 * n)
        back = out + timedelta(hours=8)
        rows.append(
            Checkout(
                camera=cameras[n % 20],
                officer=officers[n % 20],
                checked_out_at=out,
                due_back_at=out + timedelta(hours=9),
                checked_in_at=back + timedelta(hours=2 * (n % 500 == 0)),  # 8 late
                condition="working",
                first_docked_at=None if n % 400 == 7 else back + timedelta(minutes=5),  # 10 never docked
            )
        )
    Checkout.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE assignments_checkout")


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def test_returns_not_docked_come_from_the_dock_delay_index(year_of_returns):
    undocked = compliance._not_docked(WIDEST, NOW, exempt=[])  # no exemptions: the query as it runs for most ranges
    assert undocked.count() == 10
    found = plan(undocked.values("officer_id"))
    assert "checkout_dock_delay" in found
    # Late and never docked are one range of the index (never docked reads as a century late), not two
    # scans OR-ed in a bitmap, which must then read every row of the table they point at.
    assert "BitmapOr" not in found and "Bitmap Heap Scan" not in found
