"""The quartermasters' shift digest and the supervisor's overdue-return email."""

from __future__ import annotations

import json
from datetime import time, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from accounts import roles
from assignments.models import Checkout, PersonalIssue
from hartford_bwc.factories import CameraFactory, OfficerFactory, ShiftFactory, UnitFactory, UserFactory
from inventory import tasks
from inventory.flags.notify import build_digest, previous_digest_at, send_shift_digest
from inventory.models import Camera, Flag

from .flag_fleet import local, sweep_at

pytestmark = pytest.mark.django_db

DIGEST_AT = local(2026, 6, 15, 6, 30)


@pytest.mark.parametrize(
    ("now", "since"),
    [
        (local(2026, 6, 15, 6, 30), local(2026, 6, 14, 22, 30)),
        (local(2026, 6, 15, 6, 45), local(2026, 6, 14, 22, 30)),
        (local(2026, 6, 15, 14, 30), local(2026, 6, 15, 6, 30)),
        (local(2026, 6, 15, 22, 31), local(2026, 6, 15, 14, 30)),
        (local(2026, 6, 15, 10, 0), local(2026, 6, 15, 6, 30)),  # run by hand mid-shift
    ],
)
def test_a_digest_covers_the_time_since_the_previous_shift_change(now, since):
    assert previous_digest_at(now) == since


@pytest.fixture
def known_fleet():
    """Day shift 07:00-15:00 with three officers (two personal cameras charged), two spares, four flags."""
    day, evening = ShiftFactory(name="Day"), ShiftFactory(name="Evening", starts_at=time(15), ends_at=time(23))
    with time_machine.travel(local(2026, 6, 14, 19, 0), tick=False):
        officers = OfficerFactory.create_batch(3, shift=day)
        OfficerFactory(shift=day, is_active=False)
        OfficerFactory(shift=evening)
        for officer, charged in zip(officers, [True, True, False], strict=True):
            camera = CameraFactory(
                pool=Camera.Pool.PERSONAL, last_full_charge_at=None if not charged else local(2026, 6, 14, 18, 0)
            )
            PersonalIssue.objects.create(officer=officer, camera=camera)
        old_firmware = CameraFactory(asset_tag="HPD-BWC-0900", pool=Camera.Pool.PERSONAL, firmware_version="3.0.0")
        CameraFactory(asset_tag="HPD-BWC-0901", pool=Camera.Pool.SPARE)  # charged spare
    sweep_at(local(2026, 6, 14, 20, 0))  # before the last digest (22:30)
    with time_machine.travel(local(2026, 6, 15, 2, 0), tick=False):
        flat = CameraFactory(asset_tag="HPD-BWC-0902", pool=Camera.Pool.SPARE, last_full_charge_at=None)
        updated_later = CameraFactory(asset_tag="HPD-BWC-0903", pool=Camera.Pool.PERSONAL, firmware_version="3.1")
    sweep_at(local(2026, 6, 15, 3, 0))
    Camera.objects.filter(pk=updated_later.pk).update(firmware_version="3.4.1")
    sweep_at(local(2026, 6, 15, 4, 0))
    return {"old_firmware": old_firmware, "flat": flat, "updated_later": updated_later}


def test_the_digest_lists_new_and_open_flags_and_readiness_for_the_coming_shift(known_fleet):
    digest = build_digest(now=DIGEST_AT)
    assert digest.since == local(2026, 6, 14, 22, 30)
    assert {(f.camera.asset_tag, f.kind) for f in digest.raised} == {
        ("HPD-BWC-0902", Flag.Kind.CHARGING_OVERDUE),
        ("HPD-BWC-0903", Flag.Kind.FIRMWARE_BELOW_MINIMUM),
    }
    assert {(f.camera.asset_tag, f.kind) for f in digest.open_flags} == {
        ("HPD-BWC-0900", Flag.Kind.FIRMWARE_BELOW_MINIMUM),
        ("HPD-BWC-0902", Flag.Kind.CHARGING_OVERDUE),
    }
    ready = digest.readiness
    assert (ready.shift.name, ready.starts_at) == ("Day", local(2026, 6, 15, 7, 0))
    assert (ready.officers, ready.personal_ready, ready.need_spares, ready.spares_ready) == (3, 2, 1, 1)
    assert ready.shortfall == 0

    body = digest.body()
    assert "Day shift 07:00-15:00: 3 officers rostered." in body
    assert "Personal cameras charged and ready: 2 of 3" in body
    assert "Charged spares ready:               1" in body
    assert "Enough charged cameras for every officer on the shift." in body
    assert "RAISED SINCE THE LAST DIGEST (Jun 14 22:30): 2" in body
    assert "HPD-BWC-0903  Firmware below minimum: Firmware 3.1 is below" in body
    assert "[resolved: firmware updated to 3.4.1]" in body
    assert "STILL OPEN: 2" in body
    assert "  Charging overdue: 1\n  Firmware below minimum: 1\n" in body
    assert digest.subject == "BWC shift digest Jun 15 06:30: 2 new flags, 2 open"


def test_one_digest_email_goes_to_the_quartermasters_with_an_address(known_fleet):
    UserFactory(username="qm1", email="qm1@hartford.example", role=roles.QUARTERMASTER)
    UserFactory(username="qm2", email="qm2@hartford.example", role=roles.QUARTERMASTER)
    UserFactory(username="qm3", email="", role=roles.QUARTERMASTER)
    UserFactory(username="qm4", email="gone@hartford.example", role=roles.QUARTERMASTER, is_active=False)
    UserFactory(username="sgt", email="sgt@hartford.example", role=roles.SUPERVISOR)
    with time_machine.travel(DIGEST_AT, tick=False):
        assert tasks.shift_digest.apply().get() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["qm1@hartford.example", "qm2@hartford.example"]
    assert "STILL OPEN: 2" in mail.outbox[0].body


