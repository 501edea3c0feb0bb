"""The audit trail: one event per transition (actor, before/after), append-only, hash-chained."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assignments import services as assignments
from assignments.models import Checkout
from audit.actions import Action
from audit.actor import Actor
from audit.models import AppendOnlyError, AuditEvent
from audit.services import verify_chain
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory
from hartford_bwc.testing import append_only_trigger_dropped, raw
from inventory import services as inventory
from inventory.models import Camera, ChargeEvent, Flag, MaintenanceRecord
from kiosk.models import Kiosk

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A camera, an officer, a dock: enough for every transition."""
    return {
        "camera": CameraFactory(asset_tag="HPD-BWC-0412"),
        "officer": OfficerFactory(first_name="Dana", last_name="Reyes", badge_number="2231"),
        "dock": DockFactory(name="Dock 01"),
    }


def _checked_out(w, by):
    assignments.check_out(camera=w["camera"], officer=w["officer"], by=by)


def _in_maintenance(w, by):
    return inventory.open_maintenance(camera=w["camera"], kind="repair", by=by)


def _lost(w, by):
    inventory.report_lost(camera=w["camera"], incident_number="HPD-26-012345", by=by)


# (name, set-up, transition, action, expected before, expected after); before/after are subsets.
TRANSITIONS = [
    (
        "check_out",
        None,
        lambda w, by: assignments.check_out(camera=w["camera"], officer=w["officer"], by=by),
        "checkout.check_out",
        {"status": "available"},
        {"status": "checked_out"},
    ),
    (
        "check_in",
        _checked_out,
        lambda w, by: assignments.check_in(camera=w["camera"], by=by),
        "checkout.check_in",
        {"status": "checked_out"},
        {"status": "available", "condition": "working"},
    ),
    (
        "check_in_damaged",
        _checked_out,
        lambda w, by: assignments.check_in(
            camera=w["camera"], by=by, condition="damaged", damage_description="Cracked"
        ),
        "checkout.check_in",
        {"status": "checked_out"},
        {"status": "in_maintenance", "condition": "damaged", "damage": "Cracked"},
    ),
    (
        "record_charge",
        None,
        lambda w, by: inventory.record_charge(camera=w["camera"], kind="docked", dock=w["dock"], bay=2, by=by),
        "camera.docked",
        {"dock": None, "dock_bay": None},
        {"dock_bay": 2},
    ),
    (
        "open_maintenance",
        None,
        lambda w, by: inventory.open_maintenance(camera=w["camera"], kind="inspection", performed_by="in_house", by=by),
        "maintenance.open",
        {"status": "available"},
        {"status": "in_maintenance", "kind": "inspection"},
    ),
    (
        "assign_maintenance",
        _in_maintenance,
        lambda w, by: inventory.assign_maintenance(
            record=MaintenanceRecord.objects.get(), performed_by="vendor", rma_number="RMA-1", by=by
        ),
        "maintenance.assign",
        {"performed_by": ""},
        {"performed_by": "vendor", "rma_number": "RMA-1"},
    ),
    (
        "close_maintenance",
        _in_maintenance,
        lambda w, by: inventory.close_maintenance(
            record=MaintenanceRecord.objects.get(), outcome="returned_to_service", by=by
        ),
        "maintenance.close",
        {"status": "in_maintenance"},
        {"status": "available", "outcome": "returned_to_service"},
    ),
    (
        "issue_personal",
        None,
        lambda w, by: assignments.issue_personal(officer=w["officer"], camera=w["camera"], by=by),
        "personal_issue.issue",
        {"pool": "spare"},
        {"pool": "personal", "officer": "2231"},
    ),
    (
        "revoke_personal",
        lambda w, by: assignments.issue_personal(officer=w["officer"], camera=w["camera"], by=by),
        lambda w, by: assignments.revoke_personal(officer=w["officer"], by=by),
        "personal_issue.revoke",
        {"pool": "personal"},
        {"pool": "spare"},
    ),
    (
        "retire",
        None,
        lambda w, by: inventory.retire(camera=w["camera"], reason="Cracked housing", by=by),
        "camera.retire",
        {"status": "available"},
        {"status": "retired"},
    ),
    (
        "report_lost",
        None,
        lambda w, by: inventory.report_lost(camera=w["camera"], incident_number="HPD-26-012345", by=by),
        "camera.report_lost",
        {"status": "available"},
        {"status": "lost", "incident_number": "HPD-26-012345"},
    ),
    (
        "report_found",
        _lost,
        lambda w, by: inventory.report_found(camera=w["camera"], by=by),
        "camera.report_found",
        {"status": "lost"},
        {"status": "in_maintenance"},
    ),
    (
        "set_officer_active",
        None,
        lambda w, by: assignments.set_officer_active(officer=w["officer"], active=False, by=by),
        "officer.deactivate",
        {"is_active": True},
        {"is_active": False},
    ),
    (
        "acknowledge_flag",
        lambda w, by: Flag.objects.create(camera=w["camera"], kind=Flag.Kind.REFRESH_DUE),
        lambda w, by: inventory.acknowledge_flag(flag=Flag.objects.get(), by=by),
        "flag.acknowledge",
        {},
        {"acknowledged": True},
    ),
]


