"""Every audit action is listed once, in audit.actions, with the title a person reads: the trail
refuses any other, and the code base writes no action as a bare string."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin

from audit import services as audit
from audit.actions import Action, grouped_choices, title
from audit.actor import Actor
from audit.admin import AuditedModelAdmin
from audit.models import AuditEvent
from audit.signals import MEMBERSHIPS, WATCHED
from hartford_bwc.factories import CameraFactory
from imports.models import ImportUpload
from imports.services import WRITERS
from inventory.models import ChargeEvent
from inventory.services import CHARGE_ACTIONS

ROOT = Path(settings.BASE_DIR)


def test_actions_read_as_sentences_not_codes():
    assert title("flag.raise") == "Flag raised"
    assert title("checkout.preshift_passed") == "Pre-shift check passed"
    assert title("kiosk.sign_in") == "Signed in at the kiosk"
    assert title("officer.set_pin") == "Kiosk PIN set"


def test_the_actions_that_had_no_title_have_one():
    assert title("kiosk.sign_in_failed") == "Kiosk sign-in failed: badge and PIN did not match"
    assert title("import.upload") == "Import file uploaded"


def test_a_code_no_longer_written_still_reads_without_dots_or_underscores():
    # Stored history keeps its code forever (it is hashed); a retired code must still read.
    assert title("camera.some_old_thing") == "Camera: some old thing"


def test_the_audit_field_offers_exactly_the_actions():
    assert AuditEvent._meta.get_field("action").choices == Action.choices


def test_every_code_fits_the_column():
    assert max(len(action.value) for action in Action) <= AuditEvent._meta.get_field("action").max_length


def test_no_two_actions_of_one_subject_share_a_title():
    # The audit log's choice list groups actions by subject; two equal titles in a group could not be told apart.
    for subject, choices in grouped_choices():
        titles = [label for _, label in choices]
        assert len(titles) == len(set(titles)), subject


@pytest.mark.django_db
def test_recording_an_action_not_listed_is_refused_and_writes_nothing():
    camera = CameraFactory()
    before = AuditEvent.objects.count()

    with pytest.raises(ValueError, match="'camera.note' is not an audit action"):
        audit.record(by=Actor.system_process("tests"), action="camera.note", obj=camera)

    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_batch_with_one_unlisted_action_writes_none_of_its_events():
    camera = CameraFactory()
    before = AuditEvent.objects.count()
    events = [audit.PendingEvent(Action.CAMERA_BATTERY, camera), audit.PendingEvent("camera.note", camera)]

    with pytest.raises(ValueError, match="not an audit action"):
        audit.record_many(by=Actor.system_process("tests"), events=events)

    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_listed_action_is_stored_as_its_code():
    camera = CameraFactory()
    event = audit.record(by=Actor.system_process("tests"), action=Action.CAMERA_BATTERY, obj=camera)
    event.refresh_from_db()
    assert (event.action, event.action_title, event.get_action_display()) == (
        "camera.battery",
        "Battery reading",
        "Battery reading",
    )


# --- the codes built from a model's name: each one the code base can build is listed ----------------


def test_every_admin_edit_has_an_action():
    audited = [
        model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, AuditedModelAdmin)
    ]
    assert audited
    for model in audited:
        Action.of(model, "admin_create")
        Action.of(model, "admin_edit")


def test_every_watched_model_change_has_an_action():
    for model in WATCHED:
        for verb in ("create", "change", "delete"):
            Action.of(model, verb)
    for (through, reverse), (what, _) in MEMBERSHIPS.items():
        # An auto-created through model names the model its many-to-many field is declared on.
        declared_on = through._meta.auto_created
        [other] = [
            f.related_model for f in through._meta.get_fields() if f.many_to_one and f.related_model is not declared_on
        ]
        Action.of(other if reverse else declared_on, f"{what}_change")


def test_every_charge_event_kind_has_an_action():
    assert set(CHARGE_ACTIONS) == set(ChargeEvent.Kind)


def test_every_kind_of_import_is_written_by_its_services():
    # An import creates or updates cameras or officers through their services, with its own actions
    # (imports.services.WRITERS; imports/tests/test_views_imports.py reads the events they write).
    assert set(WRITERS) == set(ImportUpload.Kind)


# --- no action written as a bare string --------------------------------------------------------------

SOURCE_DIRS = ("accounts", "api", "assignments", "audit", "demo", "hartford_bwc", "imports", "inventory")
SOURCE_DIRS += ("kiosk", "reports", "bench", "scripts")


def _source_files():
    for name in SOURCE_DIRS:
        for path in sorted((ROOT / name).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or path == ROOT / "audit" / "actions.py":
                continue
            yield path


def _bare_actions(path: Path, root: Path = ROOT) -> list[str]:
    codes = set(Action.values)
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and node.value in codes:
            found.append(f"{path.relative_to(root)}:{node.lineno} {node.value!r}")
        elif isinstance(node, ast.keyword) and node.arg == "action" and isinstance(node.value, ast.JoinedStr):
            found.append(f"{path.relative_to(root)}:{node.lineno} action=f'...'")
        elif (
            isinstance(node, ast.keyword)
            and node.arg == "action"
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and "." in node.value.value  # audit codes are dotted; argparse's action="store_true" is not
            and node.value.value not in codes
        ):
            # A code Action does not know: record() would refuse it at run time.
            found.append(f"{path.relative_to(root)}:{node.value.lineno} unknown {node.value.value!r}")
    return sorted(found)


def test_no_action_is_written_as_a_string_outside_audit_actions():
    files = list(_source_files())
    assert len(files) > 50, "the scan found the source"
    found = [hit for path in files for hit in _bare_actions(path)]
    assert found == [], "use audit.actions.Action: " + ", ".join(found)


def test_the_scan_finds_a_bare_action(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'record(action="flag.raise")\nrecord(action=f"camera.{kind}")\nx = "store_true"\nrecord(action="new.thing")\n'
    )
    assert _bare_actions(sample, root=tmp_path) == [
        "sample.py:1 'flag.raise'",
        "sample.py:2 action=f'...'",
        "sample.py:4 unknown 'new.thing'",
    ]
