"""Photos and documents on maintenance records (issue 14, item 20): what is accepted, how it is stored
and audited, who may see it, and that it never reaches a browser as a page."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import roles
from audit.models import AuditEvent
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.factories import CameraFactory, UserFactory
from hartford_bwc.testing import messages_of, sign_in
from inventory import attachments
from inventory.attachments import attach, sniff
from inventory.models import Attachment
from inventory.services import open_maintenance

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + b"\x00" * 40


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def record(system_actor):
    camera = CameraFactory(asset_tag="HPD-BWC-0412")
    return open_maintenance(camera=camera, kind="repair", problem="Cracked lens", by=system_actor)


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- the service ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "kind"),
    [
        (PNG, "image/png", "photo"),
        (JPEG, "image/jpeg", "photo"),
        (WEBP, "image/webp", "photo"),
        (HEIC, "image/heic", "photo"),
        (PDF, "application/pdf", "document"),
    ],
)
def test_each_accepted_kind_is_stored_under_a_random_dated_name_and_audited(
    record, system_actor, storage, data, content_type, kind
):
    attachment = attach(record=record, upload=upload(data, "IMG_0001.dat", "text/html"), by=system_actor)
    assert (attachment.kind, attachment.content_type, attachment.size) == (kind, content_type, len(data))
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/\d{2}/[0-9a-f]{32}\.(jpg|png|webp|heic|pdf)", attachment.file.name)
    assert default_storage.open(attachment.file.name).read() == data
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.original_name == "IMG_0001.dat"
    event = AuditEvent.objects.get(action="maintenance.attach")
    assert event.camera_id == record.camera_id
    assert event.after == {
        "attachment": attachment.pk,
        "kind": kind,
        "content_type": content_type,
        "size": len(data),
        "sha256": attachment.sha256,
        "name": "IMG_0001.dat",
    }


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "photo.png", "That file is empty"),
        (b"<!DOCTYPE html><script>alert(1)</script>", "photo.png", "not one of the kinds accepted"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "photo.svg", "not one of the kinds accepted"),
        (b"GIF89a" + b"\x00" * 20, "anim.gif", "not one of the kinds accepted"),
        (b"PK\x03\x04 a zip, or a .docx", "rma.docx", "not one of the kinds accepted"),
        (b"\x89PN", "short.png", "not one of the kinds accepted"),
    ],
)
def test_a_file_that_is_not_an_accepted_kind_is_refused_and_nothing_is_kept(
    record, system_actor, storage, data, name, message
):
    with pytest.raises(InvalidInput, match=message):
        attach(record=record, upload=upload(data, name), by=system_actor)
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action="maintenance.attach").exists()
    assert stored_files(storage) == []


def test_a_file_over_the_size_limit_is_refused(record, system_actor, settings, storage):
    settings.ATTACHMENT_MAX_BYTES = len(PNG) - 1
    with pytest.raises(InvalidInput, match="larger than"):
        attach(record=record, upload=upload(PNG), by=system_actor)
    settings.ATTACHMENT_MAX_BYTES = len(PNG)
    attach(record=record, upload=upload(PNG), by=system_actor)  # exactly the limit is fine
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd\x00.png", "passwd.png"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("C:\\Users\\qm\\DSC 0042.JPG", "DSC 0042.JPG"),
        ("\x1b[31mred.png", "[31mred.png"),
        (".htaccess", "htaccess"),
        ("x" * 300 + ".png", "x" * 116 + ".png"),
    ],
)
def test_the_uploaded_name_is_only_shown_never_used_to_store(record, system_actor, storage, name, shown):
    attachment = attach(record=record, upload=upload(PNG, name), by=system_actor)
    assert attachment.original_name == shown
    [path] = stored_files(storage)
    assert path == attachment.file.name and path.startswith("attachments/") and ".." not in path


def test_a_record_holds_at_most_the_configured_number_of_files(record, system_actor, settings):
    settings.ATTACHMENT_MAX_PER_RECORD = 2
    attach(record=record, upload=upload(PNG), by=system_actor)
    attach(record=record, upload=upload(PDF, "rma.pdf"), by=system_actor)
    with pytest.raises(DomainError, match="already holds 2 files"):
        attach(record=record, upload=upload(PNG), by=system_actor)


def test_when_the_row_cannot_be_written_the_stored_bytes_go_too(record, system_actor, storage, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Attachment.objects, "create", broken)
    with pytest.raises(RuntimeError):
        attach(record=record, upload=upload(PNG), by=system_actor)
    assert stored_files(storage) == []


def test_a_file_attached_inside_a_larger_change_goes_when_that_change_rolls_back(record, system_actor, storage):
    """attach() commits its own part, but the caller's transaction decides: its rollback deletes the bytes."""
    with pytest.raises(RuntimeError), attachments.atomic():
        attach(record=record, upload=upload(PNG), by=system_actor)
        assert len(stored_files(storage)) == 1
        raise RuntimeError("a later step of the same change fails")
    assert stored_files(storage) == [] and not Attachment.objects.exists()


