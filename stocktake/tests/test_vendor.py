"""Vendor reconciliation: a crafted export with every kind of disagreement, refusals, and the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from assignments import services as assignments
from demo.vendor import PER_KIND, vendor_export_csv
from hartford_bwc import timefmt
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, OfficerFactory
from hartford_bwc.spreadsheet import csv_bytes
from hartford_bwc.testing import sign_in
from inventory.models import Camera

from .. import vendor
from .count import quartermaster

pytestmark = pytest.mark.django_db
HEADERS = ["serial", "assigned_to", "firmware", "last_docked"]


def crafted_fleet():
    by = quartermaster()
    today = timezone.localdate()
    agree = CameraFactory(serial_number="AGREE1", firmware_version="4.1.0")
    out = CameraFactory(serial_number="OUT1", firmware_version="4.1.0")
    assignments.check_out(camera=out, officer=OfficerFactory(badge_number="1044"), by=by)
    CameraFactory(serial_number="FW1", firmware_version="4.1.0")
    CameraFactory(serial_number="STALE1", firmware_version="4.1.0")
    CameraFactory(serial_number="MISSING1")
    CameraFactory(serial_number="GONE1", status=Camera.Status.RETIRED)  # not in service: not expected there
    rows = [
        ["AGREE1", "", "4.1.0", today.isoformat()],
        ["out1", "2077", "4.1.0", today.isoformat()],  # with badge 1044 here
        ["FW1", "", "3.9.2", today.isoformat()],
        ["STALE1", "", "4.1.0", (today - timedelta(days=15)).isoformat()],
        ["NOSUCH1", "1050", "4.1.0", today.isoformat()],
    ]
    return agree, csv_bytes(HEADERS, rows)


def test_a_crafted_export_shows_every_kind_of_disagreement():
    _, data = crafted_fleet()
    found = vendor.reconcile(vendor.read_export(filename="vendor.csv", data=data))
    assert [(d.kind, d.serial, d.here, d.there) for d in found] == [
        ("assigned_elsewhere", "OUT1", "badge 1044", "2077"),
        ("firmware", "FW1", "4.1.0", "3.9.2"),
        ("unknown_here", "NOSUCH1", "no camera with this serial", "line 6"),
        ("unknown_there", "MISSING1", "available", "not in the export"),
        (
            "not_docked_there",
            "STALE1",
            "available",
            f"last docked {timefmt.day(timezone.localdate() - timedelta(days=15))}",
        ),
    ]


def test_not_docked_there_starts_after_the_setting_s_days(settings):
    settings.VENDOR_NOT_DOCKED_DAYS = 15
    _, data = crafted_fleet()
    kinds = {d.kind for d in vendor.reconcile(vendor.read_export(filename="vendor.csv", data=data))}
    assert "not_docked_there" not in kinds


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"serial,colour\nX,red\n", "missing|unknown: colour"),
        (csv_bytes(HEADERS, [["X1", "", "", "last tuesday"]]), "Line 2: last_docked 'last tuesday' is not a date"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_an_unreadable_export_is_refused_with_a_reason(data, message):
    with pytest.raises(DomainError, match=message):
        vendor.read_export(filename="vendor.csv", data=data)


def test_the_demo_export_has_a_handful_of_each_disagreement():
    for i in range(20):
        CameraFactory(serial_number=f"DEMO{i:04d}", firmware_version="4.1.0")
    found = vendor.reconcile(vendor.read_export(filename="demo.csv", data=vendor_export_csv()))
    counts = {kind: sum(d.kind == kind for d in found) for kind in vendor.KINDS}
    assert counts == dict.fromkeys(vendor.KINDS, PER_KIND)


@pytest.mark.parametrize("size", [10, 200])
def test_reconciling_takes_the_same_queries_at_any_size(size):
    CameraFactory.create_batch(size)
    data = csv_bytes(HEADERS, [[c.serial_number, "", "", ""] for c in Camera.objects.all()])
    rows = vendor.read_export(filename="v.csv", data=data)
    with CaptureQueriesContext(connection) as queries:
        vendor.reconcile(rows)
    assert len(queries) == 4  # cameras named, personal issues, open checkouts, cameras not named


def test_the_page_compares_an_upload_for_every_role_and_refuses_a_bad_file(client):
    _, data = crafted_fleet()
    sign_in(client, roles.SUPERVISOR)
    url = reverse("stocktake:vendor")
    assert client.get(url).status_code == 200
    page = client.post(url, {"file": SimpleUploadedFile("vendor.csv", data)}).content.decode()
    assert "Assigned to another officer there: 1" in page
    assert "In service here, unknown to the vendor: 1" in page
    bad = client.post(url, {"file": SimpleUploadedFile("vendor.txt", b"hello")})
    assert bad.status_code == 422 and "is not a CSV or XLSX file" in bad.content.decode()


# Session and user (2), the user's roles (1), then the reconciliation's 4 (see above).
@pytest.mark.parametrize("size", [10, 200])
def test_the_vendor_page_runs_a_fixed_number_of_queries(size, client, django_assert_num_queries):
    CameraFactory.create_batch(size)
    data = csv_bytes(HEADERS, [[c.serial_number, "", "", ""] for c in Camera.objects.all()])
    sign_in(client)
    url = reverse("stocktake:vendor")
    client.get(url)  # the session's refresh after sign-in is not the page's cost
    with django_assert_num_queries(7):
        response = client.post(url, {"file": SimpleUploadedFile("vendor.csv", data)})
    assert f"In service here, not docked there: {size}" in response.content.decode()