@pytest.mark.parametrize(
    ("setup", "transition", "action", "before", "after"), [t[1:] for t in TRANSITIONS], ids=[t[0] for t in TRANSITIONS]
)
def test_each_transition_writes_one_event_with_actor_and_before_after(
    world, staff_actor, setup, transition, action, before, after
):
    if setup is not None:
        setup(world, Actor.system_process("setup"))
    existing = set(AuditEvent.objects.values_list("pk", flat=True))

    transition(world, staff_actor)

    [event] = AuditEvent.objects.exclude(pk__in=existing)
    assert event.action == action
    assert (event.actor_kind, event.actor_user, event.actor_label) == (
        "staff",
        staff_actor.user,
        staff_actor.user.username,
    )
    assert event.ip == "127.0.0.1"
    assert before.items() <= event.before.items()
    assert after.items() <= event.after.items()
    if action.startswith(("checkout.", "camera.", "maintenance.", "personal_issue.", "flag.")):
        assert event.camera == world["camera"]
    assert verify_chain() is None


def test_check_out_event_names_the_officer_and_the_kiosk(world):
    kiosk = Kiosk.objects.create(name="District 1 lobby", enrolled_at=timezone.now())
    by = Actor.at_kiosk(kiosk, world["officer"], ip="10.0.0.7")
    checkout = assignments.check_out(camera=world["camera"], officer=world["officer"], by=by)
    event = AuditEvent.objects.get(action="checkout.check_out")
    assert event.actor_kind == "officer"
    assert event.actor_label == "Ofc. Dana Reyes at kiosk District 1 lobby"
    assert (event.actor_officer, event.kiosk, event.officer) == (world["officer"], kiosk, world["officer"])
    assert (event.object_type, event.object_id) == ("assignments.Checkout", str(checkout.pk))
    assert event.after["checkout"] == checkout.pk


def test_a_refusal_writes_no_event_and_changes_nothing(world, system_actor):
    _checked_out(world, system_actor)
    count = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        assignments.check_out(camera=world["camera"], officer=OfficerFactory(), by=system_actor)
    with pytest.raises(DomainError):
        inventory.retire(camera=world["camera"], reason="Old", by=system_actor)
    assert AuditEvent.objects.count() == count
    assert Checkout.objects.count() == 1


