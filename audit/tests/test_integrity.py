"""Tamper evidence of the audit trail (issue 9): a keyed chain, versioned hashes, TRUNCATE refused,
signed checkpoints outside the table, and `verify_audit` naming every break."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from audit.apps import AuditConfig
from audit.checkpoints import checkpoint_path, latest_checkpoint, write_checkpoint
from audit.db import truncate_allowed
from audit.models import AuditEvent
from audit.services import verify_trail
from hartford_bwc.factories import CameraFactory
from hartford_bwc.testing import append_only_trigger_dropped, raw

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no TRUNCATE (set DATABASE_URL)"
)


@pytest.fixture
def camera():
    return CameraFactory(asset_tag="HPD-BWC-0001")


def record_events(camera, n: int) -> list[AuditEvent]:
    by = Actor.system_process("tests")
    for i in range(n):
        audit.record(by=by, action=Action.CAMERA_BATTERY, obj=camera, camera=camera, after={"n": i})
    return list(AuditEvent.objects.order_by("id"))


def settle_deferred_checks() -> None:
    """Run the test transaction's deferred foreign-key checks now: PostgreSQL refuses ALTER TABLE and
    TRUNCATE on a table with pending ones (outside a test, each command is its own transaction)."""
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        raw("SET CONSTRAINTS ALL DEFERRED")


def verify_audit_fails() -> str:
    with pytest.raises(CommandError) as broken:
        call_command("verify_audit", stdout=StringIO())
    assert broken.value.returncode == 1
    return str(broken.value)


def forge_from(events: list[AuditEvent], start: int, *, rehash, edit=None) -> None:
    """As an attacker who can write the table but has no key: edit one event, rehash it and all after."""
    prev = events[start - 1].hash if start else ""
    with append_only_trigger_dropped():
        for i, event in enumerate(events[start:]):
            if i == 0 and edit:
                edit(event)
            event.prev_hash = prev
            event.hash_version, event.hash = rehash(event)
            raw(
                "UPDATE audit_auditevent SET reason = %s, prev_hash = %s, hash = %s, hash_version = %s WHERE id = %s",
                [event.reason, event.prev_hash, event.hash, event.hash_version, event.pk],
            )
            prev = event.hash


def plain_sha256(event: AuditEvent) -> tuple[int, str]:
    """The v2 payload hashed the way the old chain was: SHA-256 with no key."""
    payload = {**event._payload_v1(), "v": 2}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=AuditEvent.before.field.encoder)
    return 2, hashlib.sha256(canonical.encode()).hexdigest()


def downgraded_to_v1(event: AuditEvent) -> tuple[int, str]:
    event.hash_version = 1
    return 1, event.compute_hash()


def reason_edited(event: AuditEvent) -> None:
    event.reason = "nothing happened"


# --- the keyed chain ----------------------------------------------------------------------------


def test_new_events_are_hmac_keyed_version_2(camera, settings):
    [*_, event] = record_events(camera, 1)
    assert event.hash_version == 2
    assert verify_trail().intact
    settings.AUDIT_HMAC_KEY = "another-key"
    assert not verify_trail().intact  # the same rows under another key: every hash is wrong


def test_editing_an_event_and_recomputing_every_later_hash_without_the_key_is_caught(camera):
    events = record_events(camera, 6)
    forge_from(events, len(events) - 4, rehash=plain_sha256, edit=reason_edited)
    message = verify_audit_fails()
    forged = [e.pk for e in events[-4:]]
    assert f"4 problem(s) in {len(events)} events; first at event #{forged[0]}." in message
    assert f"Bad event ids: #{forged[0]}-#{forged[-1]}" in message
    for pk in forged:
        assert f"Audit chain broken at event #{pk} " in message


def test_downgrading_the_forged_tail_to_plain_sha256_v1_is_caught(camera):
    events = record_events(camera, 5)
    forge_from(events, 2, rehash=downgraded_to_v1, edit=reason_edited)
    breaks = verify_trail().breaks
    assert [b.event_id for b in breaks] == [e.pk for e in events[2:]]
    assert all("hash version 1 after version 2" in b.problem for b in breaks)


def test_downgrading_the_whole_trail_to_v1_is_caught_by_the_checkpoint(camera):
    events = record_events(camera, 3)
    write_checkpoint()
    forge_from(events, 0, rehash=downgraded_to_v1, edit=reason_edited)
    message = verify_audit_fails()
    assert f"ends at event #{events[-1].pk} with another hash" in message


def test_events_written_before_the_key_still_verify_as_version_1():
    """History hashed with plain SHA-256 (before issue 9) keeps verifying; new events chain onto it."""
    old = AuditEvent(
        actor_kind="system", actor_label="before the upgrade", action="camera.note", object_type="x",
        object_id="1", object_repr="x", hash_version=1, prev_hash="",
    )  # fmt: skip
    old.hash = old.compute_hash()
    AuditEvent.objects.bulk_create([old])
    events = record_events(CameraFactory(), 2)
    assert events[0].hash_version == 1
    assert events[-1].hash_version == 2 and events[-1].prev_hash != ""
    assert verify_trail().intact


def test_every_break_is_listed_not_only_the_first(camera):
    events = record_events(camera, 6)
    edited = [events[1].pk, events[3].pk, events[4].pk]
    with append_only_trigger_dropped():
        for pk in edited:
            raw("UPDATE audit_auditevent SET reason = 'edited' WHERE id = %s", [pk])
    message = verify_audit_fails()
    assert f"3 problem(s) in {len(events)} events; first at event #{edited[0]}." in message
    assert f"Bad event ids: #{edited[0]}, #{edited[1]}-#{edited[2]}" in message


# --- TRUNCATE -------------------------------------------------------------------------------------


@pytest.mark.postgres
@postgres_only
def test_truncate_is_refused_by_the_database(camera):
    count = len(record_events(camera, 2))
    settle_deferred_checks()
    with pytest.raises(IntegrityError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == count


@pytest.mark.postgres
@postgres_only
def test_truncate_allowed_lifts_the_guard_for_its_block_only(camera):
    record_events(camera, 2)
    settle_deferred_checks()
    with truncate_allowed(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == 0
    with pytest.raises(IntegrityError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent CASCADE")


def test_emptying_the_table_behind_the_triggers_is_caught_by_the_checkpoint(camera):
    """What `verify_audit` used to call "intact: 0 events" after a TRUNCATE by the table's owner."""
    record_events(camera, 3)
    write_checkpoint()
    with owner_bypassing_triggers(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    message = verify_audit_fails()
    assert "counted" in message and "the table holds 0" in message


# --- checkpoints ----------------------------------------------------------------------------------


class owner_bypassing_triggers:
    """As the table's owner can: the row triggers off (PostgreSQL), back on at the end."""

    def __enter__(self):
        settle_deferred_checks()
        if connection.vendor == "postgresql":
            raw("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")

    def __exit__(self, *exc):
        settle_deferred_checks()
        if connection.vendor == "postgresql":
            raw("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_deleting_the_newest_50_events_is_caught_by_the_checkpoint(camera):
    events = record_events(camera, 60)
    checkpoint = write_checkpoint()
    assert (checkpoint.count, checkpoint.last_id, checkpoint.head_hash) == (len(events), events[-1].pk, events[-1].hash)
    with owner_bypassing_triggers():
        raw("DELETE FROM audit_auditevent WHERE id > %s", [events[-51].pk])
    assert verify_chain_alone_is_intact()
    message = verify_audit_fails()
    assert f"ends at event #{events[-1].pk}, which is missing" in message
    assert f"counted {len(events)} events up to it; the table holds {len(events) - 50}" in message


def verify_chain_alone_is_intact() -> bool:
    # The remaining chain is consistent in itself: only the checkpoint shows what is gone.
    return verify_trail(checkpoint=None).intact


def test_events_after_the_checkpoint_are_fine(camera):
    record_events(camera, 2)
    write_checkpoint()
    record_events(camera, 3)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "Audit trail intact" in out.getvalue()
    assert "Matches the checkpoint" in out.getvalue()


def test_a_checkpoint_edited_in_the_file_fails_its_signature(camera):
    record_events(camera, 3)
    write_checkpoint()
    path = checkpoint_path()
    line = json.loads(path.read_text())
    line["count"] = 2
    path.write_text(json.dumps(line) + "\n")
    assert "wrong signature" in verify_audit_fails()


def test_checkpoints_are_appended_one_json_line_each(camera, settings):
    record_events(camera, 1)
    write_checkpoint()
    record_events(camera, 1)
    write_checkpoint()
    path = checkpoint_path()
    assert path.parent == Path(settings.AUDIT_CHECKPOINT_DIR)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["count"] for line in lines] == [AuditEvent.objects.count() - 1, AuditEvent.objects.count()]
    assert all(len(line["signature"]) == 64 for line in lines)


def test_verify_audit_checkpoint_option_writes_one(camera):
    record_events(camera, 2)
    out = StringIO()
    call_command("verify_audit", "--checkpoint", stdout=out)
    assert "No checkpoint yet" in out.getvalue()
    assert "Checkpoint written" in out.getvalue()
    assert latest_checkpoint().count == AuditEvent.objects.count()


def test_verify_audit_checkpoint_option_writes_nothing_on_a_broken_trail(camera):
    events = record_events(camera, 2)
    with append_only_trigger_dropped():
        raw("UPDATE audit_auditevent SET reason = 'edited' WHERE id = %s", [events[-1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit", "--checkpoint", stdout=StringIO())
    assert latest_checkpoint() is None


def test_every_flag_sweep_writes_a_checkpoint(camera):
    record_events(camera, 2)
    call_command("sweep_flags", stdout=StringIO())
    call_command("sweep_flags", stdout=StringIO())
    assert len(checkpoint_path().read_text().splitlines()) == 2
    assert latest_checkpoint().count == AuditEvent.objects.count()


# --- the key --------------------------------------------------------------------------------------


def test_a_missing_key_with_debug_off_stops_the_app(settings):
    settings.DEBUG = False
    settings.AUDIT_HMAC_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="AUDIT_HMAC_KEY must be set when DEBUG is off"):
        AuditConfig.ready(AuditConfig("audit", __import__("audit")))


def test_a_missing_key_with_debug_off_is_a_startup_error_from_the_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"AUDIT_HMAC_KEY", "DATABASE_URL"}}
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
        "DJANGO_SETTINGS_MODULE": "hartford_bwc.settings",
    }
    run = [sys.executable, "-c", "import django; django.setup()"]
    refused = subprocess.run(run, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode != 0
    assert "ImproperlyConfigured: AUDIT_HMAC_KEY must be set" in refused.stderr
    started = subprocess.run(
        run,
        cwd=BASE_DIR,
        env=env | {"AUDIT_HMAC_KEY": "k" * 64},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 0, started.stderr