def test_the_digest_says_when_the_coming_shift_is_short_of_charged_cameras(known_fleet):
    Camera.objects.filter(asset_tag="HPD-BWC-0901").update(last_full_charge_at=None)
    UserFactory(username="qm1", email="qm1@hartford.example", role=roles.QUARTERMASTER)
    assert send_shift_digest(now=DIGEST_AT) == 1
    message = mail.outbox[0]
    assert message.subject.endswith("; Day shift short by 1 charged camera")
    assert "SHORT BY 1 CHARGED CAMERAS" in message.body


def test_no_digest_without_a_quartermaster_address(known_fleet):
    UserFactory(username="qm3", email="", role=roles.QUARTERMASTER)
    assert send_shift_digest(now=DIGEST_AT) == 0
    assert mail.outbox == []


def _overdue_checkout(unit, now):
    officer = OfficerFactory(unit=unit, first_name="Dana", last_name="Reyes", badge_number="4242")
    camera = CameraFactory(asset_tag="HPD-BWC-0777", status=Camera.Status.CHECKED_OUT)
    return Checkout.objects.create(
        camera=camera, officer=officer, checked_out_at=now - timedelta(hours=14), due_back_at=now - timedelta(hours=2)
    )


def test_a_raised_return_overdue_emails_the_unit_supervisor_once(django_capture_on_commit_callbacks):
    now = local(2026, 6, 15, 10, 0)
    _overdue_checkout(UnitFactory(name="Patrol District 2", supervisor_email="d2.sgt@hartford.example"), now)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_at(now)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_at(now + timedelta(minutes=5))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["d2.sgt@hartford.example"]
    assert message.subject == "Camera overdue: HPD-BWC-0777 with Ofc. Dana Reyes (badge 4242)"
    assert "Due back:    08:00" in message.body


def test_no_supervisor_email_when_the_unit_has_no_address(django_capture_on_commit_callbacks):
    now = local(2026, 6, 15, 10, 0)
    _overdue_checkout(UnitFactory(name="Major Crimes", supervisor_email=""), now)
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep_at(now)
    assert report.counts[Flag.Kind.RETURN_OVERDUE].raised == 1
    assert mail.outbox == []


def test_the_sweep_hands_the_supervisor_email_nothing_but_flag_ids(monkeypatch, django_capture_on_commit_callbacks):
    now = local(2026, 6, 15, 10, 0)
    _overdue_checkout(UnitFactory(supervisor_email="d2.sgt@hartford.example"), now)
    queued = []
    monkeypatch.setattr(tasks.email_new_flags, "apply_async", lambda args, **kw: queued.append(args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sweep_at(now)
    assert queued == [], "nothing is queued before the sweep commits"
    for callback in callbacks:
        callback()
    flag = Flag.objects.get(kind=Flag.Kind.RETURN_OVERDUE)
    assert queued == [[[flag.pk]]]
    assert json.loads(json.dumps(queued[0])) == queued[0], "the message survives the JSON serializer"


def test_the_supervisor_email_is_built_from_the_database_alone(django_assert_num_queries):
    """A flag row the sweep never touched: nothing a rule could have left on an object in memory."""
    now = local(2026, 6, 15, 10, 0)
    checkout = _overdue_checkout(UnitFactory(name="Patrol District 2", supervisor_email="d2.sgt@hartford.example"), now)
    flag = Flag.objects.create(camera=checkout.camera, kind=Flag.Kind.RETURN_OVERDUE, raised_at=now, detail="Late.")
    # In one transaction (a savepoint pair): the new flags with their cameras, locked; claimed (UPDATE);
    # the cameras' open checkouts with officer and unit; the staff with an address (none here: no
    # prefetch); the audit chain's head and the events.
    with django_assert_num_queries(8 + (1 if connection.vendor == "postgresql" else 0)):
        assert tasks.email_overdue_supervisors.delay([flag.pk]).get() == 1
    assert mail.outbox[0].to == ["d2.sgt@hartford.example"]
    assert mail.outbox[0].subject == "Camera overdue: HPD-BWC-0777 with Ofc. Dana Reyes (badge 4242)"
    assert "Checked out: Jun 14 20:00" in mail.outbox[0].body


def test_no_supervisor_email_once_the_flag_resolved_or_the_camera_came_back():
    now = local(2026, 6, 15, 10, 0)
    resolved = _overdue_checkout(UnitFactory(supervisor_email="d2.sgt@hartford.example"), now)
    flag = Flag.objects.create(
        camera=resolved.camera, kind=Flag.Kind.RETURN_OVERDUE, raised_at=now, resolved_at=now, resolution="returned"
    )
    assert tasks.email_overdue_supervisors.delay([flag.pk, flag.pk + 1000]).get() == 0
    assert mail.outbox == []


def test_the_sweep_sends_the_supervisor_email_itself_when_the_broker_is_down(
    monkeypatch, django_capture_on_commit_callbacks
):
    now = local(2026, 6, 15, 10, 0)
    _overdue_checkout(UnitFactory(supervisor_email="d2.sgt@hartford.example"), now)

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.email_new_flags, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep_at(now)
    assert report.counts[Flag.Kind.RETURN_OVERDUE].raised == 1
    assert [message.to for message in mail.outbox] == [["d2.sgt@hartford.example"]]
