"""The searches use their trigram indexes on PostgreSQL (migrations *search_trigram_indexes).

On a handful of rows the planner would rather scan, so sequential scans are priced out
(enable_seqscan off) and the plan must then name the index: without the index there is no other way
than the scan, and the test fails. No timings here: bench/pages.py measures them.
"""

from __future__ import annotations

import pytest
from django.db import connection

from assignments.models import Officer
from assignments.selectors import search_officers
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory, OfficerFactory
from inventory.models import Camera
from inventory.selectors.cameras import search_cameras

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db]


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.fixture
def fleet():
    CameraFactory.create_batch(5)
    OfficerFactory.create_batch(5)


def test_camera_search_by_tag_and_serial_uses_the_trigram_indexes(fleet):
    found = search_cameras(Camera.objects.all(), "BWC-01")
    text = plan(found)
    assert "camera_asset_tag_trgm" in text
    assert "camera_serial_number_trgm" in text


def test_camera_search_by_holder_reads_no_table_whole(fleet):
    # From the open check-outs (partial index) or from the officers' trigram indexes, as the planner
    # prefers; never a scan of the officers or the cameras.
    assert "Seq Scan" not in plan(search_cameras(Camera.objects.all(), "lopez"))


@pytest.mark.parametrize("index", ["officer_badge_number_trgm", "officer_first_name_trgm", "officer_last_name_trgm"])
def test_officer_search_uses_the_trigram_indexes(fleet, index):
    assert index in plan(search_officers(Officer.objects.all(), "104"))


def test_deactivated_officers_come_from_their_partial_index(fleet):
    inactive = Officer.objects.filter(is_active=False).values("pk")
    assert "officer_inactive" in plan(inactive)


@pytest.mark.parametrize("text", ["Ofc. Emily Murphy", "Murphy, Emily", "#4411"])
def test_camera_search_by_the_holder_as_displayed_reads_no_table_whole(fleet, text):
    assert "Seq Scan" not in plan(search_cameras(Camera.objects.all(), text))


@pytest.mark.parametrize("text", ["Ofc. Emily Murphy", "Murphy, Emily"])
def test_officer_search_as_displayed_uses_the_name_indexes(fleet, text):
    text = plan(search_officers(Officer.objects.all(), text))
    assert "officer_first_name_trgm" in text
    assert "officer_last_name_trgm" in text
