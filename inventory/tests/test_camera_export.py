"""The whole-fleet camera export: the same file the table would write, read in a fixed number of queries.

The export reads the rows with values_list (no model instance and no django-tables2 cell per row: at
30,000 cameras rendering each cell took about 20 s) and streams the CSV.
"""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_tables2 import RequestConfig

from accounts import roles
from assignments import services as assignment_services
from assignments.models import Officer
from audit.actor import Actor
from hartford_bwc import spreadsheet
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UnitFactory
from hartford_bwc.testing import sign_in
from inventory.filters import CameraFilter
from inventory.models import Camera, Flag
from inventory.selectors.cameras import camera_list
from inventory.tables import CameraTable

URL = "/inventory/cameras/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def qm(client):
    sign_in(client, roles.QUARTERMASTER)
    return client


def varied_fleet() -> None:
    """A camera of each kind the columns tell apart: held, flagged twice, docked with and without a bay,
    battery telemetry, never inspected, retired, a formula-like batch."""
    unit = UnitFactory(name="Traffic")
    officer = OfficerFactory(rank=Officer.Rank.SERGEANT, first_name="Dana", last_name="Whitfield", unit=unit)
    held = CameraFactory(asset_tag="HPD-BWC-0001")
    assignment_services.check_out(camera=held, officer=officer, by=Actor.system_process("tests"))
    flagged = CameraFactory(asset_tag="HPD-BWC-0002", last_full_charge_at=None, purchase_batch="=HYPERLINK(1)")
    Flag.objects.create(camera=flagged, kind=Flag.Kind.INSPECTION_DUE)
    Flag.objects.create(camera=flagged, kind=Flag.Kind.CHARGING_OVERDUE)
    Flag.objects.create(
        camera=flagged,
        kind=Flag.Kind.FIRMWARE_BELOW_MINIMUM,
        raised_at=timezone.now() - timedelta(days=2),
        resolved_at=timezone.now() - timedelta(days=1),
    )
    dock = DockFactory(name="Dock A")
    CameraFactory(asset_tag="HPD-BWC-0003", dock=dock, dock_bay=4, battery_percent=35)
    CameraFactory(asset_tag="HPD-BWC-0004", dock=dock, dock_bay=None, battery_percent=95, last_inspected_at=None)
    CameraFactory(asset_tag="HPD-BWC-0005", status=Camera.Status.RETIRED, firmware_version="")
    CameraFactory(asset_tag="HPD-BWC-0006", pool=Camera.Pool.PERSONAL)


def table_file(query: dict, fmt: str) -> bytes:
    """The export as django-tables2 wrote it before (every cell through the table's value_* methods)."""
    request = RequestFactory().get(URL, query)
    filterset = CameraFilter(query, queryset=camera_list(), now=timezone.now())
    table = CameraTable(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)
    headers, *rows = table.as_values()
    return spreadsheet.file_bytes(fmt, headers, rows, title="Cameras")


@pytest.mark.parametrize("query", [{}, {"sort": "-holder"}, {"status": "available", "sort": "charge"}, {"q": "0002"}])
def test_the_csv_is_the_file_the_table_wrote_cell_for_cell(qm, query):
    varied_fleet()

    response = qm.get(URL, {**query, "_export": "csv"})

    assert response.status_code == 200
    assert response.streaming, "the CSV is streamed as it is read, so memory stays flat at any fleet size"
    assert response.getvalue() == table_file(query, "csv")


def test_the_xlsx_holds_the_tables_values_and_keeps_formulas_text(qm):
    varied_fleet()
    response = qm.get(URL, {"_export": "xlsx"})

    def cells(data: bytes):
        return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))

    got = cells(response.getvalue())
    assert got == cells(table_file({}, "xlsx"))
    assert any(row[0] == "HPD-BWC-0002" and "=HYPERLINK(1)" in row for row in got)


@pytest.mark.parametrize("fleet", [20, 80])
def test_the_export_reads_a_fixed_number_of_queries_at_any_fleet_size(qm, django_assert_num_queries, fleet):
    varied_fleet()
    CameraFactory.create_batch(fleet)
    officers = OfficerFactory.create_batch(fleet // 4)
    for camera, officer in zip(Camera.objects.filter(asset_tag__gte="HPD-BWC-1"), officers, strict=False):
        assignment_services.check_out(camera=camera, officer=officer, by=Actor.system_process("tests"))

    # Session, user and roles; the filters' menus (cached in production); the session's save; then the
    # export: the holders, the flags and the cameras (streamed).
    with django_assert_num_queries(11):
        response = qm.get(URL, {"_export": "csv"})
        body = response.getvalue()

    assert len(body.decode("utf-8-sig").splitlines()) == Camera.objects.count() + 1
