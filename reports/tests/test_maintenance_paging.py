"""The maintenance report at scale (issue 11): repeat failures grouped per camera and cut to the page in
the database, failures per model and batch in one query, the warranty repairs paged with the count the
cost totals already hold. Each is checked against the plain per-record reading it replaced."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Count, F, Max, Min

from accounts import roles
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory, CameraModelFactory
from hartford_bwc.testing import sign_in
from inventory.models import MaintenanceRecord
from reports.forms import Period
from reports.selectors import maintenance

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
MARCH = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))
START = datetime(2026, 3, 2, 9, tzinfo=NY)


def _failure(camera, day: int, *, kind: str = "repair", closed: bool = True) -> None:
    opened = START + timedelta(days=day)
    MaintenanceRecord.objects.create(
        camera=camera,
        kind=kind,
        performed_by="in_house",
        opened_at=opened,
        closed_at=opened + timedelta(hours=4) if closed else None,
        outcome="returned_to_service" if closed else "",
    )


@pytest.fixture
def failures():
    """Seven cameras failing 0-4 times in March (ties among them), one failing in February only, an
    inspection (routine), a batch with no failure, warranties ending before, during and after March."""
    body3, body4 = CameraModelFactory(name="Body 3"), CameraModelFactory(name="Body 4")
    counts = {"B3-A": 3, "B3-B": 2, "B3-C": 2, "B3-D": 4, "B3-E": 1, "B4-A": 2, "B4-B": 3}
    for tag, n in counts.items():
        model = body3 if tag.startswith("B3") else body4
        camera = CameraFactory(
            asset_tag=tag,
            model=model,
            purchase_batch="" if tag == "B3-E" else "2024",
            warranty_ends_on=date(2026, 3, 10 + n),
        )
        for day in range(n):
            _failure(camera, day * 5, kind="battery_replacement" if day == 1 else "repair", closed=day < 3)
        _failure(camera, 20, kind="inspection")
    february = CameraFactory(asset_tag="B3-F", model=body3, purchase_batch="2024")
    _failure(february, -10)
    _failure(february, -9)
    CameraFactory.create_batch(3, model=body4, purchase_batch="2026")


def _repeat_reference(period: Period) -> list[tuple]:
    # The per-record grouping the report read before (every failure joined to its camera).
    rows = (
        MaintenanceRecord.objects.filter(
            kind__in=maintenance.FAILURE_KINDS, opened_at__gte=period.since, opened_at__lt=period.until
        )
        .values(asset_tag=F("camera__asset_tag"), model=F("camera__model__name"), status=F("camera__status"))
        .annotate(failures=Count("pk"), first=Min("opened_at"), last=Max("opened_at"))
        .filter(failures__gte=maintenance.REPEAT_FAILURE_MIN)
        .order_by("-failures", "asset_tag")
    )
    return [(r["asset_tag"], r["model"], r["status"], r["failures"], r["first"], r["last"]) for r in rows]


def _repeat(rows) -> list[tuple]:
    return [(r["asset_tag"], r["model"], r["status"], r["failures"], r["first"], r["last"]) for r in rows]


def test_repeat_failures_read_a_page_at_a_time_in_the_reference_order(failures):
    expected = _repeat_reference(MARCH)
    assert [row[0] for row in expected] == ["B3-D", "B3-A", "B4-B", "B3-B", "B3-C", "B4-A"]

    for offset in (0, 2, 4):
        page = maintenance.repeat_failures(MARCH, offset=offset, limit=2)
        assert len(page) == 6
        assert _repeat(page[offset : offset + 2]) == expected[offset : offset + 2]
        assert _repeat(page) == expected  # an export reads every row
    assert isinstance(expected[0][4], datetime) and expected[0][4] == START


def test_a_page_past_the_last_still_knows_how_many_cameras_repeat(failures):
    past = maintenance.repeat_failures(MARCH, offset=50, limit=25)
    assert len(past) == 6
    assert _repeat(past[0:25]) == _repeat_reference(MARCH)


def test_no_repeat_failure_is_an_empty_table_read_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(maintenance.repeat_failures(MARCH)) == 0


def test_failures_per_model_and_batch_count_every_camera_bought(failures):
    rows = [
        (r["model"], r["batch"], r["cameras"], r["failures"], r["cameras_failed"], r["per_100"])
        for r in maintenance.failures_by_model_batch(MARCH)
    ]
    # B3-F failed in February only: a camera of its batch, no failure in March. Inspections are routine.
    # A batch left blank sorts first, as the blank it is.
    assert rows == [
        ("Body 3", "Unknown batch", 1, 1, 1, 100.0),
        ("Body 3", "2024", 5, 11, 4, 220.0),
        ("Body 4", "2024", 2, 5, 2, 250.0),
        ("Body 4", "2026", 3, 0, 0, 0.0),
    ]


def test_the_warranty_repairs_are_paged_with_the_cost_totals_count(failures):
    costs = maintenance.cost_totals(maintenance.repair_costs_by_model_batch(MARCH))
    plain = list(maintenance.warranty_repairs(MARCH))
    counted = maintenance.warranty_repairs(MARCH, count=costs["warranty_repairs"])

    assert len(counted) == len(plain) == costs["warranty_repairs"] > 3
    assert counted[1:3] == plain[1:3]
    assert list(counted) == plain


@pytest.mark.parametrize("page", [1, 2, 9])
def test_the_page_reads_the_tables_pages_without_counting_them_again(client, failures, page):
    sign_in(client, roles.SUPERVISOR)
    response = client.get(
        f"/reports/maintenance/?start=2026-03-01&end=2026-03-31&repeat-page={page}&repeat-per_page=2"
        f"&warranty-page={page}&warranty-per_page=2"
    )

    assert response.status_code == 200
    repeat = response.context["tables"]["repeat"]
    warranty = response.context["tables"]["warranty"]
    assert repeat.paginator.count == 6
    assert (
        warranty.paginator.count
        == maintenance.cost_totals(maintenance.repair_costs_by_model_batch(MARCH))["warranty_repairs"]
    )
    shown = [row.get_cell_value("asset_tag") for row in repeat.page.object_list]
    expected = [row[0] for row in _repeat_reference(MARCH)]
    last = repeat.paginator.num_pages
    assert shown == expected[(min(page, last) - 1) * 2 :][:2]


@pytest.mark.postgres
@requires_postgres()
def test_a_page_of_warranty_repairs_walks_the_closing_time_index(failures):
    # Sorts priced out as sequential scans are in test_report_indexes: what is asked is that the index
    # can serve the page in its order (the planner takes it by itself at tens of thousands of failures).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_maintenancerecord")
        cursor.execute("SET LOCAL enable_sort = off")
    found = maintenance.warranty_repairs(MARCH)[:25].explain()
    assert "maintenance_failures_closed" in found
    assert "Sort" not in found.replace("Sort Key", "")