def test_a_failed_write_leaves_no_event(world, system_actor):
    """The event and the change share one transaction: if the change fails, no event remains."""
    Camera.objects.filter(pk=world["camera"].pk).update(dock=world["dock"], dock_bay=1)
    other = CameraFactory()
    count = AuditEvent.objects.count()  # the set-up's own events (a dock and a model were created)
    with pytest.raises(DomainError, match="already holds HPD-BWC-0412"):
        inventory.record_charge(camera=other, kind="docked", dock=world["dock"], bay=1, by=system_actor)
    assert AuditEvent.objects.count() == count
    assert not ChargeEvent.objects.exists()


def test_events_chain_each_to_the_one_before(world, system_actor):
    _checked_out(world, system_actor)
    assignments.check_in(camera=world["camera"], by=system_actor)
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events[-2:]] == ["checkout.check_out", "checkout.check_in"]
    assert events[0].prev_hash == ""
    for before, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == before.hash
        assert event.hash == event.compute_hash()


def test_compute_hash_covers_every_recorded_field(world, system_actor):
    _checked_out(world, system_actor)
    event = AuditEvent.objects.get(action="checkout.check_out")
    original = event.compute_hash()
    for field, value in [
        ("actor_label", "someone else"),
        ("action", "checkout.check_in"),
        ("reason", "edited"),
        ("after", {"status": "available"}),
        ("before", {}),
        ("occurred_at", event.occurred_at - timezone.timedelta(seconds=1)),
        ("camera_id", None),
        ("officer_id", None),
        ("ip", "10.9.9.9"),
        ("prev_hash", "0" * 64),
        ("hash_version", 1),
    ]:
        tampered = AuditEvent.objects.get(pk=event.pk)
        setattr(tampered, field, value)
        assert tampered.compute_hash() != original, field


def test_many_events_store_what_their_hashes_cover_plain_or_not(system_actor):
    # A flat dict (text, a str enum, whole numbers, flags, nulls) is copied, anything else goes through
    # JSON: both must store what the hash covered, so the trail verifies read back from the database.
    from audit.services import PendingEvent, record_many

    camera = CameraFactory()
    at = timezone.now().replace(microsecond=123456)
    plain = {"kind": Flag.Kind.NOT_SEEN, "count": 3, "open": True, "rma": None, "note": "‘quoted’"}
    nested = {"due": at.date(), "at": at, "charges": [1.5, 2], "by": {"badge": "1234"}}
    record_many(
        by=system_actor,
        events=[
            PendingEvent(action=Action.FLAG_RAISE, obj=camera, camera=camera, before=plain, after=nested, at=at),
            PendingEvent(action=Action.FLAG_RAISE, obj=camera, before={}, after=plain, at=at),
        ],
    )
    first, second = AuditEvent.objects.filter(action="flag.raise").order_by("id")
    assert (
        first.before == second.after == {"kind": "not_seen", "count": 3, "open": True, "rma": None, "note": "‘quoted’"}
    )
    assert type(first.before["kind"]) is str
    assert first.after == {
        "due": at.date().isoformat(),
        "at": first.after["at"],
        "charges": [1.5, 2],
        "by": {"badge": "1234"},
    }
    assert (first.camera_id, second.camera_id, first.occurred_at) == (camera.pk, None, at)
    assert all(event.hash == event.compute_hash() for event in (first, second))
    assert verify_chain() is None


# --- append-only --------------------------------------------------------------------------------


def test_saved_event_cannot_be_changed_or_deleted_through_the_model(world, system_actor):
    _checked_out(world, system_actor)
    event = AuditEvent.objects.get(action="checkout.check_out")
    event.reason = "edited"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_events_cannot_be_changed_or_deleted_through_a_queryset(world, system_actor):
    _checked_out(world, system_actor)
    count = AuditEvent.objects.count()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(reason="edited")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(action="checkout.check_out").delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update(list(AuditEvent.objects.all()), ["reason"])
    assert AuditEvent.objects.count() == count