def test_a_file_attached_inside_a_larger_change_that_commits_stays(record, system_actor, storage):
    with attachments.atomic(), attachments.atomic():
        attachment = attach(record=record, upload=upload(PNG), by=system_actor)
    assert stored_files(storage) == [attachment.file.name]


def test_sniffing_reads_the_bytes_not_the_name():
    assert sniff(PNG[:16]) == "image/png"
    assert sniff(b"<html>\x89PNG\r\n\x1a\n") is None
    assert sniff(b"\x00\x00\x00\x18ftypisom\x00\x00") is None  # an MP4 video, not a HEIC photo


# --- serving --------------------------------------------------------------------------------------


@pytest.fixture
def photo(record, system_actor):
    return attach(record=record, upload=upload(PNG, "lens.png"), by=system_actor)


@pytest.fixture
def document(record, system_actor):
    return attach(record=record, upload=upload(PDF, "RMA 7781.pdf", "application/pdf"), by=system_actor)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_photo_is_served_inline_as_its_own_type_in_a_sandbox(client, photo):
    sign_in(client, roles.SUPERVISOR)
    response = client.get(photo.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="lens.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert _body(response) == PNG


def test_a_document_is_served_as_a_download(client, document):
    sign_in(client, roles.QUARTERMASTER)
    response = client.get(document.get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="RMA 7781.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_png_carrying_html_after_its_header_is_still_only_ever_a_png(client, record, system_actor):
    sneaky = attach(
        record=record, upload=upload(PNG + b"<html><script>alert(1)</script></html>", "x.html"), by=system_actor
    )
    sign_in(client, roles.SUPERVISOR)
    response = client.get(sneaky.get_absolute_url())
    assert response["Content-Type"] == "image/png" and "html" not in response["Content-Type"]
    assert response["Content-Disposition"] == 'inline; filename="x.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_files_need_a_staff_role(client, photo):
    response = client.get(photo.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())  # signed in, but no role
    assert client.get(photo.get_absolute_url()).status_code == 403


def test_an_unknown_file_is_404(client):
    sign_in(client, roles.SUPERVISOR)
    assert client.get("/inventory/attachments/999/").status_code == 404


# --- the camera page -------------------------------------------------------------------------------


def page_url(record) -> str:
    return f"/inventory/cameras/{record.camera.asset_tag}/"


def test_a_quartermaster_attaches_a_photo_on_the_camera_page_and_sees_it(client, record, storage):
    sign_in(client, roles.QUARTERMASTER)
    page = client.get(page_url(record)).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'accept="image/jpeg,' in page
    response = client.post(page_url(record) + "attach/", {"file": upload(PNG, "lens.png")}, follow=True)
    assert "HPD-BWC-0412: photo lens.png attached." in messages_of(response)
    attachment = Attachment.objects.get()
    assert attachment.record == record
    assert f'<img src="{attachment.get_absolute_url()}" alt="Photo lens.png"' in response.content.decode()
    assert AuditEvent.objects.get(action="maintenance.attach").actor_user.username.startswith("quartermaster")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Choose a photo or document to attach."),
        ({"file": upload(b"<html></html>", "evil.png")}, "That file is not one of the kinds accepted"),
        ({"file": upload(b"", "empty.png")}, "That file is empty"),
    ],
)
def test_a_refused_upload_says_why_on_the_camera_page(client, record, files, message):
    sign_in(client, roles.QUARTERMASTER)
    response = client.post(page_url(record) + "attach/", files, follow=True)
    assert any(text.startswith(message) for text in messages_of(response))
    assert not Attachment.objects.exists()


def test_attaching_needs_an_open_record_and_a_quartermaster(client, record, system_actor):
    sign_in(client, roles.SUPERVISOR)
    assert client.post(page_url(record) + "attach/", {"file": upload(PNG)}).status_code == 403
    assert "Attach a photo" not in client.get(page_url(record)).content.decode()
    client.logout()
    sign_in(client, roles.QUARTERMASTER)
    camera = CameraFactory()
    response = client.post(f"/inventory/cameras/{camera.asset_tag}/attach/", {"file": upload(PNG)}, follow=True)
    assert f"{camera.asset_tag} has no open maintenance record." in messages_of(response)
    assert not Attachment.objects.exists()


def test_the_camera_page_reads_its_files_in_one_query_however_many(
    client, record, system_actor, django_assert_num_queries
):
    sign_in(client, roles.QUARTERMASTER)
    attach(record=record, upload=upload(PNG), by=system_actor)
    client.get(page_url(record))
    with django_assert_num_queries(16):
        client.get(page_url(record))
    for _ in range(6):
        attach(record=record, upload=upload(PDF, "rma.pdf"), by=system_actor)
    with django_assert_num_queries(16):
        response = client.get(page_url(record))
    assert len(response.context["page"].attachments) == 7
