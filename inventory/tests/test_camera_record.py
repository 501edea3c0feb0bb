"""A camera's record: adding cameras and editing what describes them (services and CameraForm).

The form is the one the console's pages and every row of a camera import use; the services write,
lock and audit. A camera's state (status, pool, dock) is never set here.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from hartford_bwc.errors import InvalidInput
from hartford_bwc.factories import CameraFactory, CameraModelFactory
from inventory import services
from inventory.forms import NOTES_MAX_LENGTH, CameraForm
from inventory.models import Camera

pytestmark = pytest.mark.django_db
# PostgreSQL serializes appends to the audit chain with an advisory lock: one more query per append.
AUDIT_LOCK = 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def body4():
    return CameraModelFactory(maker="Axon", name="Body 4")


def _data(camera_model, **overrides) -> dict:
    data = {
        "asset_tag": "HPD-BWC-0900",
        "serial_number": "X6A0000900",
        "model": str(camera_model.pk),
        "firmware_version": "4.1.0",
        "purchase_batch": "2026 delivery",
        "purchased_on": "2026-01-05",
        "notes": "",
    }
    return {**data, **overrides}


def _errors(form: CameraForm) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


# --- the services ----------------------------------------------------------------------------------


def test_a_registered_camera_is_available_in_the_spare_pool_and_audited(body4, staff_actor):
    camera = services.register_camera(
        by=staff_actor, asset_tag="HPD-BWC-0900", serial_number="X6A0000900", model=body4, firmware_version="4.1.0"
    )
    camera.refresh_from_db()
    assert (camera.status, camera.pool, camera.dock_id) == (Camera.Status.AVAILABLE, Camera.Pool.SPARE, None)
    event = AuditEvent.objects.get(action="camera.create")
    assert event.camera == camera and event.actor_user == staff_actor.user
    assert event.after == {
        "asset_tag": "HPD-BWC-0900",
        "serial_number": "X6A0000900",
        "model": "Axon Body 4",
        "firmware_version": "4.1.0",
        "status": "Available",
        "pool": "Spare pool",
    }


@pytest.mark.parametrize(("field", "value"), [("status", "retired"), ("pool", "personal"), ("dock_bay", 3)])
def test_registering_refuses_a_camera_state(body4, staff_actor, field, value):
    with pytest.raises(InvalidInput, match="only through its actions"):
        services.register_camera(by=staff_actor, asset_tag="HPD-1", serial_number="S-1", model=body4, **{field: value})
    assert not Camera.objects.exists() and not AuditEvent.objects.filter(action="camera.create").exists()


def test_editing_refuses_a_camera_state(staff_actor):
    camera = CameraFactory()
    with pytest.raises(InvalidInput, match="status cannot be set here"):
        services.update_camera(camera=camera, by=staff_actor, status=Camera.Status.RETIRED)
    camera.refresh_from_db()
    assert camera.status == Camera.Status.AVAILABLE


def test_an_asset_tag_held_in_another_case_is_refused_by_the_service(body4, staff_actor):
    # Written before the console upper-cased tags (the admin, an old import): the same label.
    CameraFactory(asset_tag="hpd-bwc-0412", serial_number="OLD-1")
    with pytest.raises(InvalidInput, match="Asset tag hpd-bwc-0412 already belongs to the camera with serial"):
        services.register_camera(by=staff_actor, asset_tag="HPD-BWC-0412", serial_number="NEW-1", model=body4)
    assert Camera.objects.count() == 1


def test_an_edit_records_before_and_after_of_the_changed_fields_only(staff_actor):
    camera = CameraFactory(firmware_version="3.4.1", purchase_batch="2019 rollout", notes="")
    services.update_camera(
        camera=camera,
        by=staff_actor,
        reason="label reprinted",
        **{**CameraForm.data_of(camera), "model": camera.model, "firmware_version": "4.1.0", "notes": "New mount."},
    )
    camera.refresh_from_db()
    assert (camera.firmware_version, camera.notes) == ("4.1.0", "New mount.")
    event = AuditEvent.objects.get(action="camera.edit")
    assert event.before == {"firmware_version": "3.4.1", "notes": ""}
    assert event.after == {"firmware_version": "4.1.0", "notes": "New mount."}
    assert event.reason == "label reprinted" and event.camera == camera


def test_an_edit_that_changes_nothing_writes_nothing(staff_actor):
    camera = CameraFactory()
    before = AuditEvent.objects.count()
    services.update_camera(camera=camera, by=staff_actor, **{**CameraForm.data_of(camera), "model": camera.model})
    assert AuditEvent.objects.count() == before


def test_many_cameras_are_registered_in_one_append_to_the_audit_trail(body4, staff_actor, django_assert_num_queries):
    rows = [{"asset_tag": f"HPD-BWC-{i:04d}", "serial_number": f"SN-{i}", "model": body4} for i in range(50)]
    # savepoint; the tags and serials taken (one query); savepoint, INSERT, release; audit: [PG lock], last hash, INSERT; release.
    # SQLite takes at most 999 values per statement: 50 cameras of 20 columns are two INSERTs there.
    fields = [f for f in Camera._meta.concrete_fields if not f.primary_key]
    inserts = math.ceil(len(rows) / connection.ops.bulk_batch_size(fields, rows))
    with django_assert_num_queries(7 + inserts + AUDIT_LOCK):
        cameras = services.register_cameras(cameras=rows, by=staff_actor)
    assert len(cameras) == 50
    assert AuditEvent.objects.filter(action="camera.create").count() == 50


# --- the form: what a person types, and what an import row holds -----------------------------------


def test_a_valid_camera_is_cleaned_to_what_the_service_takes(body4):
    form = CameraForm(_data(body4, asset_tag=" hpd-bwc-0900 ", purchased_on="01/05/2026"))
    assert form.is_valid(), form.errors
    assert form.values() == {
        "asset_tag": "HPD-BWC-0900",
        "serial_number": "X6A0000900",
        "model": body4,
        "firmware_version": "4.1.0",
        "purchase_batch": "2026 delivery",
        "purchased_on": date(2026, 1, 5),
        "supplier": "",
        "purchase_price": None,
        "warranty_ends_on": None,
        "notes": "",
    }


def test_the_lengths_come_from_the_model(body4):
    too_long = {name: "A" * (Camera._meta.get_field(name).max_length + 1) for name in ("asset_tag", "purchase_batch")}
    errors = _errors(CameraForm(_data(body4, **too_long)))
    assert errors["asset_tag"] == ["Too long: 31 characters, at most 30."]
    assert errors["purchase_batch"] == ["Too long: 41 characters, at most 40."]


def test_missing_fields_say_what_is_missing(body4):
    errors = _errors(CameraForm(_data(body4, asset_tag="", serial_number="  ", model="")))
    assert errors == {
        "asset_tag": ["Missing asset tag."],
        "serial_number": ["Missing serial number."],
        "model": ["Missing model."],
    }


@pytest.mark.parametrize(
    "tag",
    ["HPD BWC 1", "HPD/BWC/1", "=1+2", "+HPD-1", "-2+3", "@SUM(A1)", "HPD-1\x00", "HPD-\x07", "HPD-1-", "Ω-1"],
)
def test_an_asset_tag_is_letters_and_digits_with_dashes(body4, tag):
    # A slash would break the camera page's address (a 500 on the list), a leading = + - @ makes a
    # formula in a spreadsheet, and a control character cannot be printed as a barcode.
    [message] = _errors(CameraForm(_data(body4, asset_tag=tag)))["asset_tag"]
    assert "is not one: use letters and digits, with - _ or . between them" in message or "Null characters" in message


def test_a_nul_or_control_character_in_free_text_is_refused(body4):
    errors = _errors(CameraForm(_data(body4, serial_number="SN\x001", purchase_batch="batch\x1b", notes="ok\x07")))
    assert errors["serial_number"] == ["Null characters are not allowed."]
    assert errors["purchase_batch"] == ["The purchase batch holds a control character; type it again."]
    assert errors["notes"] == ["The notes holds a control character; type it again."]


def test_tabs_and_line_breaks_in_notes_are_kept(body4):
    form = CameraForm(_data(body4, notes="Line one\r\n\tLine two"))
    assert form.is_valid(), form.errors
    assert form.values()["notes"] == "Line one\r\n\tLine two"


def test_notes_of_megabytes_are_refused_with_the_limit(body4):
    [message] = _errors(CameraForm(_data(body4, notes="x" * 10_000_000)))["notes"]
    assert message == f"Too long: 10000000 characters, at most {NOTES_MAX_LENGTH}."


def test_text_starting_like_a_formula_is_kept_as_text_where_text_belongs(body4):
    # As the import (a warning there): exports write it as text (hartford_bwc.spreadsheet).
    form = CameraForm(_data(body4, purchase_batch="=cmd|' /C calc'!A0", serial_number="@SN-1"))
    assert form.is_valid(), form.errors
    assert form.values()["purchase_batch"] == "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("typed", ["HPD-BWC-0412", "hpd-bwc-0412"])
def test_an_asset_tag_on_file_is_refused_whatever_its_case(body4, typed):
    CameraFactory(asset_tag="HPD-BWC-0412", serial_number="OLD-1")
    [message] = _errors(CameraForm(_data(body4, asset_tag=typed)))["asset_tag"]
    assert message == "Asset tag HPD-BWC-0412 already belongs to the camera with serial number OLD-1."


def test_a_serial_on_file_is_refused_and_one_in_another_case_says_how_it_is_written(body4):
    CameraFactory(asset_tag="HPD-BWC-0412", serial_number="X6A-OLD")
    assert _errors(CameraForm(_data(body4, serial_number="X6A-OLD")))["serial_number"] == [
        "Serial number X6A-OLD is already on file: HPD-BWC-0412."
    ]
    assert _errors(CameraForm(_data(body4, serial_number="x6a-old")))["serial_number"] == [
        "Serial number x6a-old is on file as X6A-OLD (HPD-BWC-0412); write it as it is on file."
    ]


def test_editing_a_camera_keeps_its_own_tag_and_serial(body4):
    camera = CameraFactory(asset_tag="HPD-BWC-0412", serial_number="X6A-OLD", model=body4)
    form = CameraForm({**CameraForm.data_of(camera), "asset_tag": "hpd-bwc-0412"}, instance=camera)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/12/2025", "'31/12/2025' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-14."),
        ("2026-02-30", "'2026-02-30' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-14."),
        # The control character is left out of the message (it would not show, or break the page).
        ("banana\x00", "'banana' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-14."),
    ],
)
def test_a_purchase_date_that_is_not_one_is_refused(body4, typed, message):
    assert _errors(CameraForm(_data(body4, purchased_on=typed)))["purchased_on"] == [message]


def test_a_purchase_date_in_the_future_is_refused_and_today_is_not():
    model = CameraModelFactory()
    today = timezone.localdate()
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert _errors(CameraForm(_data(model, purchased_on=tomorrow)))["purchased_on"] == [f"{tomorrow} is in the future."]
    assert CameraForm(_data(model, purchased_on=today.isoformat())).is_valid()


def test_a_firmware_version_is_checked_by_the_one_firmware_rule(body4):
    [message] = _errors(CameraForm(_data(body4, firmware_version="banana")))["firmware_version"]
    assert message.startswith("“banana” is not a firmware version.")


@pytest.mark.parametrize("model", ["999999", "Axon Body 4", "1 OR 1=1"])
def test_an_unknown_model_is_refused_naming_the_known_ones(body4, model):
    [message] = _errors(CameraForm(_data(body4, model=model)))["model"]
    assert (
        message.startswith("Unknown camera model ") and "Known models: Axon Body 4 (add one in the admin)." in message
    )


def test_the_form_is_never_saved_by_itself(body4):
    form = CameraForm(_data(body4))
    assert form.is_valid()
    with pytest.raises(NotImplementedError, match="through its service"):
        form.save()
