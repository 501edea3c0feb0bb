"""Duty assignments and camera exemptions (issue 13): who grants them, which days they cover, and the
rule that one officer's exemptions never overlap, in the service and in the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import roles
from assignments.duty import assign_duty, duty_status, end_exemption, grant_exemption
from assignments.models import DutyAssignment, Officer
from audit.actor import Actor
from audit.models import AuditEvent
from conftest import requires_postgres
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.factories import OfficerFactory, UserFactory
from hartford_bwc.testing import run_at_once, violates

Kind = DutyAssignment.Kind
DAY = date(2026, 3, 2)


@pytest.fixture
def officer(db):
    return OfficerFactory(badge_number="7001", first_name="Ana", last_name="Ruiz")


@pytest.fixture
def sergeant(db):
    return Actor.staff(UserFactory(username="sgt", role=roles.SUPERVISOR), ip="127.0.0.1")


def _grant(officer, by, starts_on=DAY, ends_on=DAY + timedelta(days=9), kind=Kind.UNDERCOVER, reason="Op Nightjar"):
    return grant_exemption(officer=officer, kind=kind, starts_on=starts_on, ends_on=ends_on, reason=reason, by=by)


def test_a_supervisor_grants_an_exemption_with_reason_and_approver_and_it_is_audited(officer, sergeant):
    row = _grant(officer, sergeant)

    assert (row.kind, row.starts_on, row.ends_on, row.reason) == (
        Kind.UNDERCOVER,
        DAY,
        DAY + timedelta(9),
        "Op Nightjar",
    )
    assert row.approved_by == sergeant.user
    event = AuditEvent.objects.get(action="duty.exemption_grant")
    assert event.officer_id == officer.pk and event.reason == "Op Nightjar"
    assert event.after["approved_by"] == "sgt"


@pytest.mark.parametrize("role", [roles.ADMINISTRATOR])
def test_an_administrator_may_grant_too(officer, role):
    assert _grant(officer, Actor.staff(UserFactory(role=role))).pk


@pytest.mark.parametrize("actor", ["quartermaster", "kiosk", "system"])
def test_nobody_but_a_supervisor_or_administrator_grants_or_ends_one(officer, sergeant, actor):
    by = {
        "quartermaster": Actor.staff(UserFactory(role=roles.QUARTERMASTER)),
        "kiosk": Actor.at_kiosk(None, officer=officer),
        "system": Actor.system_process("tests"),
    }[actor]
    with pytest.raises(DomainError, match="Only a supervisor or an administrator"):
        _grant(officer, by)
    row = _grant(officer, sergeant)
    with pytest.raises(DomainError, match="Only a supervisor"):
        end_exemption(exemption=row, by=by, ends_on=DAY)
    assert DutyAssignment.objects.get().ends_on == DAY + timedelta(days=9)


def test_reason_is_required_and_the_end_cannot_precede_the_start(officer, sergeant):
    with pytest.raises(InvalidInput, match="Give the reason"):
        _grant(officer, sergeant, reason="   ")
    with pytest.raises(InvalidInput, match="cannot end before it starts"):
        _grant(officer, sergeant, ends_on=DAY - timedelta(days=1))
    with pytest.raises(InvalidInput, match="undercover operation, light duty or leave"):
        _grant(officer, sergeant, kind=Kind.UNIFORM_PATROL)
    assert not DutyAssignment.objects.exists()
    assert not AuditEvent.objects.filter(action="duty.exemption_grant").exists()


def test_a_one_day_exemption_is_allowed(officer, sergeant):
    assert _grant(officer, sergeant, ends_on=DAY).ends_on == DAY


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        (DAY + timedelta(days=9), DAY + timedelta(days=12)),  # starts on the other's last day
        (DAY - timedelta(days=3), DAY),  # ends on the other's first day
        (DAY + timedelta(days=2), DAY + timedelta(days=3)),  # inside it
        (DAY - timedelta(days=30), None),  # open-ended, from before
    ],
)
def test_overlapping_exemptions_of_one_officer_are_refused(officer, sergeant, starts, ends):
    _grant(officer, sergeant)
    with pytest.raises(DomainError, match="already has an exemption \\(undercover operation, Mar 2, 2026 to Mar 11"):
        _grant(officer, sergeant, starts_on=starts, ends_on=ends, kind=Kind.LEAVE, reason="Annual leave")
    assert DutyAssignment.objects.count() == 1


def test_back_to_back_exemptions_and_other_officers_exemptions_are_fine(officer, sergeant):
    _grant(officer, sergeant)
    _grant(officer, sergeant, starts_on=DAY + timedelta(days=10), ends_on=None, kind=Kind.LIGHT_DUTY, reason="Knee")
    _grant(OfficerFactory(), sergeant)
    assert DutyAssignment.objects.count() == 3


def test_the_database_refuses_an_overlapping_exemption_written_past_the_service(officer, sergeant):
    _grant(officer, sergeant)
    with violates("duty_exemptions_never_overlap"):
        DutyAssignment.objects.create(
            officer=officer, kind=Kind.LEAVE, starts_on=DAY + timedelta(days=5), reason="x", approved_by=sergeant.user
        )
    row = DutyAssignment.objects.create(
        officer=officer, kind=Kind.LEAVE, starts_on=DAY + timedelta(days=20), reason="x", approved_by=sergeant.user
    )
    with violates("duty_exemptions_never_overlap"):
        DutyAssignment.objects.filter(pk=row.pk).update(starts_on=DAY)


def test_the_database_refuses_an_end_before_the_start_and_an_exemption_without_approver(officer, sergeant):
    with violates("duty_ends_on_or_after_start"):
        DutyAssignment.objects.create(
            officer=officer, kind=Kind.UNIFORM_PATROL, starts_on=DAY, ends_on=DAY - timedelta(days=1)
        )
    with violates("duty_exemption_approved_with_reason"):
        DutyAssignment.objects.create(officer=officer, kind=Kind.LEAVE, starts_on=DAY, reason="Leave")


def test_ending_an_exemption_sets_its_last_day_and_is_audited(officer, sergeant):
    row = _grant(officer, sergeant, ends_on=None)
    ended = end_exemption(exemption=row, by=sergeant, ends_on=DAY + timedelta(days=4), reason="Op closed")
    assert ended.ends_on == DAY + timedelta(days=4)
    event = AuditEvent.objects.get(action="duty.exemption_end")
    assert (event.before, event.after["ends_on"], event.reason) == ({"ends_on": None}, "2026-03-06", "Op closed")


def test_ending_before_it_starts_or_later_than_it_already_ends_is_refused(officer, sergeant):
    row = _grant(officer, sergeant)
    with pytest.raises(InvalidInput, match="starts on Mar 2, 2026; it cannot end before that"):
        end_exemption(exemption=row, by=sergeant, ends_on=DAY - timedelta(days=1))
    with pytest.raises(DomainError, match="already ends on Mar 11, 2026"):
        end_exemption(exemption=row, by=sergeant, ends_on=DAY + timedelta(days=9))
    assert end_exemption(exemption=row, by=sergeant, ends_on=DAY).ends_on == DAY


def test_assigning_a_duty_ends_the_previous_one_the_day_before(officer, sergeant):
    first = assign_duty(officer=officer, kind=Kind.UNIFORM_PATROL, starts_on=DAY, by=sergeant)
    assign_duty(officer=officer, kind=Kind.DETECTIVE, starts_on=DAY + timedelta(days=30), by=sergeant)
    first.refresh_from_db()
    assert first.ends_on == DAY + timedelta(days=29)
    with pytest.raises(DomainError, match="already has a duty starting on or after"):
        assign_duty(officer=officer, kind=Kind.UNIFORM_PATROL, starts_on=DAY + timedelta(days=30), by=sergeant)
    with pytest.raises(InvalidInput):
        assign_duty(officer=officer, kind=Kind.LEAVE, starts_on=DAY, by=sergeant)
    assert AuditEvent.objects.filter(action="duty.assign").count() == 2


@time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 5, 12)), tick=False)
def test_duty_status_today_reads_the_exemption_in_force_and_defaults_the_duty_from_rank(officer, sergeant):
    assert duty_status(officer).duty == "Uniform patrol"
    assert duty_status(OfficerFactory(rank=Officer.Rank.DETECTIVE)).duty == "Detective"
    row = _grant(officer, sergeant)
    status = duty_status(officer)
    assert status.exemption == row and not status.camera_required
    assert duty_status(officer, today=DAY + timedelta(days=10)).camera_required  # the day after it ends
    assert not duty_status(officer, today=DAY + timedelta(days=9)).camera_required  # its last day


@requires_postgres()
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_granting_overlapping_exemptions_at_once_leave_one():
    officer = OfficerFactory()
    sergeants = [Actor.staff(UserFactory(role=roles.SUPERVISOR)) for _ in range(6)]
    outcomes = run_at_once([lambda by=by: _grant(officer, by) for by in sergeants])
    assert sum(isinstance(o, DutyAssignment) for o in outcomes) == 1
    assert all(isinstance(o, DutyAssignment) or "already has an exemption" in str(o) for o in outcomes), outcomes
    assert DutyAssignment.objects.count() == 1
