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
from assignments.models import PersonalIssue
from audit.actions import Action
from audit.actor import Actor
from audit.models import AuditEvent
from demo.vendor import PER_KIND, vendor_export_csv
from hartford_bwc import timefmt
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.factories import CameraFactory, OfficerFactory
from hartford_bwc.spreadsheet import csv_bytes
from hartford_bwc.testing import messages_of, sign_in
from inventory.models import Camera, MaintenanceRecord

from .. import vendor, vendor_fixes
from ..models import VendorExport
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


def test_reconciling_an_export_that_names_officers_takes_one_query_more():
    CameraFactory.create_batch(3)
    data = csv_bytes(HEADERS, [[c.serial_number, "1044", "", ""] for c in Camera.objects.all()])
    rows = vendor.read_export(filename="v.csv", data=data)
    with CaptureQueriesContext(connection) as queries:
        vendor.reconcile(rows)
    assert len(queries) == 5  # ... and the active officers with the badges it names


def test_the_page_keeps_an_upload_and_compares_it_for_every_role_and_refuses_a_bad_file(client):
    _, data = crafted_fleet()
    sign_in(client, roles.SUPERVISOR)
    url = reverse("stocktake:vendor")
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("vendor.csv", data)})
    export = VendorExport.objects.get()
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    assert (export.filename, export.row_count) == ("vendor.csv", 5)
    assert AuditEvent.objects.filter(action=Action.STOCKTAKE_VENDOR_UPLOAD).count() == 1
    page = client.get(export.get_absolute_url()).content.decode()
    assert "Assigned to another officer there: 1" in page
    assert "In service here, unknown to the vendor: 1" in page
    assert "Record firmware" not in page  # a supervisor reads; the fixes are the quartermaster's
    assert "#1" in client.get(url).content.decode()  # listed among the recent exports
    bad = client.post(url, {"file": SimpleUploadedFile("vendor.txt", b"hello")})
    assert bad.status_code == 422 and "is not a CSV or XLSX file" in bad.content.decode()
    assert VendorExport.objects.count() == 1


# Session and user (2), the user's roles (1), the export (1), then the reconciliation's 4 (see above).
@pytest.mark.parametrize("size", [10, 200])
def test_the_vendor_export_page_runs_a_fixed_number_of_queries(size, client, django_assert_num_queries):
    CameraFactory.create_batch(size)
    data = csv_bytes(HEADERS, [[c.serial_number, "", "", ""] for c in Camera.objects.all()])
    sign_in(client)
    export = keep(data)
    client.get(export.get_absolute_url())  # the session's refresh after sign-in is not the page's cost
    with django_assert_num_queries(8):
        response = client.get(export.get_absolute_url())
    assert f"In service here, not docked there: {size}" in response.content.decode()


# Session and user (2), the user's roles (1), the recent exports (1).
@pytest.mark.parametrize("exports", [1, 10])
def test_the_vendor_upload_page_runs_a_fixed_number_of_queries(exports, client, django_assert_num_queries):
    for _ in range(exports):
        keep(csv_bytes(HEADERS, [["X1", "", "", ""]]))
    sign_in(client)
    url = reverse("stocktake:vendor")
    client.get(url)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.content.decode().count("vendor.csv") == exports


# --- one-click fixes ---------------------------------------------------------------------------------


def keep(data: bytes) -> VendorExport:
    rows = vendor.read_export(filename="vendor.csv", data=data)
    return vendor_fixes.keep_export(filename="vendor.csv", rows=rows, by=quartermaster_actor())


def quartermaster_actor():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="qm").first()
    return Actor.staff(user) if user else quartermaster()


def fixable_fleet() -> VendorExport:
    """A fleet and an export with one disagreement of every kind that has a fix."""
    today = timezone.localdate()
    OfficerFactory(badge_number="3050", first_name="Ana", last_name="Silva")
    CameraFactory(asset_tag="HPD-BWC-0201", serial_number="FW1", firmware_version="4.1.0")
    CameraFactory(asset_tag="HPD-BWC-0202", serial_number="NOBODY1", firmware_version="4.1.0")
    CameraFactory(asset_tag="HPD-BWC-0203", serial_number="STALE1", firmware_version="4.1.0")
    CameraFactory(asset_tag="HPD-BWC-0204", serial_number="STALE2", firmware_version="4.1.0")
    rows = [
        ["FW1", "", "4.2.1", today.isoformat()],
        ["NOBODY1", "3050", "4.1.0", today.isoformat()],
        ["STALE1", "", "4.1.0", (today - timedelta(days=40)).isoformat()],
        ["STALE2", "", "4.1.0", ""],
        ["NEW9", "", "4.1.0", today.isoformat()],
    ]
    return keep(csv_bytes(HEADERS, rows))


def kinds_and_fixes(export) -> list[tuple[str, str, list[str]]]:
    return [(d.kind, d.serial, d.fixes) for d in vendor.reconcile(vendor_fixes.rows_of(export))]


def test_each_disagreement_offers_the_fixes_that_make_sense():
    export = fixable_fleet()
    assert kinds_and_fixes(export) == [
        ("assigned_elsewhere", "NOBODY1", ["issue-personal"]),
        ("firmware", "FW1", ["record-firmware"]),
        ("unknown_here", "NEW9", []),
        ("not_docked_there", "STALE1", ["send-to-inspection", "report-lost"]),
        ("not_docked_there", "STALE2", ["send-to-inspection", "report-lost"]),
    ]