def test_database_trigger_refuses_update(world, system_actor):
    _checked_out(world, system_actor)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'edited'")
    assert AuditEvent.objects.get(action="checkout.check_out").reason == ""


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite keeps DELETE open: Django's test flush empties tables with DELETE (see audit migration 0002)",
)
def test_database_trigger_refuses_delete_on_postgres(world, system_actor):
    _checked_out(world, system_actor)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(action="checkout.check_out").count() == 1


# --- verify_audit --------------------------------------------------------------------------------


@pytest.fixture
def trail(world, system_actor):
    """Five events: check out, check in, dock, check out, check in (after the set-up's own)."""
    camera, officer, dock = world["camera"], world["officer"], world["dock"]
    setup = AuditEvent.objects.count()
    assignments.check_out(camera=camera, officer=officer, by=system_actor)
    assignments.check_in(camera=camera, by=system_actor)
    inventory.record_charge(camera=camera, kind="full_charge", dock=dock, by=system_actor)
    assignments.check_out(camera=camera, officer=officer, by=system_actor)
    assignments.check_in(camera=camera, by=system_actor)
    events = list(AuditEvent.objects.order_by("id"))[setup:]
    assert len(events) == 5
    return events


def test_verify_audit_passes_on_an_intact_chain(trail):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith(f"Audit trail intact: {AuditEvent.objects.count()} events.\n")


def test_verify_audit_passes_on_an_empty_trail():
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact: 0 events" in out.getvalue()


def test_verify_audit_names_the_edited_event(trail):
    target = trail[2]
    with append_only_trigger_dropped():
        raw("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["nothing happened", target.pk])
    with pytest.raises(CommandError) as broken:
        call_command("verify_audit")
    assert broken.value.returncode == 1
    assert f"Audit chain broken at event #{target.pk} " in str(broken.value)
    assert "camera.full_charge" in str(broken.value)


def test_verify_audit_exits_non_zero_from_the_command_line(trail, capsys):
    with append_only_trigger_dropped():
        raw("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["admin", trail[0].pk])
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "verify_audit"])
    assert exit_.value.code == 1
    assert f"event #{trail[0].pk} " in capsys.readouterr().err


def test_rehashing_an_edited_event_breaks_the_link_to_the_next(trail):
    """Recomputing the edited event's own hash does not help: the next event still points at the old one."""
    target = trail[1]
    target.after = {**target.after, "condition": "damaged"}
    forged = target.compute_hash()
    with append_only_trigger_dropped():
        raw(
            "UPDATE audit_auditevent SET after = %s, hash = %s WHERE id = %s",
            [AuditEvent._meta.get_field("after").get_db_prep_value(target.after, connection), forged, target.pk],
        )
    assert verify_chain() == trail[2]


def test_deleting_an_event_is_caught_at_the_next(trail):
    with append_only_trigger_dropped():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [trail[3].pk])
    assert verify_chain() == trail[4]


def test_verify_chain_reads_in_chunks(trail):
    assert verify_chain(chunk_size=2) is None


def test_an_event_recorded_outside_a_transaction_takes_the_chain_lock_inside_one(transactional_db, monkeypatch):
    # transactional_db: each call runs in autocommit as in production, not inside a test transaction.
    from audit import services as audit_services
    from kiosk.services import record_sign_out

    inside = []
    real_lock = audit_services._lock_chain
    monkeypatch.setattr(audit_services, "_lock_chain", lambda: (inside.append(connection.in_atomic_block), real_lock()))
    # Creating the kiosk and the officer's unit and shift is audited too (audit.signals).
    kiosk = Kiosk.objects.create(name="Lobby")
    officer = OfficerFactory()
    record_sign_out(kiosk=kiosk, officer=officer, reason="signed out")
    audit_services.record(by=Actor.system_process("tests"), action=Action.KIOSK_ENROLLMENT_LINK, obj=kiosk)
    assert inside == [True] * AuditEvent.objects.count()
    assert AuditEvent.objects.filter(action__in=["kiosk.sign_out", "kiosk.enrollment_link"]).count() == 2
    assert verify_chain() is None
