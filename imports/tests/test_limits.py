"""What one upload may cost a worker: XLSX archives that unpack too far, too many rows, XML entities."""

from __future__ import annotations

import io
import zipfile

import openpyxl.xml
import pytest
import tablib

from imports.models import ImportUpload
from imports.parsing import ImportRefused, parse_upload

CAMERA_HEADER = "asset_tag,serial_number,maker,model,firmware_version,purchase_batch,purchased_on,pool"


def _xlsx(rows: int = 1) -> bytes:
    dataset = tablib.Dataset(headers=CAMERA_HEADER.split(","))
    for i in range(rows):
        dataset.append([f"HPD-BWC-{i:04d}", f"SN-{i}", "Axon", "Body 4", "", "", "", ""])
    return dataset.export("xlsx")


def _with_sheet(xlsx: bytes, transform) -> bytes:
    """The same workbook with its sheet's XML replaced by transform(xml)."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, transform(data) if name == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def _refusal(name: str, data: bytes) -> ImportRefused:
    with pytest.raises(ImportRefused) as refused:
        parse_upload(kind="cameras", filename=name, data=data)
    return refused.value


@pytest.fixture
def no_xml_parsing(monkeypatch):
    """A refusal that must come before any XML is parsed fails the test if openpyxl is reached."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr("imports.parsing.openpyxl.load_workbook", forbidden)


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_parsing(settings, no_xml_parsing):
    settings.IMPORT_MAX_UNPACKED_MB = 1
    # 2 MB of padding in the sheet: well compressed, small to upload, large to read.
    bomb = _with_sheet(_xlsx(), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 2_000_000))
    assert len(bomb) < 100_000
    refusal = _refusal("delivery.xlsx", bomb)
    assert refusal.code == "too_big_unpacked"
    assert "delivery.xlsx unpacks to 2 MB; the limit is 1 MB." in refusal.message


def test_an_xlsx_compressed_past_the_ratio_is_refused_before_parsing(settings, no_xml_parsing):
    settings.IMPORT_MAX_UNPACKED_MB = 50
    settings.IMPORT_MAX_COMPRESSION_RATIO = 100
    bomb = _with_sheet(_xlsx(), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 3_000_000))
    refusal = _refusal("delivery.xlsx", bomb)
    assert refusal.code == "compression_ratio"
    assert "(xl/worksheets/sheet1.xml); more than 100 to 1 is not a spreadsheet" in refusal.message


def test_an_ordinary_xlsx_is_within_the_default_limits():
    parsed = parse_upload(kind="cameras", filename="delivery.xlsx", data=_xlsx(rows=3000))
    assert len(parsed.rows) == 3000 and parsed.rows[-1]["line"] == 3001


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_more_rows_than_the_limit_are_refused(settings, file_format):
    settings.IMPORT_MAX_ROWS = 3
    dataset = tablib.Dataset(headers=CAMERA_HEADER.split(","))
    for i in range(3):
        dataset.append([f"HPD-BWC-{i:04d}", f"SN-{i}", "Axon", "Body 4", "", "", "", ""])
    data = dataset.export(file_format)
    data = data.encode() if isinstance(data, str) else data
    assert len(parse_upload(kind="cameras", filename=f"f.{file_format}", data=data).rows) == 3

    dataset.append(["HPD-BWC-0004", "SN-4", "Axon", "Body 4", "", "", "", ""])
    data = dataset.export(file_format)
    refusal = _refusal(f"f.{file_format}", data.encode() if isinstance(data, str) else data)
    assert refusal.code == "too_many_rows"
    assert f"f.{file_format} has more than 3 rows; the limit is 3." in refusal.message


def test_openpyxl_reads_xml_through_defusedxml():
    # openpyxl switches to defusedxml by itself when it is installed (requirements.txt pins it).
    assert openpyxl.xml.DEFUSEDXML is True


def test_an_xlsx_declaring_xml_entities_is_refused():
    # The seed of a "billion laughs": defusedxml refuses entity declarations outright.
    def with_entity(xml: bytes) -> bytes:
        xml = xml.replace(b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY lol "lol">]><worksheet', 1)
        return xml.replace(b"<t>HPD-BWC-0000</t>", b"<t>&lol;</t>")

    refusal = _refusal("delivery.xlsx", _with_sheet(_xlsx(), with_entity))
    assert refusal.code == "bad_xlsx"


def test_the_upload_page_shows_the_refusal(client, settings, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts import roles
    from hartford_bwc.factories import UserFactory

    settings.IMPORT_MAX_UNPACKED_MB = 1
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    bomb = _with_sheet(_xlsx(), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 2_000_000))
    response = client.post("/imports/upload/", {"kind": "cameras", "file": SimpleUploadedFile("delivery.xlsx", bomb)})
    assert response.status_code == 400
    assert "delivery.xlsx unpacks to 2 MB; the limit is 1 MB." in response.content.decode()
    assert not ImportUpload.objects.exists()
