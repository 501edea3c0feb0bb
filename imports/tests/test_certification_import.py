"""Importing BWC certifications from the training records: upload, preview row by row, confirm all or
nothing; the same officer and day is updated, not duplicated; hostile and broken input refused."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import openpyxl
import pytest
import tablib
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from assignments.models import Certification
from audit.models import AuditEvent
from audit.services import verify_chain
from hartford_bwc.factories import OfficerFactory, UserFactory
from imports.models import ImportUpload

HEADER = "badge_number,certified_on,expires_on,course"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 15, 12)), tick=False):
        yield


@pytest.fixture
def qm_client(client):
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    return client


@pytest.fixture
def officers():
    return {
        badge: OfficerFactory(badge_number=badge, certified=False, first_name="Ann", last_name=f"Lee{badge}")
        for badge in ("5001", "5002")
    }


def _upload(client, content: bytes | str, name: str = "training.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/imports/upload/", {"kind": "training", "file": SimpleUploadedFile(name, data)})


def _preview(client, content, name="training.csv"):
    response = _upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _confirm(client, upload: ImportUpload):
    page = client.get(upload.get_absolute_url())
    digest = re.search(r'name="plan_digest" value="([0-9a-f]+)"', page.content.decode())[1]
    return client.post(
        f"/imports/{upload.pk}/confirm/", {"checksum": upload.checksum, "plan_digest": digest}, follow=True
    )


def test_the_imports_page_offers_the_training_records_card_and_templates(qm_client):
    page = qm_client.get("/imports/").content.decode()
    assert "BWC certifications (training records)" in page
    assert 'href="/imports/templates/training.csv"' in page
    response = qm_client.get("/imports/templates/training.csv")
    assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == HEADER.split(",")
    sheet = openpyxl.load_workbook(io.BytesIO(qm_client.get("/imports/templates/training.xlsx").content)).active
    assert [cell.value for cell in next(sheet.iter_rows())] == HEADER.split(",")


def test_preview_then_confirm_creates_certifications_audited_on_the_officer(qm_client, officers):
    content = "\n".join([HEADER, "5001,2026-06-01,2028-05-31,BWC operator", "5002,06/01/2026,06/30/2026,"])
    preview = _preview(qm_client, content)
    assert "2 to create" in _text(preview)
    assert not Certification.objects.exists()  # nothing written before the confirmation

    response = _confirm(qm_client, ImportUpload.objects.get())

    assert "Imported training.csv: 2 created, 0 updated, 0 unchanged." in _text(response)
    ann = Certification.objects.get(officer=officers["5001"])
    assert (ann.certified_on, ann.expires_on, ann.course) == (date(2026, 6, 1), date(2028, 5, 31), "BWC operator")
    assert Certification.objects.get(officer=officers["5002"]).expires_on == date(2026, 6, 30)
    event = AuditEvent.objects.get(action="certification.import_create", officer=officers["5001"])
    assert event.after["expires_on"] == "2028-05-31"
    assert verify_chain() is None


def test_reimport_of_the_same_officer_and_day_updates_instead_of_duplicating(qm_client, officers):
    _confirm(
        qm_client,
        ImportUpload.objects.get(
            pk=_upload(qm_client, f"{HEADER}\n5001,2026-06-01,2027-06-01,")["Location"].split("/")[2]
        ),
    )
    corrected = f"{HEADER}\n5001,2026-06-01,2028-06-01,BWC operator\n"
    preview = _preview(qm_client, corrected)
    assert "1 to update" in _text(preview)
    _confirm(qm_client, ImportUpload.objects.order_by("-pk").first())
    [cert] = Certification.objects.all()
    assert cert.expires_on == date(2028, 6, 1)
    assert AuditEvent.objects.filter(action="certification.import_update").count() == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("9999,2026-06-01,2028-06-01,", "No officer has the badge number 9999; import the officer first."),
        (",2026-06-01,2028-06-01,", "Missing badge number."),
        ("5001,,2028-06-01,", "Missing the day the training was passed."),
        ("5001,2026-06-01,,", "Missing the expiry date."),
        ("5001,yesterday,2028-06-01,", "'yesterday' is not a date"),
        ("5001,2026-07-01,2028-06-01,", "2026-07-01 is in the future."),
        ("5001,2026-06-01,2026-05-01,", "Expires on 2026-05-01 before it was passed on 2026-06-01."),
        ("5001,2026-06-01,2028-06-01," + "x" * 121, "Too long: 121 characters, at most 120."),
    ],
)
def test_bad_rows_are_refused_by_line_and_column_and_nothing_is_written(qm_client, officers, row, message):
    preview = _preview(qm_client, f"{HEADER}\n5002,2026-06-01,2028-06-01,\n{row}\n")
    assert message in _text(preview)
    assert "1 refused" in _text(preview)
    response = qm_client.post(
        f"/imports/{ImportUpload.objects.get().pk}/confirm/",
        {"checksum": ImportUpload.objects.get().checksum, "plan_digest": "0" * 64},
        follow=True,
    )
    assert "refused; fix the file" in _text(response)
    assert not Certification.objects.exists()


def test_the_same_officer_and_day_twice_in_a_file_is_refused(qm_client, officers):
    preview = _preview(qm_client, f"{HEADER}\n5001,2026-06-01,2028-06-01,\n5001,06/01/2026,2028-07-01,\n")
    assert "The same officer and day are also on line 2." in _text(preview)


def test_hostile_cells_a_formula_is_flagged_and_a_control_character_refuses_the_file(qm_client, officers):
    preview = _preview(qm_client, f'{HEADER}\n5001,2026-06-01,2028-06-01,"=HYPERLINK(""http://x"")"\n')
    assert "starts with =, like a spreadsheet formula" in _text(preview)
    response = _upload(qm_client, f"{HEADER}\n5001,2026-06-01,2028-06-01,BWC\x1b\n")
    assert response.status_code == 400
    assert "line 2, column course" in _text(response)
    response = _upload(qm_client, "badge,certified,expires\n5001,2026-06-01,2028-06-01\n")
    assert response.status_code == 400 and "missing: badge_number, certified_on, expires_on" in _text(response)
    assert not Certification.objects.exists()


def test_xlsx_training_records_with_real_date_cells(qm_client, officers):
    dataset = tablib.Dataset(headers=HEADER.split(","))
    dataset.append([5001, date(2026, 6, 1), date(2028, 5, 31), "BWC operator"])
    location = _upload(qm_client, dataset.export("xlsx"), "training.xlsx")["Location"]
    _confirm(qm_client, ImportUpload.objects.get(pk=location.split("/")[2]))
    assert Certification.objects.get().expires_on == date(2028, 5, 31)


def test_a_supervisor_cannot_import(client, officers):
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    assert _upload(client, f"{HEADER}\n5001,2026-06-01,2028-06-01,\n").status_code == 403