def test_assigned_to_another_officer_here_is_a_link_not_a_fix():
    _, data = crafted_fleet()  # OUT1 is out with badge 1044 here; the vendor says 2077
    found = vendor.reconcile(vendor.read_export(filename="v.csv", data=data))
    assert [d.fixes for d in found if d.kind == "assigned_elsewhere"] == [[]]


def test_record_firmware_writes_the_vendor_s_version_through_the_camera_edit_and_audits_it():
    export = fixable_fleet()
    by = quartermaster_actor()
    assert vendor_fixes.fix(export=export, serial="fw1", fix="record-firmware", by=by) == (
        "HPD-BWC-0201: firmware recorded as 4.2.1."
    )
    assert Camera.objects.get(serial_number="FW1").firmware_version == "4.2.1"
    edit = AuditEvent.objects.filter(action=Action.CAMERA_EDIT).order_by("pk").last()
    assert edit.after == {"firmware_version": "4.2.1"}
    fix_event = AuditEvent.objects.get(action=Action.STOCKTAKE_VENDOR_FIX)
    assert fix_event.after["fix"] == "record-firmware" and fix_event.before["there"] == "4.2.1"
    assert "firmware" not in {kind for kind, _, _ in kinds_and_fixes(export)}


def test_issue_personal_records_the_vendor_s_officer_as_the_holder_here():
    export = fixable_fleet()
    done = vendor_fixes.fix(export=export, serial="NOBODY1", fix="issue-personal", by=quartermaster_actor())
    assert done.startswith("HPD-BWC-0202: issued to ") and done.endswith("(badge 3050).")
    assert PersonalIssue.objects.current().get(camera__serial_number="NOBODY1").officer.badge_number == "3050"
    assert "assigned_elsewhere" not in {kind for kind, _, _ in kinds_and_fixes(export)}


def test_not_docked_there_sends_to_inspection_or_reports_lost():
    export = fixable_fleet()
    by = quartermaster_actor()
    vendor_fixes.fix(export=export, serial="STALE1", fix="send-to-inspection", by=by)
    inspected = Camera.objects.get(serial_number="STALE1")
    assert inspected.status == Camera.Status.IN_MAINTENANCE
    assert MaintenanceRecord.objects.open().get(camera=inspected).kind == MaintenanceRecord.Kind.INSPECTION
    with pytest.raises(InvalidInput, match="incident report number"):
        vendor_fixes.fix(export=export, serial="STALE2", fix="report-lost", by=by)
    vendor_fixes.fix(export=export, serial="STALE2", fix="report-lost", by=by, incident_number="HPD-26-40")
    assert Camera.objects.get(serial_number="STALE2").status == Camera.Status.LOST
    # In maintenance, still not docked there: only "report lost" is left for STALE1.
    assert ("not_docked_there", "STALE1", ["report-lost"]) in kinds_and_fixes(export)
    assert "STALE2" not in {serial for _, serial, _ in kinds_and_fixes(export)}


def test_a_fix_that_no_longer_applies_is_refused_with_a_clear_message_and_changes_nothing():
    export = fixable_fleet()
    by = quartermaster_actor()
    vendor_fixes.fix(export=export, serial="FW1", fix="record-firmware", by=by)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError, match="HPD-BWC-0201: nothing to record the vendor's firmware any more"):
        vendor_fixes.fix(export=export, serial="FW1", fix="record-firmware", by=by)
    with pytest.raises(DomainError, match="not in this export"):
        vendor_fixes.fix(export=export, serial="OTHER", fix="record-firmware", by=by)
    with pytest.raises(DomainError, match="No camera has serial NEW9"):
        vendor_fixes.fix(export=export, serial="NEW9", fix="record-firmware", by=by)
    assert AuditEvent.objects.count() == events


def test_a_vendor_firmware_that_is_not_a_version_is_refused():
    CameraFactory(serial_number="FW1", firmware_version="4.1.0")
    export = keep(csv_bytes(HEADERS, [["FW1", "", "not a version!", ""]]))
    with pytest.raises(InvalidInput, match="is not a version"):
        vendor_fixes.fix(export=export, serial="FW1", fix="record-firmware", by=quartermaster_actor())
    assert Camera.objects.get(serial_number="FW1").firmware_version == "4.1.0"


def test_the_page_s_buttons_fix_and_a_double_click_is_told_it_is_done(client):
    export = fixable_fleet()
    sign_in(client)
    page = client.get(export.get_absolute_url()).content.decode()
    assert "Record firmware 4.2.1" in page and "Issue to badge 3050" in page
    assert f'href="{reverse("inventory:camera_add")}?serial_number=NEW9"' in page
    url = reverse("stocktake:vendor_fix", args=[export.pk, "record-firmware"])
    first = client.post(url, {"serial": "FW1"}, follow=True)
    assert messages_of(first) == ["HPD-BWC-0201: firmware recorded as 4.2.1."]
    assert "Firmware differs: 0" in first.content.decode()
    second = client.post(url, {"serial": "FW1"}, follow=True)
    assert messages_of(second)[0].startswith("HPD-BWC-0201: nothing to record the vendor's firmware any more")
    assert (
        client.post(reverse("stocktake:vendor_fix", args=[export.pk, "nonsense"]), {"serial": "FW1"}).status_code == 404
    )


def test_only_a_quartermaster_fixes_and_only_by_post(client):
    export = fixable_fleet()
    url = reverse("stocktake:vendor_fix", args=[export.pk, "record-firmware"])
    sign_in(client, roles.SUPERVISOR)
    assert client.post(url, {"serial": "FW1"}).status_code == 403
    sign_in(client)
    assert client.get(url).status_code == 405
    assert Camera.objects.get(serial_number="FW1").firmware_version == "4.1.0"
