"""Every state change of officers, personal issue and checkouts.

Each service runs in one transaction, locks the rows it decides on, checks the current state,
writes the change with its audit event, and raises DomainError with a message a person can act on.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.timefmt import when
from inventory.models import Camera, MaintenanceRecord

from .models import Checkout, Officer, PersonalIssue
from .shifts import expected_return


def _refuse_unavailable_camera(camera: Camera) -> None:
    """Raise the refusal that matches why `camera` (not checked out) cannot go out."""
    tag = camera.asset_tag
    if camera.status == Camera.Status.IN_MAINTENANCE:
        raise DomainError(f"{tag} is in maintenance and cannot be checked out. Take a spare.", code="in_maintenance")
    if camera.status == Camera.Status.RETIRED:
        raise DomainError(f"{tag} is retired and cannot be checked out. Take a spare.", code="retired")
    if camera.status == Camera.Status.LOST:
        raise DomainError(
            f"{tag} is reported lost (incident {camera.lost_incident_number}). Hand it to the quartermaster.",
            code="lost",
        )


def _already_out_error(camera: Camera) -> DomainError:
    holder = Checkout.objects.open().select_related("officer").filter(camera=camera).first()
    if holder is None:
        return DomainError(f"{camera.asset_tag} is already checked out.", code="already_out")
    return DomainError(
        f"{camera.asset_tag} is already checked out to {holder.officer.display_name} "
        f"(badge {holder.officer.badge_number}) since {when(holder.checked_out_at)}.",
        code="already_out",
    )


def _officer_holds_error(officer: Officer, held: Checkout) -> DomainError:
    return DomainError(
        f"{officer.display_name} already holds {held.camera.asset_tag} (since {when(held.checked_out_at)}). "
        "Return it before taking another.",
        code="officer_holds_camera",
    )


@transaction.atomic
def check_out(
    *,
    camera: Camera,
    officer: Officer,
    by: Actor,
    allow_uncharged: bool = False,
    allow_others_personal: bool = False,
) -> Checkout:
    """Give `camera` to `officer` until the end of their shift."""
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    now = timezone.now()

    if not officer.is_active:
        raise DomainError(
            f"{officer.display_name} (badge {officer.badge_number}) is inactive and cannot take a camera. "
            "See the quartermaster.",
            code="officer_inactive",
        )
    held = Checkout.objects.open().select_related("camera").filter(officer=officer).first()
    if held is not None:
        if held.camera_id == camera.pk:
            raise DomainError(
                f"You already hold {camera.asset_tag} since {when(held.checked_out_at)}.", code="holds_it"
            )
        raise _officer_holds_error(officer, held)
    if camera.status == Camera.Status.CHECKED_OUT:
        raise _already_out_error(camera)
    _refuse_unavailable_camera(camera)
    if camera.pool == Camera.Pool.PERSONAL and not allow_others_personal:
        owner = PersonalIssue.objects.current().select_related("officer").filter(camera=camera).first()
        if owner is not None and owner.officer_id != officer.pk:
            raise DomainError(
                f"{camera.asset_tag} is the personal camera of {owner.officer.display_name}. Take a spare instead.",
                code="someone_elses_personal",
            )
    if not allow_uncharged and not camera.is_charged:
        raise DomainError(
            f"{camera.asset_tag} is not charged enough to go out. Leave it in the dock and take a charged spare.",
            code="not_charged",
        )

    kiosk, user = by.kiosk, by.staff_user
    before = {"status": camera.status, "dock": camera.dock_id, "dock_bay": camera.dock_bay}
    try:
        with transaction.atomic():
            checkout = Checkout.objects.create(
                camera=camera,
                officer=officer,
                checked_out_at=now,
                due_back_at=expected_return(officer, now),
                out_kiosk=kiosk,
                out_by=user,
            )
            camera.status = Camera.Status.CHECKED_OUT
            camera.dock, camera.dock_bay = None, None
            camera.save(update_fields=["status", "dock", "dock_bay"])
    except IntegrityError:
        # A concurrent check-out won the race (the partial unique indexes or the trigger saw it).
        raise _race_error(camera, officer) from None
    audit.record(
        by=by,
        action=Action.CHECKOUT_CHECK_OUT,
        obj=checkout,
        camera=camera,
        officer=officer,
        before=before,
        after={"status": camera.status, "due_back_at": checkout.due_back_at, "checkout": checkout.pk},
    )
    return checkout


def _race_error(camera: Camera, officer: Officer) -> DomainError:
    held = Checkout.objects.open().select_related("camera").filter(officer=officer).first()
    if held is not None and held.camera_id != camera.pk:
        return _officer_holds_error(officer, held)
    return _already_out_error(camera)


@transaction.atomic
def check_in(
    *,
    camera: Camera,
    by: Actor,
    condition: str = Checkout.Condition.WORKING,
    damage_description: str = "",
) -> Checkout:
    """Take `camera` back. A damaged camera goes straight out of service, into a repair record."""
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    checkout = Checkout.objects.select_for_update().select_related("officer").filter(camera=camera).open().first()
    if checkout is None:
        raise DomainError(
            f"{camera.asset_tag} is not checked out, so there is nothing to return. "
            "If it was just returned, put it in a dock.",
            code="not_checked_out",
        )
    if condition not in (Checkout.Condition.WORKING, Checkout.Condition.DAMAGED):
        raise InvalidInput("Say whether the camera is working or damaged.", code="bad_condition")
    damage_description = damage_description.strip()
    if condition == Checkout.Condition.DAMAGED and not damage_description:
        raise InvalidInput("Say what is wrong with the camera.", code="damage_not_described")

    now = timezone.now()
    kiosk, user = by.kiosk, by.staff_user
    checkout.checked_in_at = max(now, checkout.checked_out_at)
    checkout.condition = condition
    checkout.damage_description = damage_description
    checkout.in_kiosk, checkout.in_by = kiosk, user
    checkout.save(update_fields=["checked_in_at", "condition", "damage_description", "in_kiosk", "in_by"])

    camera.last_returned_at = checkout.checked_in_at
    camera.last_seen_at = checkout.checked_in_at  # in hand at the return (the "not seen" flag)
    # Unknown until a dock reports it: the camera was in use.
    camera.battery_percent = None
    if condition == Checkout.Condition.DAMAGED:
        camera.status = Camera.Status.IN_MAINTENANCE
        MaintenanceRecord.objects.create(
            camera=camera, kind=MaintenanceRecord.Kind.REPAIR, problem=damage_description, opened_at=now
        )
    else:
        camera.status = Camera.Status.AVAILABLE
    camera.save(update_fields=["status", "last_returned_at", "last_seen_at", "battery_percent"])
    audit.record(
        by=by,
        action=Action.CHECKOUT_CHECK_IN,
        obj=checkout,
        camera=camera,
        officer=checkout.officer,
        before={"status": Camera.Status.CHECKED_OUT},
        after={"status": camera.status, "condition": condition, "damage": damage_description},
    )
    return checkout


@transaction.atomic
def issue_personal(*, officer: Officer, camera: Camera, by: Actor, reason: str = "") -> PersonalIssue:
    """Make `camera` the officer's own."""
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if not officer.is_active:
        raise DomainError(f"{officer.display_name} is inactive; activate the officer first.", code="officer_inactive")
    if camera.status in (Camera.Status.RETIRED, Camera.Status.LOST):
        raise DomainError(f"{camera.asset_tag} is {camera.get_status_display().lower()}; choose another camera.")
    current = PersonalIssue.objects.current().select_related("officer", "camera").filter(officer=officer)
    if (mine := current.first()) is not None:
        if mine.camera_id == camera.pk:
            raise DomainError(f"{camera.asset_tag} is already {officer.display_name}'s personal camera.")
        raise DomainError(
            f"{officer.display_name} already has {mine.camera.asset_tag} as a personal camera. Revoke it first."
        )
    theirs = PersonalIssue.objects.current().select_related("officer").filter(camera=camera).first()
    if theirs is not None:
        raise DomainError(
            f"{camera.asset_tag} is already the personal camera of {theirs.officer.display_name} "
            f"(badge {theirs.officer.badge_number}). Revoke it first."
        )
    try:
        with transaction.atomic():
            issue = PersonalIssue.objects.create(officer=officer, camera=camera, reason=reason)
    except IntegrityError:
        raise DomainError(f"{camera.asset_tag} or {officer.display_name} was just given a personal issue.") from None
    before = {"pool": camera.pool}
    camera.pool = Camera.Pool.PERSONAL
    camera.save(update_fields=["pool"])
    audit.record(
        by=by,
        action=Action.PERSONAL_ISSUE_ISSUE,
        obj=issue,
        camera=camera,
        officer=officer,
        before=before,
        after={"pool": camera.pool, "officer": officer.badge_number},
        reason=reason,
    )
    return issue


