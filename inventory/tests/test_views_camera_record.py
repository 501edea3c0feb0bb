"""The "Add camera" and "Edit" pages: who may use them, what they show, what they write, what they cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from accounts import roles
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, CameraModelFactory
from hartford_bwc.testing import messages_of, sign_in
from inventory.models import Camera

pytestmark = pytest.mark.django_db
TAG = "HPD-BWC-0412"
ANON, QM, SUP, ADMIN = None, roles.QUARTERMASTER, roles.SUPERVISOR, roles.ADMINISTRATOR
AUDIT_LOCK = 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def camera(db):
    return CameraFactory(
        asset_tag=TAG, serial_number="X6A0000412", model=CameraModelFactory(maker="Axon", name="Body 4")
    )


def _post_data(camera_model, **overrides) -> dict:
    data = {
        "asset_tag": "hpd-bwc-0900",
        "serial_number": "X6A0000900",
        "model": str(camera_model.pk),
        "firmware_version": "4.1.0",
        "purchase_batch": "2026 delivery",
        "purchased_on": "2026-01-05",
        "notes": "Spare for Traffic.",
    }
    return {**data, **overrides}


# --- who may use them ------------------------------------------------------------------------------

PAGES = [reverse("inventory:camera_add"), reverse("inventory:camera_edit", args=[TAG])]


@pytest.mark.parametrize("role", [ANON, QM, SUP, ADMIN])
@pytest.mark.parametrize("url", PAGES)
def test_only_a_quartermaster_or_administrator_may_open_or_post_the_forms(client, camera, role, url):
    if role:
        sign_in(client, role)
    shown, posted = client.get(url), client.post(url, {})
    expected = {ANON: 302, SUP: 403}.get(role)
    assert shown.status_code == (expected or 200)
    # An empty form from one who may act: the form again, with what is missing (422).
    assert posted.status_code == (expected or 422)
    assert Camera.objects.count() == 1 and not AuditEvent.objects.filter(action__startswith="camera.").exists()


@pytest.mark.parametrize(("role", "shown"), [(QM, True), (ADMIN, True), (SUP, False)])
def test_the_list_and_the_camera_page_link_to_the_forms_for_those_who_may_use_them(client, camera, role, shown):
    sign_in(client, role)
    listing = client.get(reverse("inventory:camera_list")).content.decode()
    page = client.get(camera.get_absolute_url()).content.decode()
    assert (f'href="{reverse("inventory:camera_add")}">Add camera</a>' in listing) is shown
    assert (f'href="{reverse("inventory:camera_edit", args=[TAG])}">Edit</a>' in page) is shown


def test_an_unknown_camera_has_no_edit_page(client, camera):
    sign_in(client, QM)
    assert client.get(reverse("inventory:camera_edit", args=["HPD-BWC-9999"])).status_code == 404


# --- adding ----------------------------------------------------------------------------------------


def test_adding_a_camera_shows_its_page_with_the_news(client, camera):
    user = sign_in(client, QM)
    response = client.post(reverse("inventory:camera_add"), _post_data(camera.model), follow=True)
    added = Camera.objects.get(asset_tag="HPD-BWC-0900")
    assert response.redirect_chain == [(added.get_absolute_url(), 302)]
    assert messages_of(response) == ["HPD-BWC-0900 added to the fleet: available, in the spare pool."]
    assert (added.status, added.pool, added.notes) == ("available", "spare", "Spare for Traffic.")
    event = AuditEvent.objects.get(action="camera.create")
    assert (event.camera, event.actor_user) == (added, user)


def test_the_form_has_no_state_and_a_posted_state_is_ignored(client, camera):
    sign_in(client, QM)
    page = client.get(reverse("inventory:camera_add")).content.decode()
    assert 'name="status"' not in page and 'name="pool"' not in page and 'name="dock"' not in page
    client.post(reverse("inventory:camera_add"), _post_data(camera.model, status="retired", pool="personal"))
    added = Camera.objects.get(asset_tag="HPD-BWC-0900")
    assert (added.status, added.pool) == ("available", "spare")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("asset_tag", "HPD-BWC-0412", "Asset tag HPD-BWC-0412 already belongs to the camera with serial number"),
        ("asset_tag", "hpd-bwc-0412", "Asset tag HPD-BWC-0412 already belongs to the camera with serial number"),
        ("asset_tag", "=HYPERLINK(&quot;x&quot;)", "is not one: use letters and digits"),
        ("asset_tag", "HPD/0900", "is not one: use letters and digits"),
        ("serial_number", "x6a0000412", "is on file as X6A0000412 (HPD-BWC-0412)"),
        ("serial_number", "S" * 61, "Too long: 61 characters, at most 60."),
        ("purchased_on", "2999-01-01", "2999-01-01 is in the future."),
        ("model", "42; DROP TABLE", "Unknown camera model"),
    ],
)
def test_bad_input_is_shown_under_its_field_and_nothing_is_written(client, camera, field, value, message):
    sign_in(client, QM)
    before = (Camera.objects.count(), AuditEvent.objects.count())
    response = client.post(reverse("inventory:camera_add"), _post_data(camera.model, **{field: value}))
    assert response.status_code == 422
    assert message in response.content.decode().replace("&#x27;", "'")
    assert f'id="id_{field}_error"' in response.content.decode()
    assert (Camera.objects.count(), AuditEvent.objects.count()) == before


def test_a_nul_byte_is_taken_out_before_the_form_sees_it(client, camera):
    # StripControlCharactersMiddleware cleans form fields; the form would refuse it too (test_camera_record).
    sign_in(client, QM)
    response = client.post(reverse("inventory:camera_add"), _post_data(camera.model, serial_number="X6A\x00-1"))
    assert response.status_code == 302
    assert Camera.objects.filter(serial_number="X6A-1").exists()


def test_ten_megabytes_of_notes_are_refused_as_too_large_never_a_server_error(client, camera):
    sign_in(client, QM)
    response = client.post(reverse("inventory:camera_add"), _post_data(camera.model, notes="x" * 10_000_000))
    # Django refuses a form body over DATA_UPLOAD_MAX_MEMORY_SIZE before any view: the 400 page.
    assert response.status_code == 400
    assert Camera.objects.count() == 1


def test_notes_under_the_upload_limit_but_over_the_field_limit_get_a_field_error(client, camera):
    sign_in(client, QM)
    response = client.post(reverse("inventory:camera_add"), _post_data(camera.model, notes="x" * 100_000))
    assert response.status_code == 422
    assert "Too long: 100000 characters, at most 2000." in response.content.decode()


# --- editing ---------------------------------------------------------------------------------------


def test_the_edit_form_starts_from_the_camera(client, camera):
    sign_in(client, QM)
    form = client.get(reverse("inventory:camera_edit", args=[TAG])).context["form"]
    assert form["asset_tag"].value() == TAG and form["serial_number"].value() == "X6A0000412"
    assert str(form["model"].value()) == str(camera.model_id)


def test_editing_saves_through_the_service_with_before_and_after(client, camera):
    sign_in(client, QM)
    data = _post_data(camera.model, asset_tag=TAG, serial_number="X6A0000412", firmware_version="4.2.0")
    response = client.post(reverse("inventory:camera_edit", args=[TAG]), data, follow=True)
    assert messages_of(response) == [f"{TAG} saved (firmware version, purchase batch, purchased on, notes changed)."]
    camera.refresh_from_db()
    assert camera.firmware_version == "4.2.0"
    event = AuditEvent.objects.get(action="camera.edit")
    assert event.before["firmware_version"] == "3.4.1" and event.after["firmware_version"] == "4.2.0"


def test_renaming_the_tag_moves_the_page(client, camera):
    sign_in(client, QM)
    data = _post_data(camera.model, asset_tag="hpd-bwc-0413", serial_number="X6A0000412")
    response = client.post(reverse("inventory:camera_edit", args=[TAG]), data)
    assert response["Location"] == reverse("inventory:camera_detail", args=["HPD-BWC-0413"])


def test_saving_an_unchanged_camera_says_so_and_writes_nothing(client, camera):
    sign_in(client, QM)
    before = AuditEvent.objects.count()
    data = {**client.get(reverse("inventory:camera_edit", args=[TAG])).context["form"].initial}
    data = {k: ("" if v is None else v) for k, v in data.items() if k in _post_data(camera.model)}
    response = client.post(reverse("inventory:camera_edit", args=[TAG]), data, follow=True)
    assert messages_of(response) == [f"Nothing changed on {TAG}."]
    assert AuditEvent.objects.count() == before


def test_a_checked_out_camera_can_be_edited_and_stays_out(client, camera, staff_actor):
    from assignments import services
    from hartford_bwc.factories import OfficerFactory

    services.check_out(camera=camera, officer=OfficerFactory(), by=staff_actor)
    sign_in(client, QM)
    data = _post_data(camera.model, asset_tag=TAG, serial_number="X6A0000412", notes="Scratched lens cover.")
    client.post(reverse("inventory:camera_edit", args=[TAG]), data)
    camera.refresh_from_db()
    assert (camera.status, camera.notes) == ("checked_out", "Scratched lens cover.")


# --- what the pages cost: the same whatever the fleet ------------------------------------------------


def _fleet(size: int, camera_model) -> None:
    Camera.objects.bulk_create(
        [Camera(asset_tag=f"HPD-BWC-F{i:05d}", serial_number=f"FLEET{i:07d}", model=camera_model) for i in range(size)]
    )


@pytest.mark.parametrize("size", [10, 2000])
def test_the_pages_run_a_fixed_number_of_queries(client, camera, size, django_assert_num_queries):
    _fleet(size, camera.model)
    sign_in(client, QM)
    add, edit = reverse("inventory:camera_add"), reverse("inventory:camera_edit", args=[TAG])
    client.get(add)  # the session's first read and the user's roles are the same on every page
    # session, user, roles; the camera models for the select
    with django_assert_num_queries(4):
        client.get(add)
    # session, user, roles; the camera; the camera models
    with django_assert_num_queries(5):
        client.get(edit)
    # session, user, roles; the form: the tag and the serial on file (any case), the camera models;
    # register_camera: savepoint, the tags and serials taken in any case, savepoint, INSERT, release, audit ([PG lock],
    # last hash, INSERT), release
    with django_assert_num_queries(14 + AUDIT_LOCK):
        response = client.post(add, _post_data(camera.model))
    assert response.status_code == 302
    # session, user, roles; the camera; the form: the tag and the serial on file, the camera models;
    # update_cameras: savepoint, the tags and serials taken, the camera locked with its model, savepoint, UPDATE,
    # release, audit ([PG lock], last hash, INSERT), release
    data = _post_data(camera.model, asset_tag=TAG, serial_number="X6A0000412")
    with django_assert_num_queries(16 + AUDIT_LOCK):
        response = client.post(edit, data)
    assert response.status_code == 302
