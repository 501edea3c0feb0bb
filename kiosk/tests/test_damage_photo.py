"""A damaged return at the kiosk can carry a photo from the kiosk's camera (issue 14, item 20)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assignments import services as assignments
from assignments.models import Checkout
from audit.models import AuditEvent
from inventory.models import Attachment, MaintenanceRecord

from .conftest import alert, status

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def out_camera(officer, spare, system_actor):
    assignments.check_out(camera=spare, officer=officer, by=system_actor)
    return spare


def _return_damaged(kiosk_browser, photo: bytes, name: str = "capture.jpg"):
    data = {
        "barcode": "HPD-BWC-0100",
        "condition": "damaged",
        "damage_description": "Mount snapped",
        "photo": SimpleUploadedFile(name, photo, content_type="image/jpeg"),
    }
    return kiosk_browser.client.post("/kiosk/return/", data, follow=True)


def test_the_damaged_return_screen_offers_the_kiosk_camera(kiosk_browser, out_camera):
    page = kiosk_browser.return_camera("HPD-BWC-0100").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="id_damage_photo">Photo of the damage (optional)</label>' in page
    assert 'name="photo" accept="image/*" capture="environment"' in page


def test_a_photo_with_a_damaged_return_is_kept_on_the_repair_it_opens(kiosk_browser, out_camera):
    response = _return_damaged(kiosk_browser, JPEG)
    assert "checked in as damaged" in status(response)
    record = MaintenanceRecord.objects.open().get(camera=out_camera)
    photo = Attachment.objects.get()
    assert (photo.record, photo.kind, photo.content_type) == (record, "photo", "image/jpeg")
    event = AuditEvent.objects.get(action="maintenance.attach")
    assert event.actor_kind == "kiosk"


def test_a_file_that_is_not_a_photo_asks_again_and_changes_nothing(kiosk_browser, out_camera, storage):
    response = _return_damaged(kiosk_browser, b"<html><script>alert(1)</script></html>", "photo.jpg")
    assert "not one of the kinds accepted" in alert(response)
    assert ">Damaged<" in response.content.decode()  # still on the same step
    assert Checkout.objects.get(camera=out_camera).checked_in_at is None
    assert not MaintenanceRecord.objects.exists() and not Attachment.objects.exists()
    assert not [p for p in storage.rglob("*") if p.is_file()]


def test_a_return_that_rolls_back_after_its_photo_was_stored_leaves_no_file(
    kiosk_browser, out_camera, storage, monkeypatch
):
    """The photo is stored before the return's last rows are written: when one of them fails, the whole
    return rolls back and the stored bytes are deleted with it (no orphan file on storage)."""
    from django.db import DatabaseError

    from kiosk import services
    from kiosk.models import KioskReturn

    def disk_full(**kwargs):
        assert [p for p in storage.rglob("*") if p.is_file()], "the photo is stored by now"
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(KioskReturn.objects, "create", disk_full)
    with pytest.raises(DatabaseError):
        services.check_in_at_kiosk(
            kiosk=kiosk_browser.kiosk,
            barcode="HPD-BWC-0100",
            condition="damaged",
            damage_description="Mount snapped",
            photo=SimpleUploadedFile("capture.jpg", JPEG, content_type="image/jpeg"),
        )
    assert Checkout.objects.get(camera=out_camera).checked_in_at is None
    assert not MaintenanceRecord.objects.exists() and not Attachment.objects.exists()
    assert not [p for p in storage.rglob("*") if p.is_file()]