@transaction.atomic
def revoke_personal(*, officer: Officer, by: Actor, reason: str = "") -> PersonalIssue:
    """End the officer's personal issue; the camera joins the spare pool."""
    missing = DomainError(f"{officer.display_name} has no personal camera to revoke.")
    found = PersonalIssue.objects.current().filter(officer=officer).values_list("camera_id").first()
    if found is None:
        raise missing
    # Camera first, then the issue: the order check_out, retire and report_lost lock in, so that a
    # revoke racing one of them waits instead of deadlocking. The issue is re-read under the lock.
    camera = Camera.objects.select_for_update().get(pk=found[0])
    issue = PersonalIssue.objects.current().select_for_update().filter(officer=officer, camera=camera)
    issue = issue.first()
    if issue is None:
        raise missing
    issue.revoked_at = timezone.now()
    issue.reason = reason or issue.reason
    issue.save(update_fields=["revoked_at", "reason"])
    camera.pool = Camera.Pool.SPARE
    camera.save(update_fields=["pool"])
    audit.record(
        by=by,
        action=Action.PERSONAL_ISSUE_REVOKE,
        obj=issue,
        camera=camera,
        officer=officer,
        before={"pool": Camera.Pool.PERSONAL, "officer": officer.badge_number},
        after={"pool": camera.pool},
        reason=reason,
    )
    return issue


