"""A large import is applied by a Celery task, all of it or nothing, while the page shows its progress."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from audit.models import AuditEvent
from audit.services import verify_chain
from hartford_bwc import records
from hartford_bwc.factories import CameraFactory, CameraModelFactory, UserFactory
from imports import progress, services
from imports.models import ImportUpload
from imports.tasks import apply_import
from inventory.models import Camera

CAMERA_HEADER = "asset_tag,serial_number,maker,model,firmware_version,purchase_batch,purchased_on,pool"


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.IMPORT_BACKGROUND_APPLY_MIN_ROWS = 5
    settings.CACHES = {
        **settings.CACHES,
        "import_progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "progress"},
    }


@pytest.fixture
def qm_client(client, db):
    client.force_login(UserFactory(role=roles.QUARTERMASTER, username="qm"))
    CameraModelFactory(maker="Axon", name="Body 4")
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _upload(client, rows: int = 5) -> ImportUpload:
    lines = [CAMERA_HEADER, *(f"HPD-BWC-{i:04d},SN-{i},Axon,Body 4,,,," for i in range(rows))]
    data = SimpleUploadedFile("delivery.csv", "\n".join(lines).encode())
    response = client.post("/imports/upload/", {"kind": "cameras", "file": data})
    return ImportUpload.objects.get(pk=response["Location"].split("/")[2])


def _confirm_data(client, upload: ImportUpload) -> dict:
    page = client.get(upload.get_absolute_url()).content.decode()
    return {"checksum": upload.checksum, "plan_digest": re.search(r'name="plan_digest" value="([0-9a-f]+)"', page)[1]}


def test_a_large_import_is_applied_by_the_task_once_the_request_committed(
    qm_client, django_capture_on_commit_callbacks
):
    upload = _upload(qm_client)
    data = _confirm_data(qm_client, upload)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = qm_client.post(f"/imports/{upload.pk}/confirm/", data)
    assert response.status_code == 302 and len(callbacks) == 1
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.APPLIED and upload.created_count == 5
    assert upload.applied_by.username == "qm"
    assert Camera.objects.count() == 5
    # From the upload on (creating the quartermaster's account is audited before it).
    first = AuditEvent.objects.get(action="import.upload").pk
    actions = list(AuditEvent.objects.filter(pk__gte=first).values_list("action", flat=True).order_by("id"))
    assert actions == ["import.upload", "import.apply_requested", *["camera.import_create"] * 5, "import.apply"]
    assert AuditEvent.objects.get(action="import.apply").actor_user.username == "qm"
    assert verify_chain() is None
    text = _text(qm_client.get(upload.get_absolute_url()))
    assert "Importing delivery.csv in the background" in text and "5 created" in text


def test_while_it_is_queued_the_page_shows_a_progress_bar_fed_by_a_small_json_status(qm_client):
    upload = _upload(qm_client)
    data = _confirm_data(qm_client, upload)
    # Without the on-commit callbacks the task never runs: the import stays queued.
    qm_client.post(f"/imports/{upload.pk}/confirm/", data)
    page = qm_client.get(upload.get_absolute_url())
    html = page.content.decode()
    assert "Being applied" in _text(page) and "Waiting for the background worker" in _text(page)
    assert '<progress max="5"' in html and f'data-import-progress="/imports/{upload.pk}/progress/"' in html
    assert 'src="/static/js/import_progress.js"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script (CSP)"
    assert "Confirm import" not in html
    status = qm_client.get(f"/imports/{upload.pk}/progress/").json()
    assert status == {
        "status": "applying",
        "done": 0,
        "total": 5,
        "message": "Waiting for the background worker…",
        "error": "",
    }
    progress.report(upload.pk, phase="writing", done=3, total=5)
    assert qm_client.get(f"/imports/{upload.pk}/progress/").json()["message"] == "Writing rows: 3 of 5."
    # A second confirmation does not queue it twice.
    again = qm_client.post(f"/imports/{upload.pk}/confirm/", data, follow=True)
    assert "This import is being applied since" in _text(again)
    assert AuditEvent.objects.filter(action="import.apply_requested").count() == 1


def test_the_progress_status_needs_a_role_that_can_import(client, qm_client):
    upload = _upload(qm_client)
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    assert client.get(f"/imports/{upload.pk}/progress/").status_code == 403


def test_the_task_reports_progress_batch_by_batch(qm_client, monkeypatch):
    upload = _upload(qm_client)
    data = _confirm_data(qm_client, upload)
    qm_client.post(f"/imports/{upload.pk}/confirm/", data)
    monkeypatch.setattr(records, "BATCH_SIZE", 2)
    seen = []
    monkeypatch.setattr(progress, "report", lambda pk, **state: seen.append(state))
    user = ImportUpload.objects.get(pk=upload.pk).apply_requested_by
    assert apply_import(upload_id=upload.pk, user_id=user.pk, ip="127.0.0.1", **data) == "applied"
    assert [(s["phase"], s["done"], s["total"]) for s in seen] == [
        ("checking", 0, 5),
        ("writing", 2, 5),
        ("writing", 4, 5),
        ("writing", 5, 5),
        ("auditing", 5, 5),
        ("done", 5, 5),
    ]
    # A second delivery of the same message changes nothing.
    assert apply_import(upload_id=upload.pk, user_id=user.pk, ip="127.0.0.1", **data) == "skipped"
    assert Camera.objects.count() == 5


def test_a_refusal_in_the_task_writes_nothing_and_the_page_says_why(qm_client):
    upload = _upload(qm_client)
    data = _confirm_data(qm_client, upload)
    qm_client.post(f"/imports/{upload.pk}/confirm/", data)
    CameraFactory(asset_tag="HPD-BWC-0950", serial_number="SN-3")  # someone receives one meanwhile
    before = Camera.objects.count()
    assert apply_import(upload_id=upload.pk, user_id=None, ip=None, **data) == "refused"
    assert Camera.objects.count() == before
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.PREVIEWED
    assert upload.apply_error.startswith("The records changed since the preview")
    assert AuditEvent.objects.filter(action="import.apply_failed").count() == 1
    text = _text(qm_client.get(upload.get_absolute_url()))
    assert "The last attempt to apply this import wrote nothing: The records changed since the preview" in text
    assert qm_client.get(f"/imports/{upload.pk}/progress/").json()["status"] == "previewed"


def test_an_import_stopped_by_the_time_limit_writes_nothing(qm_client, monkeypatch, settings):
    settings.IMPORT_APPLY_TIME_LIMIT_SECONDS = 600
    upload = _upload(qm_client)
    data = _confirm_data(qm_client, upload)
    qm_client.post(f"/imports/{upload.pk}/confirm/", data)

    record_many = services.audit.record_many

    def out_of_time(*, by, events):
        events = list(events)
        if any(event.action == "import.apply" for event in events):
            raise SoftTimeLimitExceeded()
        return record_many(by=by, events=events)

    # The time runs out after every camera was written, while the audit trail is being written.
    monkeypatch.setattr(services.audit, "record_many", out_of_time)
    assert apply_import(upload_id=upload.pk, user_id=None, ip=None, **data) == "timed out"
    assert Camera.objects.count() == 0
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.PREVIEWED
    assert "took longer than 600 s and was stopped; nothing was imported" in upload.apply_error


def test_an_unreachable_broker_leaves_the_import_ready_to_confirm_again(
    qm_client, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(apply_import, "apply_async", broker_down)
    upload = _upload(qm_client)
    with django_capture_on_commit_callbacks(execute=True):
        qm_client.post(f"/imports/{upload.pk}/confirm/", _confirm_data(qm_client, upload))
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.PREVIEWED
    assert "could not be reached; nothing was imported" in upload.apply_error
    assert "Confirm import" in _text(qm_client.get(upload.get_absolute_url()))


def test_an_import_abandoned_by_a_killed_worker_can_be_confirmed_again(qm_client, settings):
    settings.IMPORT_APPLY_TIME_LIMIT_SECONDS = 600
    upload = _upload(qm_client)
    data = _confirm_data(qm_client, upload)
    qm_client.post(f"/imports/{upload.pk}/confirm/", data)
    ImportUpload.objects.filter(pk=upload.pk).update(apply_requested_at=timezone.now() - timedelta(minutes=13))
    response = qm_client.post(f"/imports/{upload.pk}/confirm/", data, follow=True)
    assert "Importing delivery.csv in the background" in _text(response)
    assert AuditEvent.objects.filter(action="import.apply_requested").count() == 2


def test_a_file_below_the_threshold_is_applied_in_the_request(qm_client):
    upload = _upload(qm_client, rows=4)
    response = qm_client.post(f"/imports/{upload.pk}/confirm/", _confirm_data(qm_client, upload), follow=True)
    assert "Imported delivery.csv: 4 created" in _text(response)
    assert not AuditEvent.objects.filter(action="import.apply_requested").exists()
