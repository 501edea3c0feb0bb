"""The imports pages: refusals of a whole file, the row-by-row preview, confirm all-or-nothing, re-import."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import roles
from assignments.models import Officer
from audit.models import AuditEvent
from audit.services import verify_chain
from hartford_bwc.factories import (
    CameraFactory,
    CameraModelFactory,
    OfficerFactory,
    ShiftFactory,
    UnitFactory,
    UserFactory,
)
from imports.models import ImportUpload
from inventory.models import Camera

CAMERA_HEADER = "asset_tag,serial_number,maker,model,firmware_version,purchase_batch,purchased_on,pool"
OFFICER_HEADER = "badge_number,first_name,last_name,rank,unit,shift,email,active"


@pytest.fixture
def qm_client(client, db):
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    return client


@pytest.fixture
def reference(db):
    CameraModelFactory(maker="Axon", name="Body 4")
    UnitFactory(name="Patrol District 1")
    UnitFactory(name="Traffic Division")
    ShiftFactory(name="Day")


def _upload(client, kind: str, content: bytes | str, name: str = "file.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/imports/upload/", {"kind": kind, "file": SimpleUploadedFile(name, data)})


def _counts() -> tuple[int, int, int, int]:
    # The upload's own audit event is expected; what must not appear are events of a change.
    changes = AuditEvent.objects.exclude(action="import.upload")
    return Camera.objects.count(), Officer.objects.count(), changes.count(), ImportUpload.objects.count()


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _confirm(client, upload: ImportUpload):
    page = client.get(upload.get_absolute_url())
    digest = re.search(r'name="plan_digest" value="([0-9a-f]+)"', page.content.decode())[1]
    return client.post(
        f"/imports/{upload.pk}/confirm/", {"checksum": upload.checksum, "plan_digest": digest}, follow=True
    )


# --- whole-file refusals: a clear message, and nothing written ---------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cams.csv", b"", "cams.csv is empty"),
        ("cams.csv", b"\n \n", "cams.csv is empty"),
        ("cams.csv", (CAMERA_HEADER + "\n").encode(), "has the header row but no data rows"),
        ("cams.csv", (CAMERA_HEADER + "\n,,,,,,,\n").encode(), "has the header row but no data rows"),
        (
            "cams.csv",
            b"asset_tag,serial,maker,model,colour\nA,B,C,D,E\n",
            "missing: serial_number; unknown: serial, colour",
        ),
        ("cams.csv", (CAMERA_HEADER + ",asset_tag\n").encode(), "repeated: asset_tag"),
        ("cams.csv", (CAMERA_HEADER + "\nHPD-BWC-0900,S1,Axon,Body 4,Caf\xe9,,,\n").encode("latin-1"), "not UTF-8"),
        (
            "cams.csv",
            (CAMERA_HEADER + "\nHPD-BWC-0900,S1,Axon,Body 4,3.5\x00,,,\n").encode(),
            "has NUL (U+0000) in line 2, column firmware_version",
        ),
        ("cams.pdf", b"%PDF-1.4", "is not a CSV or XLSX file"),
        ("cams.xls", b"\xd0\xcf\x11\xe0", "is not a CSV or XLSX file"),
        ("cams.xlsx", b"PK\x03\x04 not really a workbook", "is not a readable Excel .xlsx file"),
        ("cams.csv", (CAMERA_HEADER + "\nA,B,Axon,Body 4,,,,,extra\n").encode(), "Line 2 of cams.csv has 9 cells"),
    ],
)
def test_unreadable_file_is_refused_with_a_clear_message_and_nothing_written(
    qm_client, reference, name, content, message
):
    before = _counts()
    response = _upload(qm_client, "cameras", content, name)
    assert response.status_code == 400
    assert message in _text(response).replace("&#x27;", "'")
    assert 'role="alert"' in response.content.decode()
    assert _counts() == before


def test_non_utf8_refusal_names_the_line(qm_client, reference):
    content = (CAMERA_HEADER + "\nHPD-BWC-0900,S1,Axon,Body 4,,,,\nHPD-BWC-0901,S2,Axon,Body 4,Caf\xe9,,,\n").encode(
        "latin-1"
    )
    assert "byte 0xE9 on line 3" in _text(_upload(qm_client, "cameras", content))


def test_file_over_the_size_limit_is_refused(qm_client, reference, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    big = CAMERA_HEADER + "\n" + "HPD-BWC-0900,S1,Axon,Body 4,,,,\n" * 40_000
    before = _counts()
    response = _upload(qm_client, "cameras", big)
    assert response.status_code == 400
    assert "file.csv is 1.2 MB; the limit is 1 MB" in _text(response)
    assert _counts() == before


def test_officer_headers_are_checked_against_the_officer_template(qm_client, reference):
    response = _upload(qm_client, "officers", CAMERA_HEADER + "\nA,B,C,D,,,,\n")
    assert "missing: badge_number, first_name, last_name" in _text(response)


def test_no_file_chosen_is_refused(qm_client, reference):
    response = qm_client.post("/imports/upload/", {"kind": "cameras"})
    assert response.status_code == 400
    assert "Choose a file" in _text(response)


# --- preview: row by row, line, column, message --------------------------------------------------------


def test_camera_preview_lists_creates_and_refusals_by_line_and_column(qm_client, reference):
    CameraFactory(asset_tag="HPD-BWC-0001", serial_number="OLD-1")
    content = "\n".join(
        [
            CAMERA_HEADER,
            "HPD-BWC-0900,NEW-1,Axon,Body 4,4.1.0,2026 delivery,2026-01-05,spare",
            "",
            "HPD-BWC-0901,NEW-1,Axon,Body 4,,,,",
            "HPD-BWC-0902,NEW-3,Axon,Body 9,,,,",
            "HPD-BWC-0903,NEW-4,Axon,Body 4,,,31/12/2025,",
            "HPD-BWC-0001,NEW-5,Axon,Body 4,,,,",
            "HPD-BWC-0906,,Axon,Body 4,,,,sideways",
        ]
    )
    before = _counts()
    response = qm_client.get(_upload(qm_client, "cameras", content)["Location"])
    text = _text(response).replace("&#x27;", "'")
    assert "1 to create" in text and "5 refused" in text
    assert "line 4, column serial_number : Serial number NEW-1 is also on line 2." in text
    assert "line 5, column model : Unknown camera model Axon Body 9. Known models: Axon Body 4" in text
    assert "line 6, column purchased_on : '31/12/2025' is not a date" in text
    assert (
        "line 7, column asset_tag : Asset tag HPD-BWC-0001 already belongs to the camera with serial number OLD-1."
        in text
    )
    assert "line 8, column serial_number : Missing serial number." in text
    assert "line 8, column pool : Unknown pool 'sideways'" in text
    assert "Confirm import" not in text
    # The preview wrote the upload only.
    assert _counts() == (before[0], before[1], before[2], before[3] + 1)


def test_officer_preview_names_the_units_and_shifts_that_exist(qm_client, reference):
    content = "\n".join(
        [
            OFFICER_HEADER,
            "5001,Ann,Lee,Officer,Patrol District 9,Day,ann@example.org,yes",
            ",Bob,Ray,,,,,",
            "5003,Cat,Sun,Major,,Swing,not-an-email,maybe",
        ]
    )
    text = _text(qm_client.get(_upload(qm_client, "officers", content)["Location"])).replace("&#x27;", "'")
    assert "line 2, column unit : Unknown unit 'Patrol District 9'. Units: Patrol District 1, Traffic Division." in text
    assert "line 3, column badge_number : Missing badge number." in text
    assert (
        "line 4, column rank : Unknown rank 'Major'; ranks are Officer, Detective, Sergeant, Lieutenant, Captain."
        in text
    )
    assert "line 4, column shift : Unknown shift 'Swing'. Shifts: Day." in text
    assert "line 4, column email : 'not-an-email' is not an email address." in text
    assert "line 4, column active : 'maybe' is not yes or no." in text


# --- confirm: all of it or nothing ---------------------------------------------------------------------


def test_an_upload_is_audited_with_its_checksum_before_anyone_applies_it(qm_client, reference):
    content = "\n".join([CAMERA_HEADER, "HPD-BWC-0900,NEW-1,Axon,Body 4,4.1.0,2026 delivery,2026-01-05,spare"])
    upload = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    event = AuditEvent.objects.get(action="import.upload")
    assert event.actor_kind == "staff" and event.actor_user == upload.uploaded_by
    assert event.after == {"kind": "cameras", "filename": "file.csv", "checksum": upload.checksum, "rows": 1}
    assert not Camera.objects.filter(serial_number="NEW-1").exists()


def test_confirm_creates_every_camera_with_audit_events(qm_client, reference):
    content = "\n".join(
        [
            CAMERA_HEADER,
            "HPD-BWC-0900,NEW-1,Axon,Body 4,4.1.0,2026 delivery,2026-01-05,spare",
            "hpd-bwc-0901,NEW-2,axon,body 4,,,01/05/2026,",
            # The model as the console shows it ("Axon Body 4"), maker repeated, is the same model.
            "HPD-BWC-0902,NEW-3,Axon,Axon Body 4,,,,",
        ]
    )
    upload = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    response = _confirm(qm_client, upload)
    assert "Imported file.csv: 3 created, 0 updated, 0 unchanged." in _text(response)
    assert str(Camera.objects.get(serial_number="NEW-3").model) == "Axon Body 4"
    first = Camera.objects.get(serial_number="NEW-1")
    assert (first.asset_tag, str(first.model), first.firmware_version, str(first.purchased_on)) == (
        "HPD-BWC-0900",
        "Axon Body 4",
        "4.1.0",
        "2026-01-05",
    )
    second = Camera.objects.get(serial_number="NEW-2")
    assert second.asset_tag == "HPD-BWC-0901" and str(second.purchased_on) == "2026-01-05"
    assert second.pool == Camera.Pool.SPARE and second.status == Camera.Status.AVAILABLE
    assert AuditEvent.objects.filter(action="camera.import_create").count() == 3
    assert AuditEvent.objects.filter(action="import.apply").count() == 1
    assert verify_chain() is None
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.APPLIED and upload.created_count == 3


def test_reimport_updates_by_serial_instead_of_duplicating(qm_client, reference):
    CameraModelFactory(maker="Axon", name="Body 3")
    camera = CameraFactory(asset_tag="HPD-BWC-0010", serial_number="SER-10", firmware_version="3.4.1")
    content = "\n".join(
        [
            CAMERA_HEADER,
            "HPD-BWC-0010,SER-10,Axon,Body 3,4.1.0,,,",
            "HPD-BWC-0011,SER-11,Axon,Body 4,,,,",
        ]
    )
    location = _upload(qm_client, "cameras", content)["Location"]
    text = _text(qm_client.get(location))
    assert "1 to create" in text and "1 to update" in text
    assert "firmware_version : 3.4.1 → 4.1.0" in text and "model : Axon Body 4 → Axon Body 3" in text
    upload = ImportUpload.objects.get(pk=location.split("/")[2])
    _confirm(qm_client, upload)
    assert Camera.objects.count() == 2
    camera.refresh_from_db()
    assert camera.firmware_version == "4.1.0" and str(camera.model) == "Axon Body 3"
    event = AuditEvent.objects.get(action="camera.import_update", camera=camera)
    assert event.before == {"firmware_version": "3.4.1", "model": "Axon Body 4"}
    # The same file again changes nothing.
    again = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    text = _text(qm_client.get(again.get_absolute_url()))
    assert "2 unchanged" in text and "Nothing to import" in text and "Confirm import" not in text


def test_officer_import_creates_then_updates_by_badge(qm_client, reference):
    content = "\n".join(
        [
            OFFICER_HEADER,
            "5001,Ann,Lee,Sgt.,patrol district 1,day,ann@example.org,",
            "5002,Bob,Ray,,,,,no",
        ]
    )
    _confirm(qm_client, ImportUpload.objects.get(pk=_upload(qm_client, "officers", content)["Location"].split("/")[2]))
    ann = Officer.objects.get(badge_number="5001")
    assert (ann.rank, ann.unit.name, ann.shift.name, ann.is_active) == ("sergeant", "Patrol District 1", "Day", True)
    assert not Officer.objects.get(badge_number="5002").is_active
    roster = "\n".join([OFFICER_HEADER, "5001,Ann,Lee-Park,,Traffic Division,,,"])
    _confirm(qm_client, ImportUpload.objects.get(pk=_upload(qm_client, "officers", roster)["Location"].split("/")[2]))
    ann.refresh_from_db()
    assert (ann.last_name, ann.unit.name, ann.rank) == ("Lee-Park", "Traffic Division", "sergeant")
    assert Officer.objects.count() == 2
    assert AuditEvent.objects.filter(action="officer.import_update", officer=ann).count() == 1


def test_xlsx_upload_is_read_like_csv(qm_client, reference):
    dataset = tablib.Dataset(headers=OFFICER_HEADER.split(","))
    dataset.append([5101, "Eve", "Moss", "Detective", "Traffic Division", "", "", True])
    dataset.append([None] * 8)
    dataset.append(["5103", "Gus", "Hart", "", "", "", "", "no"])
    location = _upload(qm_client, "officers", dataset.export("xlsx"), "roster.xlsx")["Location"]
    _confirm(qm_client, ImportUpload.objects.get(pk=location.split("/")[2]))
    assert Officer.objects.get(badge_number="5101").rank == "detective"
    assert not Officer.objects.get(badge_number="5103").is_active


def test_confirm_refuses_a_tampered_checksum_and_writes_nothing(qm_client, reference):
    content = CAMERA_HEADER + "\nHPD-BWC-0900,NEW-1,Axon,Body 4,,,,\n"
    upload = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    response = qm_client.post(f"/imports/{upload.pk}/confirm/", {"checksum": "0" * 64, "plan_digest": "x"}, follow=True)
    assert "The file is not the one that was previewed" in _text(response)
    assert Camera.objects.count() == 0


def test_confirm_refuses_rows_changed_after_the_preview(qm_client, reference):
    content = CAMERA_HEADER + "\nHPD-BWC-0900,NEW-1,Axon,Body 4,,,,\n"
    upload = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    ImportUpload.objects.filter(pk=upload.pk).update(
        rows=[{"line": 2, "values": {**upload.rows[0]["values"], "serial_number": "EVIL"}}]
    )
    response = _confirm(qm_client, upload)
    assert "The file is not the one that was previewed" in _text(response)
    assert Camera.objects.count() == 0


def test_confirm_refuses_when_the_records_changed_since_the_preview(qm_client, reference):
    content = CAMERA_HEADER + "\nHPD-BWC-0900,NEW-1,Axon,Body 4,,,,\n"
    upload = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    digest = re.search(
        r'name="plan_digest" value="([0-9a-f]+)"', qm_client.get(upload.get_absolute_url()).content.decode()
    )[1]
    CameraFactory(asset_tag="HPD-BWC-0950", serial_number="NEW-1")  # someone else receives it meanwhile
    before = _counts()
    response = qm_client.post(
        f"/imports/{upload.pk}/confirm/", {"checksum": upload.checksum, "plan_digest": digest}, follow=True
    )
    assert "The records changed since the preview" in _text(response)
    assert _counts() == before


def test_confirm_with_a_refused_row_writes_nothing(qm_client, reference):
    content = CAMERA_HEADER + "\nHPD-BWC-0900,NEW-1,Axon,Body 4,,,,\nHPD-BWC-0901,NEW-2,Axon,Body 9,,,,\n"
    upload = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    before = _counts()
    response = qm_client.post(
        f"/imports/{upload.pk}/confirm/", {"checksum": upload.checksum, "plan_digest": "0" * 64}, follow=True
    )
    assert "1 row is refused; fix the file and upload it again." in _text(response)
    assert _counts() == before


def test_an_applied_import_cannot_be_applied_twice(qm_client, reference):
    content = CAMERA_HEADER + "\nHPD-BWC-0900,NEW-1,Axon,Body 4,,,,\n"
    upload = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    page = qm_client.get(upload.get_absolute_url()).content.decode()
    digest = re.search(r'name="plan_digest" value="([0-9a-f]+)"', page)[1]
    data = {"checksum": upload.checksum, "plan_digest": digest}
    qm_client.post(f"/imports/{upload.pk}/confirm/", data)
    response = qm_client.post(f"/imports/{upload.pk}/confirm/", data, follow=True)
    assert "already applied" in _text(response)
    assert Camera.objects.count() == 1


def test_changing_a_personal_camera_to_spare_is_refused(qm_client, reference, staff_actor):
    from assignments import services

    camera = CameraFactory(asset_tag="HPD-BWC-0020", serial_number="SER-20")
    services.issue_personal(officer=OfficerFactory(first_name="Ida", last_name="Cole"), camera=camera, by=staff_actor)
    content = CAMERA_HEADER + "\nHPD-BWC-0020,SER-20,Axon,Body 4,,,,spare\n"
    text = _text(qm_client.get(_upload(qm_client, "cameras", content)["Location"]))
    assert "HPD-BWC-0020 is the personal camera of Ofc. Ida Cole" in text


@pytest.mark.parametrize("on_file", [False, True], ids=["new camera", "camera on file"])
def test_an_import_cannot_make_a_camera_personal_that_nobody_holds(qm_client, reference, on_file):
    # A camera is personal only while it is issued to an officer (assignments.services.issue_personal);
    # the import used to write pool=personal as it came, a state no service creates.
    if on_file:
        CameraFactory(asset_tag="HPD-BWC-0040", serial_number="SER-40")
    content = CAMERA_HEADER + "\nHPD-BWC-0040,SER-40,Axon,Body 4,,,,personal\n"
    upload = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    text = _text(qm_client.get(upload.get_absolute_url()))
    assert "line 2, column pool : A camera becomes personal only when it is issued to an officer" in text
    assert "1 refused" in text and "Confirm import" not in text
    response = qm_client.post(
        f"/imports/{upload.pk}/confirm/", {"checksum": upload.checksum, "plan_digest": "0" * 64}, follow=True
    )
    assert "1 row is refused" in _text(response)
    assert not Camera.objects.filter(pool=Camera.Pool.PERSONAL).exists()


def test_personal_in_the_pool_column_of_a_camera_issued_to_an_officer_changes_nothing(
    qm_client, reference, staff_actor
):
    from assignments import services

    camera = CameraFactory(asset_tag="HPD-BWC-0021", serial_number="SER-21")
    services.issue_personal(officer=OfficerFactory(), camera=camera, by=staff_actor)
    content = CAMERA_HEADER + "\nHPD-BWC-0021,SER-21,Axon,Body 4,,,,personal\n"
    text = _text(qm_client.get(_upload(qm_client, "cameras", content)["Location"]))
    assert "1 unchanged" in text and "refused" not in text.replace("0 refused", "")


def test_an_import_deactivating_an_officer_writes_the_officer_deactivated_event(qm_client, reference):
    officer = OfficerFactory(badge_number="5300", first_name="Ann", last_name="Lee")
    content = OFFICER_HEADER + "\n5300,Ann,Lee,,,,,no\n"
    _confirm(qm_client, ImportUpload.objects.get(pk=_upload(qm_client, "officers", content)["Location"].split("/")[2]))
    event = AuditEvent.objects.get(action="officer.deactivate", officer=officer)
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})
    assert event.reason.startswith("Import #")
    assert not AuditEvent.objects.filter(action="officer.import_update").exists()


def test_the_import_refuses_what_the_console_form_refuses(qm_client, reference):
    # One form (CameraForm / OfficerForm) checks a typed record and each row: the same rules, same words.
    CameraFactory(asset_tag="HPD-BWC-0412", serial_number="SER-412")
    cameras = CAMERA_HEADER + "\nhpd-bwc-0412,SER-9,Axon,Body 4,,,,\nHPD/BWC/1,SER-10,Axon,Body 4,,,2999-01-01,\n"
    text = _text(qm_client.get(_upload(qm_client, "cameras", cameras)["Location"])).replace("&#x27;", "'")
    assert "line 2, column asset_tag : Asset tag HPD-BWC-0412 already belongs to the camera with serial number" in text
    assert "line 3, column asset_tag : Asset tag 'HPD/BWC/1' is not one: use letters and digits" in text
    assert "line 3, column purchased_on : 2999-01-01 is in the future." in text
    officers = OFFICER_HEADER + "\nnew,Ann,Lee,,,,,\n5400,Bob," + "R" * 61 + ",,,,,\n"
    text = _text(qm_client.get(_upload(qm_client, "officers", officers)["Location"]))
    assert "line 2, column badge_number : new is the name of a console page, not a badge number." in text
    assert "line 3, column last_name : Too long: 61 characters, at most 60." in text


def test_deactivating_an_officer_holding_a_camera_is_a_warning_in_the_preview(qm_client, reference, staff_actor):
    from assignments import services

    officer = OfficerFactory(badge_number="5200")
    services.check_out(camera=CameraFactory(asset_tag="HPD-BWC-0030"), officer=officer, by=staff_actor)
    content = OFFICER_HEADER + f"\n5200,{officer.first_name},{officer.last_name},,,,,no\n"
    text = _text(qm_client.get(_upload(qm_client, "officers", content)["Location"]))
    assert "Deactivated while holding HPD-BWC-0030" in text
    assert "Confirm import" in text


def test_a_cell_starting_like_a_formula_is_flagged_in_the_preview_and_may_still_be_applied(qm_client, reference):
    content = "\n".join(
        [
            CAMERA_HEADER,
            "HPD-BWC-0900,=1+2,Axon,Body 4,,=cmd|' /C calc'!A0,,",
            "HPD-BWC-0901,NEW-2,Axon,Body 4,,2026 delivery,,",
        ]
    )
    location = _upload(qm_client, "cameras", content)["Location"]
    page = qm_client.get(location)
    warnings = {row.line: row.warnings for row in page.context["plan"].rows}

    assert len(warnings[2]) == 2 and warnings[3] == []
    text = html.unescape(_text(page))
    assert "Column serial_number starts with =, like a spreadsheet formula: =1+2." in text
    assert "Column purchase_batch starts with =, like a spreadsheet formula: =cmd|' /C calc'!A0." in text
    assert "Confirm import" in text
    upload = ImportUpload.objects.get(pk=location.split("/")[2])
    assert "2 created" in _text(_confirm(qm_client, upload))
    assert Camera.objects.get(asset_tag="HPD-BWC-0900").purchase_batch == "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("name", ["@SUM(A1:A9)", "+1", "-2+3", "=1+2"])
def test_an_officer_name_starting_like_a_formula_is_flagged(qm_client, reference, name):
    content = OFFICER_HEADER + f"\n5300,{name},Evans,,,,,\n"
    text = _text(qm_client.get(_upload(qm_client, "officers", content)["Location"]))
    assert f"Column first_name starts with {name[0]}, like a spreadsheet formula: {name}." in text


# --- templates -----------------------------------------------------------------------------------------


def test_csv_templates_hold_the_header_row(qm_client, db):
    response = qm_client.get("/imports/templates/cameras.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cameras-template.csv"'
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [*CAMERA_HEADER.split(","), "supplier", "purchase_price", "warranty_ends_on"]


def test_xlsx_templates_hold_the_header_row(qm_client, db):
    response = qm_client.get("/imports/templates/officers.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in next(sheet.iter_rows())] == OFFICER_HEADER.split(",")


def test_a_filled_in_template_imports(qm_client, reference):
    header = qm_client.get("/imports/templates/cameras.csv").content.decode().strip()
    location = _upload(qm_client, "cameras", header + "\nHPD-BWC-0900,NEW-1,Axon,Body 4,,,,\n")["Location"]
    assert "1 to create" in _text(qm_client.get(location))


def test_unknown_template_is_404(qm_client, db):
    assert qm_client.get("/imports/templates/cameras.pdf").status_code == 404
    assert qm_client.get("/imports/templates/weapons.csv").status_code == 404


def test_index_lists_recent_imports(qm_client, reference):
    _upload(qm_client, "cameras", CAMERA_HEADER + "\nHPD-BWC-0900,NEW-1,Axon,Body 4,,,,\n", "delivery-17.csv")
    text = _text(qm_client.get("/imports/"))
    assert "delivery-17.csv" in text and "Previewed, not applied" in text


def test_supervisor_cannot_import(client, reference):
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    assert client.get("/imports/").status_code == 403
    response = _upload(client, "cameras", CAMERA_HEADER + "\nHPD-BWC-0900,NEW-1,Axon,Body 4,,,,\n")
    assert response.status_code == 403
    assert ImportUpload.objects.count() == 0


# --- control characters: refused whole, naming the line and column, never a 500 -----------------------


@pytest.mark.parametrize(("char", "name"), [("\x00", "NUL (U+0000)"), ("\x07", "a control character (U+0007)")])
def test_a_control_character_in_a_csv_cell_is_refused_naming_line_and_column(qm_client, reference, char, name):
    content = CAMERA_HEADER + f"\nHPD-BWC-0900,NEW-1,Axon,Body 4,,,,\nHPD-BWC-0901,NEW{char}2,Axon,Body 4,,,,\n"
    before = _counts()
    response = _upload(qm_client, "cameras", content, "cams.csv")
    assert response.status_code == 400
    assert f"cams.csv has {name} in line 3, column serial_number." in _text(response)
    assert _counts() == before


def test_a_nul_in_the_header_row_is_refused(qm_client, reference):
    response = _upload(qm_client, "cameras", CAMERA_HEADER.replace("maker", "ma\x00ker") + "\nA,B,Axon,Body 4,,,,\n")
    assert response.status_code == 400
    assert "has NUL (U+0000) in the header row (line 1)" in _text(response)


def test_a_control_character_in_an_xlsx_cell_is_refused(qm_client, reference):
    # XML cannot hold C0 controls, but it can hold C1 ones such as U+0090.
    dataset = tablib.Dataset(headers=OFFICER_HEADER.split(","))
    dataset.append(["5101", "Eve", "Mo\x90ss", "", "", "", "", ""])
    response = _upload(qm_client, "officers", dataset.export("xlsx"), "roster.xlsx")
    assert response.status_code == 400
    assert "roster.xlsx has a control character (U+0090) in line 2, column last_name." in _text(response)


def test_control_characters_in_the_file_name_are_replaced(reference, staff_actor):
    from imports.services import create_upload

    data = (CAMERA_HEADER + "\nA-1,S-1,Axon,Body 4,,,,\n").encode()
    upload = create_upload(kind="cameras", filename="del\x00ivery\x1b.csv", data=data, by=staff_actor)
    assert ImportUpload.objects.get(pk=upload.pk).filename == "del?ivery?.csv"


def test_tabs_and_line_breaks_inside_a_quoted_cell_are_not_control_characters(qm_client, reference):
    content = CAMERA_HEADER + '\nHPD-BWC-0900,NEW-1,Axon,Body 4,,"2026\tdelivery",,\n'
    assert _upload(qm_client, "cameras", content).status_code == 302


# --- firmware: a version the firmware rule can compare ----------------------------------------------


def test_a_firmware_cell_that_is_not_a_version_is_refused_and_nothing_written(qm_client, reference):
    content = CAMERA_HEADER + "\nHPD-BWC-0900,NEW-1,Axon,Body 4,4.1.0,,,\nHPD-BWC-0901,NEW-2,Axon,Body 4,banana,,,\n"
    upload = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    text = _text(qm_client.get(upload.get_absolute_url())).replace("&#x27;", "'")
    # The words of the one firmware check (inventory.firmware), as the console's form shows them.
    assert "line 3, column firmware_version : “banana” is not a firmware version. Enter its numbers" in text
    assert "1 refused" in text and "Confirm import" not in text
    response = qm_client.post(
        f"/imports/{upload.pk}/confirm/", {"checksum": upload.checksum, "plan_digest": "0" * 64}, follow=True
    )
    assert "1 row is refused" in _text(response)
    assert not Camera.objects.exists()


# --- a large file: the preview is paged, refused rows first ------------------------------------------


def test_the_preview_is_paged_with_refused_rows_first(qm_client, reference, settings):
    settings.IMPORT_PREVIEW_PAGE_ROWS = 10
    lines = [f"HPD-BWC-{i:04d},SN-{i},Axon,Body 4,,,," for i in range(2, 252)]
    lines[200] = "HPD-BWC-0202,SN-202,Axon,Body 9,,,,"  # line 202 of the file, deep in it
    upload = ImportUpload.objects.get(
        pk=_upload(qm_client, "cameras", "\n".join([CAMERA_HEADER, *lines]))["Location"].split("/")[2]
    )
    first = qm_client.get(upload.get_absolute_url())
    text = _text(first)
    assert "249 to create" in text and "1 refused" in text
    assert "Rows 1–10 of 250, refused rows first." in text
    assert "line 202, column model : Unknown camera model Axon Body 9" in text
    assert text.count("Create") == 9  # the other nine rows of the first page
    assert "Page 1 of 25" in text
    last = _text(qm_client.get(upload.get_absolute_url() + "?page=25"))
    assert "Rows 241–250 of 250" in last and "SN-251" in last and "SN-2 " not in last
    # A page number past the end or not a number shows the last or first page, never an error.
    assert "Page 25 of 25" in _text(qm_client.get(upload.get_absolute_url() + "?page=999"))
    assert "Page 1 of 25" in _text(qm_client.get(upload.get_absolute_url() + "?page=x"))


def test_a_large_preview_page_stays_small(qm_client, reference, settings):
    settings.IMPORT_PREVIEW_PAGE_ROWS = 100
    lines = [f"HPD-BWC-{i:05d},SN-{i},Axon,Body 4,4.1.0,2026 delivery,2026-01-05,spare" for i in range(5000)]
    location = _upload(qm_client, "cameras", "\n".join([CAMERA_HEADER, *lines]))["Location"]
    response = qm_client.get(location)
    assert "5000 to create" in _text(response)
    assert len(response.content) < 150_000
