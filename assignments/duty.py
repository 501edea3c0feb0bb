"""Duty assignments, camera exemptions and the body-worn-camera certification rule.

The chief's rule: officers and detectives wear a camera when in uniform or investigating an
accident; the only on-duty exception is an undercover operation, and light duty and leave mean not on
patrol. So a day covered by an exemption is not a shift that needed a camera (the reports leave it
out), and no camera goes out to an officer without a current BWC certification (check_out asks
`certification_refusal`). Every change here is a service: one transaction, the officer's row locked,
audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import roles
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc import records, timefmt
from hartford_bwc.errors import DomainError, InvalidInput

from .models import Certification, DutyAssignment, Officer

Kind = DutyAssignment.Kind


def day_text(day: date) -> str:
    return timefmt.day(day)


def span_text(row: DutyAssignment) -> str:
    if row.ends_on is None:
        return f"from {day_text(row.starts_on)}, no end set"
    return f"{day_text(row.starts_on)} to {day_text(row.ends_on)}"


def _approver(by: Actor):
    user = by.staff_user
    if user is None or not roles.has_role(user, roles.CAN_APPROVE_DUTY):
        raise DomainError(
            "Only a supervisor or an administrator may approve duty and camera exemptions.", code="not_a_supervisor"
        )
    return user


def _lock(officer: Officer) -> Officer:
    # The officer's row first, always: two grants for one officer run one after the other, so the
    # overlap check below sees the other's row (the database's exclusion constraint backs it up).
    return Officer.objects.select_for_update().get(pk=officer.pk)


def _overlap_error(officer: Officer, clash: DutyAssignment) -> DomainError:
    return DomainError(
        f"{officer.display_name} already has an exemption ({clash.get_kind_display().lower()}, {span_text(clash)}) "
        "covering some of these days. End or shorten it first, or choose other days.",
        code="exemption_overlaps",
    )


@transaction.atomic
def grant_exemption(
    *, officer: Officer, kind: str, starts_on: date, ends_on: date | None = None, reason: str, by: Actor
) -> DutyAssignment:
    """Exempt `officer` from wearing a camera from `starts_on` to `ends_on` (both included; None: no end)."""
    approver = _approver(by)
    if kind not in DutyAssignment.EXEMPT_KINDS:
        raise InvalidInput("Choose undercover operation, light duty or leave.", code="not_an_exemption")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Give the reason for the exemption.", code="reason_required")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput("An exemption cannot end before it starts.", code="ends_before_start")
    officer = _lock(officer)
    clash = DutyAssignment.objects.exemptions().filter(officer=officer).overlapping(starts_on, ends_on).first()
    if clash is not None:
        raise _overlap_error(officer, clash)
    try:
        with transaction.atomic():
            row = DutyAssignment.objects.create(
                officer=officer, kind=kind, starts_on=starts_on, ends_on=ends_on, reason=reason, approved_by=approver
            )
    except IntegrityError:
        clash = DutyAssignment.objects.exemptions().filter(officer=officer).overlapping(starts_on, ends_on).first()
        if clash is None:
            raise
        raise _overlap_error(officer, clash) from None
    audit.record(
        by=by,
        action=Action.DUTY_EXEMPTION_GRANT,
        obj=row,
        officer=officer,
        after={"kind": kind, "starts_on": starts_on, "ends_on": ends_on, "approved_by": approver.get_username()},
        reason=reason,
    )
    return row


@transaction.atomic
def end_exemption(
    *, exemption: DutyAssignment, by: Actor, ends_on: date | None = None, reason: str = ""
) -> DutyAssignment:
    """End `exemption` on `ends_on` (today by default): its last exempt day."""
    _approver(by)
    _lock(exemption.officer)
    row = DutyAssignment.objects.select_for_update().select_related("officer").get(pk=exemption.pk)
    if not row.is_exemption:
        raise InvalidInput("Only an exemption can be ended here.", code="not_an_exemption")
    ends_on = ends_on or timezone.localdate()
    if ends_on < row.starts_on:
        raise InvalidInput(
            f"This exemption starts on {day_text(row.starts_on)}; it cannot end before that.", code="ends_before_start"
        )
    if row.ends_on is not None and row.ends_on <= ends_on:
        raise DomainError(f"This exemption already ends on {day_text(row.ends_on)}.", code="already_ended")
    before = {"ends_on": row.ends_on}
    row.ends_on = ends_on
    row.save(update_fields=["ends_on"])
    audit.record(
        by=by,
        action=Action.DUTY_EXEMPTION_END,
        obj=row,
        officer=row.officer,
        before=before,
        after={"ends_on": ends_on},
        reason=(reason or "").strip(),
    )
    return row


@transaction.atomic
def assign_duty(*, officer: Officer, kind: str, starts_on: date, by: Actor, reason: str = "") -> DutyAssignment:
    """Put `officer` on uniform patrol or detective work from `starts_on`; the duty before it ends the day before."""
    approver = _approver(by)
    if kind not in DutyAssignment.DUTY_KINDS:
        raise InvalidInput("Choose uniform patrol or detective.", code="not_a_duty")
    officer = _lock(officer)
    duties = DutyAssignment.objects.select_for_update().filter(officer=officer, kind__in=DutyAssignment.DUTY_KINDS)
    if duties.filter(starts_on__gte=starts_on).exists():
        raise DomainError(
            f"{officer.display_name} already has a duty starting on or after {day_text(starts_on)}.",
            code="duty_exists",
        )
    previous = duties.overlapping(starts_on, None).first()
    if previous is not None:
        previous.ends_on = date.fromordinal(starts_on.toordinal() - 1)
        previous.save(update_fields=["ends_on"])
    row = DutyAssignment.objects.create(
        officer=officer, kind=kind, starts_on=starts_on, reason=(reason or "").strip(), approved_by=approver
    )
    audit.record(
        by=by,
        action=Action.DUTY_ASSIGN,
        obj=row,
        officer=officer,
        before={"kind": previous.kind if previous else None},
        after={"kind": kind, "starts_on": starts_on},
        reason=row.reason,
    )
    return row


# --- reading an officer's duty --------------------------------------------------------------------


@dataclass(frozen=True)
class DutyStatus:
    """What an officer is on today, and whether a camera is required of them."""

    duty: str
    exemption: DutyAssignment | None
    certification: Certification | None
    today: date

    @property
    def camera_required(self) -> bool:
        return self.exemption is None

    @property
    def certified(self) -> bool:
        cert = self.certification
        return cert is not None and cert.certified_on <= self.today <= cert.expires_on

    @property
    def certification_days_left(self) -> int | None:
        if self.certification is None:
            return None
        return (self.certification.expires_on - self.today).days


def latest_certification(officer: Officer, today: date) -> Certification | None:
    """The certification that runs longest among those already taken (one query)."""
    return Certification.objects.filter(officer=officer, certified_on__lte=today).order_by("-expires_on").first()


def duty_status(officer: Officer, today: date | None = None) -> DutyStatus:
    """Two queries: the assignments in force today, and the latest certification."""
    today = today or timezone.localdate()
    exemption, duty = None, None
    for row in DutyAssignment.objects.filter(officer=officer).in_force(today).select_related("approved_by"):
        if row.is_exemption:
            exemption = row
        elif duty is None:
            duty = row
    if duty is not None:
        label = duty.get_kind_display()
    else:
        # No assignment recorded: a detective investigates, everyone else is on uniform patrol.
        label = Kind.DETECTIVE.label if officer.rank == Officer.Rank.DETECTIVE else Kind.UNIFORM_PATROL.label
    return DutyStatus(duty=label, exemption=exemption, certification=latest_certification(officer, today), today=today)


# --- the certification rule -----------------------------------------------------------------------


def certification_refusal(officer: Officer, today: date | None = None) -> DomainError | None:
    """Why `officer` may not take a camera for want of a current BWC certification, or None (one query).

    Off when REQUIRE_BWC_CERTIFICATION is false.
    """
    if not settings.REQUIRE_BWC_CERTIFICATION:
        return None
    today = today or timezone.localdate()
    latest = latest_certification(officer, today)
    if latest is not None and latest.expires_on >= today:
        return None
    who = f"{officer.display_name} (badge {officer.badge_number})"
    if latest is None:
        return DomainError(
            f"{who} has no body-worn camera certification on record, so no camera can be issued. "
            "Complete BWC training and have the training record given to the quartermaster, then try again.",
            code="not_certified",
        )
    return DomainError(
        f"{who}'s body-worn camera certification expired on {day_text(latest.expires_on)}, so no camera can be "
        "issued. Renew BWC training and have the training record given to the quartermaster, then try again.",
        code="certification_expired",
    )


# --- certifications, as the training records give them (the training import writes through these) ---

#: What a certification's audit event shows of it.
CERTIFICATION_DESCRIPTION = ("officer", "certified_on", "expires_on", "course")

#: How the training import adds and corrects certifications (hartford_bwc.records).
CERTIFICATION_RECORDS = records.Records(
    Certification,
    shown=CERTIFICATION_DESCRIPTION,
    links=lambda certification: {"officer": certification.officer},
    related=("officer",),
    added_conflict="A certification for one of these officers and days was added a moment ago; nothing was added.",
    edited_conflict="A certification for one of these officers and days changed a moment ago; nothing was changed.",
)


def record_certifications(
    *,
    certifications: Sequence[Mapping[str, Any]],
    by: Actor,
    action: Action,
    reason: str = "",
    on_progress: records.Progress | None = None,
) -> list[Certification]:
    """Add certifications (each a mapping of CERTIFICATION_DESCRIPTION fields), one audit event each."""
    return CERTIFICATION_RECORDS.create(certifications, by=by, action=action, reason=reason, on_progress=on_progress)


def update_certifications(
    *,
    changes: Sequence[tuple[Certification, Mapping[str, Any]]],
    by: Actor,
    action: Action,
    reason: str = "",
    on_progress: records.Progress | None = None,
    locked: bool = False,
) -> list[records.Edit]:
    """Correct certifications on file (their expiry or course), one audit event per one that changed."""
    return CERTIFICATION_RECORDS.edit(
        changes, by=by, action=action, reason=reason, on_progress=on_progress, locked=locked
    )