_SEQUENCE_DIGITS = "01234567890"


def validate_pin(pin: str) -> None:
    """A PIN is all digits, long enough, and not trivially guessed."""
    minimum = settings.KIOSK_PIN_MIN_DIGITS
    if not re.fullmatch(r"\d+", pin or ""):
        raise InvalidInput("A PIN is digits only.", code="pin_not_digits")
    if len(pin) < minimum:
        raise InvalidInput(f"A PIN has at least {minimum} digits.", code="pin_too_short")
    if len(set(pin)) == 1:
        raise InvalidInput("A PIN cannot repeat one digit; choose another.", code="pin_repeated")
    if pin in _SEQUENCE_DIGITS or pin in _SEQUENCE_DIGITS[::-1]:
        raise InvalidInput("A PIN cannot be a sequence like 123456; choose another.", code="pin_sequence")


@transaction.atomic
def set_officer_pin(*, officer: Officer, pin: str, by: Actor) -> None:
    """Set the officer's kiosk PIN, hashed; the PIN itself is never stored or logged."""
    validate_pin(pin)
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    officer.pin_hash = make_password(pin, hasher=settings.KIOSK_PIN_HASHER)
    officer.pin_set_at = timezone.now()
    officer.save(update_fields=["pin_hash", "pin_set_at"])
    audit.record(
        by=by, action=Action.OFFICER_SET_PIN, obj=officer, officer=officer, after={"pin_set_at": officer.pin_set_at}
    )
    # A new PIN is the usual answer to a locked badge: the lock and the old PIN's wrong tries go.
    # (Imported here: the kiosk's services build on this module.)
    from kiosk.services import clear_badge_lock

    clear_badge_lock(badge=officer.badge_number, by=by, reason="kiosk PIN reset")


def pin_matches(officer: Officer | None, pin: str) -> bool:
    """True when `pin` is the officer's PIN.

    With no officer or no PIN set it still runs the hasher once, so that the response time does
    not tell a stranger whether a badge exists.
    """
    if officer is None or not officer.pin_hash:
        make_password(pin, hasher=settings.KIOSK_PIN_HASHER)
        return False
    return check_password(pin, officer.pin_hash)


@transaction.atomic
def set_officer_active(*, officer: Officer, active: bool, by: Actor, reason: str = "") -> Officer:
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if officer.is_active == active:
        state = "active" if active else "inactive"
        raise DomainError(f"{officer.display_name} is already {state}.")
    officer.is_active = active
    officer.save(update_fields=["is_active"])
    audit.record(
        by=by,
        action=Action.OFFICER_ACTIVATE if active else Action.OFFICER_DEACTIVATE,
        obj=officer,
        officer=officer,
        before={"is_active": not active},
        after={"is_active": active},
        reason=reason,
    )
    return officer
