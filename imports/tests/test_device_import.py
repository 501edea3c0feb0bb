"""Importing signal devices and vehicles: upload, preview row by row, confirm all or nothing; a device
on file (same serial) or a vehicle (same unit number) is updated, not duplicated; a new device may start
with its holder; hostile and broken input refused, naming line and column."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from audit.models import AuditEvent
from audit.services import verify_chain
from devices.models import Device, DeviceKind, Vehicle
from hartford_bwc.factories import (
    DeviceFactory,
    DeviceModelFactory,
    OfficerFactory,
    UnitFactory,
    UserFactory,
    VehicleFactory,
)
from imports.columns import DEVICE_COLUMNS, VEHICLE_COLUMNS
from imports.models import ImportUpload
from imports.plans import build_plan

pytestmark = pytest.mark.django_db
DEVICE_HEADER = ",".join(column.name for column in DEVICE_COLUMNS)
VEHICLE_HEADER = ",".join(column.name for column in VEHICLE_COLUMNS)


@pytest.fixture
def qm_client(client):
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    return client


@pytest.fixture
def reference(db):
    """Two device models, an officer, a vehicle and a unit to name in the rows."""
    return {
        "sidearm": DeviceModelFactory(kind=DeviceKind.HOLSTER_SENSOR, maker="Axon", name="Signal Sidearm"),
        "light_bar": DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT, maker="Axon", name="Signal Vehicle"),
        "officer": OfficerFactory(badge_number="1001", first_name="Emily", last_name="Murphy"),
        "vehicle": VehicleFactory(unit_number="412"),
        "unit": UnitFactory(name="Patrol North"),
    }


def _row(**cells) -> str:
    return ",".join(cells.get(column.name, "") for column in DEVICE_COLUMNS)


def _vrow(**cells) -> str:
    return ",".join(cells.get(column.name, "") for column in VEHICLE_COLUMNS)


def _device_csv(*rows: str) -> str:
    return "\n".join([DEVICE_HEADER, *rows]) + "\n"


def _vehicle_csv(*rows: str) -> str:
    return "\n".join([VEHICLE_HEADER, *rows]) + "\n"


def _upload(client, kind: str, content: bytes | str, name: str = "devices.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(reverse("imports:upload"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def _preview(client, kind, content, name="devices.csv"):
    response = _upload(client, kind, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def _text(response) -> str:
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))
    return text.replace(" :", ":")  # "column <code>x</code>: ..." reads "column x: ..."


def _confirm(client, upload: ImportUpload):
    page = client.get(upload.get_absolute_url())
    digest = re.search(r'name="plan_digest" value="([0-9a-f]+)"', page.content.decode())[1]
    return client.post(
        reverse("imports:confirm", args=[upload.pk]), {"checksum": upload.checksum, "plan_digest": digest}, follow=True
    )


SENSOR = {"asset_tag": "HPD-SIG-0001", "serial_number": "SS0001", "maker": "Axon", "model": "Signal Sidearm"}
BAR = {"asset_tag": "HPD-SIG-0002", "serial_number": "SV0002", "maker": "Axon", "model": "Signal Vehicle"}


def test_the_imports_page_offers_device_and_vehicle_cards_and_templates(qm_client, reference):
    page = qm_client.get(reverse("imports:index")).content.decode()
    assert "Signal devices and accessories" in page and "Vehicles" in page
    for kind, header in (("devices", DEVICE_HEADER), ("vehicles", VEHICLE_HEADER)):
        response = qm_client.get(reverse("imports:template", args=[kind, "csv"]))
        assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == header.split(",")


def test_a_device_import_creates_each_device_with_its_holder_and_audit_events(qm_client, reference):
    content = _device_csv(
        _row(**SENSOR, firmware_version="1.4.2", issued_to_badge="1001"),
        _row(**BAR, vehicle="412", purchase_price='"$1,049.50"'),
        _row(asset_tag="hpd-sig-0003", serial_number="SS0003", maker="axon", model="Axon Signal Sidearm"),
    )
    preview = _preview(qm_client, "devices", content)
    assert "3 to create" in _text(preview) and "Serial number" in _text(preview)
    upload = ImportUpload.objects.get()
    done = _confirm(qm_client, upload)
    assert "3 created, 0 updated, 0 unchanged" in _text(done)
    worn, fitted, spare = Device.objects.order_by("asset_tag")
    assert (worn.status, worn.officer, worn.firmware_version) == (Device.Status.ISSUED, reference["officer"], "1.4.2")
    assert (fitted.status, fitted.vehicle, str(fitted.purchase_price)) == (
        Device.Status.ISSUED,
        reference["vehicle"],
        "1049.50",
    )
    assert (spare.asset_tag, spare.status) == ("HPD-SIG-0003", Device.Status.IN_STOCK)
    events = AuditEvent.objects.filter(action="device.import_create")
    assert events.count() == 3 and {e.reason for e in events} == {f"Import #{upload.pk} (devices.csv)"}
    assert events.get(object_id=str(worn.pk)).officer == reference["officer"]
    assert verify_chain() is None


def test_a_reimport_updates_by_serial_and_checks_the_holder_without_changing_it(qm_client, reference):
    on_file = DeviceFactory(
        asset_tag="HPD-SIG-0001",
        serial_number="SS0001",
        model=reference["sidearm"],
        firmware_version="1.2.0",
        status=Device.Status.ISSUED,
        officer=reference["officer"],
        issued_at=timezone.now(),
    )
    _preview(qm_client, "devices", _device_csv(_row(**SENSOR, firmware_version="1.5.0", issued_to_badge="1001")))
    done = _confirm(qm_client, ImportUpload.objects.get())
    assert "0 created, 1 updated" in _text(done)
    on_file.refresh_from_db()
    assert (on_file.firmware_version, on_file.officer) == ("1.5.0", reference["officer"])
    event = AuditEvent.objects.get(action="device.import_update")
    assert (event.before, event.after) == ({"firmware_version": "1.2.0"}, {"firmware_version": "1.5.0"})


def test_every_bad_device_row_is_refused_naming_its_line_and_column_and_nothing_is_written(qm_client, reference):
    DeviceFactory(asset_tag="HPD-SIG-0900", serial_number="SS0900", model=reference["sidearm"])
    content = _device_csv(
        _row(**SENSOR),  # fine on its own
        _row(**{**BAR, "issued_to_badge": "1001"}),  # a vehicle unit to an officer
        _row(**{**SENSOR, "asset_tag": "HPD-SIG-0004", "serial_number": "ss0001"}),  # the serial of line 2 again
        _row(asset_tag="HPD-SIG-0005", serial_number="SS0005", maker="Axon", model="Holster 9"),
        _row(asset_tag="hpd-sig-0900", serial_number="SS0006", maker="Axon", model="Signal Sidearm"),
        _row(
            asset_tag="HPD-SIG-0007",
            serial_number="SS0007",
            maker="Axon",
            model="Signal Sidearm",
            firmware_version="new",
        ),
        _row(
            asset_tag="HPD-SIG-0008", serial_number="SS0008", maker="Axon", model="Signal Sidearm", issued_to_badge="77"
        ),
        _row(asset_tag="HPD-SIG-0009", serial_number="SS0009", maker="Axon", model="Signal Sidearm", vehicle="412"),
        _row(
            asset_tag="HPD-SIG-0010", serial_number="SS0010", maker="Axon", model="Signal Sidearm", purchased_on="soon"
        ),
    )
    text = _text(_preview(qm_client, "devices", content))
    assert "8 refused" in text
    for expected in (
        "line 3, column issued_to_badge: A vehicle signal unit is installed in a vehicle, not issued to an officer.",
        "line 4, column serial_number: Serial number ss0001 is also on line 2.",
        "line 5, column model: Unknown device model Axon Holster 9.",
        "line 6, column asset_tag: Asset tag HPD-SIG-0900 already belongs to the device with serial number SS0900.",
        "line 7, column firmware_version: “new” is not a firmware version.",
        "line 8, column issued_to_badge: No officer has badge number 77.",
        "line 9, column vehicle: A holster sensor is issued to an officer, not installed in a vehicle.",
        "line 10, column purchased_on: 'soon' is not a date",
    ):
        assert expected in text, expected
    assert "Confirm import" not in text
    upload = ImportUpload.objects.get()
    page = qm_client.get(upload.get_absolute_url()).content.decode()
    assert 'name="plan_digest"' not in page
    assert Device.objects.count() == 1


def test_a_reimport_naming_another_holder_is_refused(qm_client, reference):
    DeviceFactory(asset_tag="HPD-SIG-0001", serial_number="SS0001", model=reference["sidearm"])
    text = _text(_preview(qm_client, "devices", _device_csv(_row(**SENSOR, issued_to_badge="1001"))))
    assert (
        "line 2, column issued_to_badge: HPD-SIG-0001 is in stock, not with badge 1001: an import never changes "
        "who holds a device; issue or return it on its page."
    ) in text


def test_a_vehicle_import_creates_then_updates_by_unit_number(qm_client, reference):
    content = _vehicle_csv(
        _vrow(unit_number="413", assigned_unit="patrol north", plate="hpd413"),
        _vrow(unit_number="414", in_service="no"),
        _vrow(unit_number="412", fleet_number="F-412"),
    )
    _preview(qm_client, "vehicles", content, "vehicles.csv")
    done = _confirm(qm_client, ImportUpload.objects.get())
    assert "2 created, 1 updated" in _text(done)
    new, garage = Vehicle.objects.get(unit_number="413"), Vehicle.objects.get(unit_number="414")
    assert (new.assigned_unit, new.plate, new.in_service) == (reference["unit"], "HPD413", True)
    assert not garage.in_service
    assert Vehicle.objects.get(unit_number="412").fleet_number == "F-412"
    assert AuditEvent.objects.filter(action="vehicle.import_create").count() == 2
    assert AuditEvent.objects.filter(action="vehicle.import_update").count() == 1


def test_bad_vehicle_rows_are_refused_by_line_and_column(qm_client, reference):
    content = _vehicle_csv(
        _vrow(unit_number="412", in_service="no"),
        _vrow(unit_number="415", assigned_unit="Nowhere"),
        _vrow(unit_number="416", in_service="maybe"),
        _vrow(unit_number="416"),
    )
    text = _text(_preview(qm_client, "vehicles", content, "vehicles.csv"))
    for expected in (
        "line 2, column in_service: Vehicle 412 is in service: an import never changes that",
        "line 3, column assigned_unit: Unknown unit 'Nowhere'. Units: ",
        "line 4, column in_service: 'maybe' is not yes or no.",
        "line 5, column unit_number: Unit number 416 is also on line 4.",
    ):
        assert expected in text, expected
    assert Vehicle.objects.count() == 1


def test_an_xlsx_device_file_is_read_like_csv(qm_client, reference):
    book = openpyxl.Workbook()
    book.active.append([column.name for column in DEVICE_COLUMNS])
    book.active.append([SENSOR.get(c.name, "") for c in DEVICE_COLUMNS])
    data = io.BytesIO()
    book.save(data)
    text = _text(_preview(qm_client, "devices", data.getvalue(), "devices.xlsx"))
    assert "1 to create" in text


@pytest.mark.parametrize(("char", "name"), [("\x00", "NUL"), ("\x07", "a control character")])
def test_a_control_character_in_a_cell_is_refused_naming_line_and_column(qm_client, reference, char, name):
    response = _upload(qm_client, "devices", _device_csv(_row(**{**SENSOR, "supplier": f"Ax{char}on"})))
    assert response.status_code == 400
    assert f"has {name} (U+{ord(char):04X}) in line 2, column supplier" in _text(response)
    assert not ImportUpload.objects.exists() and not Device.objects.exists()


def test_a_file_over_the_size_limit_is_refused(qm_client, reference, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    response = _upload(qm_client, "devices", DEVICE_HEADER + "\n" + "x" * (1024 * 1024 + 10))
    assert response.status_code == 400 and "the limit is 1 MB" in _text(response)


def test_a_formula_cell_is_flagged_and_imported_as_written(qm_client, reference):
    text = _text(_preview(qm_client, "devices", _device_csv(_row(**SENSOR, supplier="=HYPERLINK(evil)"))))
    assert "Column supplier starts with =, like a spreadsheet formula" in text
    _confirm(qm_client, ImportUpload.objects.get())
    assert Device.objects.get().supplier == "=HYPERLINK(evil)"


def test_records_changed_since_the_preview_refuse_the_confirmation(qm_client, reference):
    _preview(qm_client, "devices", _device_csv(_row(**SENSOR)))
    upload = ImportUpload.objects.get()
    page = qm_client.get(upload.get_absolute_url()).content.decode()
    digest = re.search(r'name="plan_digest" value="([0-9a-f]+)"', page)[1]
    DeviceFactory(asset_tag="HPD-SIG-0001", serial_number="OTHER", model=reference["sidearm"])
    done = qm_client.post(
        reverse("imports:confirm", args=[upload.pk]), {"checksum": upload.checksum, "plan_digest": digest}, follow=True
    )
    assert "refused" in _text(done) and Device.objects.count() == 1


@pytest.mark.parametrize("size", [10, 500])
def test_a_device_plan_reads_a_fixed_number_of_queries(reference, size, django_assert_num_queries):
    rows = [
        {
            "line": i + 2,
            "values": {
                **SENSOR,
                "asset_tag": f"HPD-SIG-{i:05d}",
                "serial_number": f"S{i}",
                "issued_to_badge": "1001" if i % 2 else "",
            },
        }
        for i in range(size)
    ]
    # devices by serial, by tag; the device models; the officers by badge (the vehicles: no cell names one)
    with django_assert_num_queries(4):
        plan = build_plan("devices", rows)
    assert plan.count("create") == size


@pytest.mark.parametrize("size", [10, 500])
def test_a_vehicle_plan_reads_a_fixed_number_of_queries(reference, size, django_assert_num_queries):
    rows = [{"line": i + 2, "values": {"unit_number": f"V{i}", "assigned_unit": "Patrol North"}} for i in range(size)]
    # vehicles by unit number; the units
    with django_assert_num_queries(2):
        plan = build_plan("vehicles", rows)
    assert plan.count("create") == size


def test_a_large_device_import_is_applied_by_the_background_task(
    qm_client, reference, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_APPLY_MIN_ROWS = 5
    settings.CACHES = {
        **settings.CACHES,
        "import_progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "progress"},
    }
    rows = [
        _row(asset_tag=f"HPD-SIG-{i:04d}", serial_number=f"SS{i}", maker="Axon", model="Signal Sidearm")
        for i in range(6)
    ]
    _preview(qm_client, "devices", _device_csv(*rows))
    upload = ImportUpload.objects.get()
    page = qm_client.get(upload.get_absolute_url()).content.decode()
    data = {"checksum": upload.checksum, "plan_digest": re.search(r'name="plan_digest" value="([0-9a-f]+)"', page)[1]}
    with django_capture_on_commit_callbacks(execute=True):
        qm_client.post(reverse("imports:confirm", args=[upload.pk]), data)
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.APPLIED and upload.created_count == 6
    assert Device.objects.count() == 6
    assert AuditEvent.objects.filter(action="device.import_create").count() == 6
