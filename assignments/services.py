"""Every state change of officers, personal issue and checkouts.

Each service runs in one transaction, locks the rows it decides on, checks the current state,
writes the change with its audit event, and raises DomainError with a message a person can act on.
The camera's side of a check-out, check-in or personal issue is the camera's lifecycle
(inventory/lifecycle.py, asked through inventory.services.check_transition).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc import records
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.timefmt import when
from inventory.models import Camera, MaintenanceRecord
from inventory.services import check_transition, refusal_as_if
from kiosk.models import BadgeLockout

from . import shift_days, tallies
from .duty import certification_refusal
from .models import Checkout, Officer, PersonalIssue, Shift
from .shifts import expected_return


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
    if (uncertified := certification_refusal(officer, timezone.localdate(now))) is not None:
        raise uncertified
    held = Checkout.objects.open().select_related("camera").filter(officer=officer).first()
    if held is not None:
        if held.camera_id == camera.pk:
            raise DomainError(
                f"You already hold {camera.asset_tag} since {when(held.checked_out_at)}.", code="holds_it"
            )
        raise _officer_holds_error(officer, held)
    transition = check_transition("check_out", camera, by=by)
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
            tallies.count_checkout(checkout)
            camera.status = cast(str, transition.target)
            # Off its dock or its shelf: in the officer's hands.
            camera.dock, camera.dock_bay, camera.shelf = None, None, None
            camera.save(update_fields=["status", "dock", "dock_bay", "shelf"])
    except IntegrityError:
        # A concurrent check-out won the race (the partial unique indexes or the trigger saw it).
        raise _race_error(camera, officer) from None
    audit.record(
        by=by,
        action=cast(Action, transition.action),
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
    return refusal_as_if("check_out", camera, status=Camera.Status.CHECKED_OUT)


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
    transition = check_transition("check_in", camera, by=by)
    if checkout is None:
        raise transition.otherwise.error(tag=camera.asset_tag)
    # The locked camera, not a third read of it: the audit event names the checkout by its tag.
    checkout.camera = camera
    if condition not in (Checkout.Condition.WORKING, Checkout.Condition.DAMAGED):
        raise InvalidInput("Say whether the camera is working or damaged.", code="bad_condition")
    if condition == Checkout.Condition.DAMAGED:
        transition = check_transition("return_damaged", camera, by=by)
    damage_description = damage_description.strip()
    if condition == Checkout.Condition.DAMAGED and not damage_description:
        raise InvalidInput("Say what is wrong with the camera.", code="damage_not_described")

    now = timezone.now()
    kiosk, user = by.kiosk, by.staff_user
    before = {"status": camera.status}
    checkout.checked_in_at = max(now, checkout.checked_out_at)
    checkout.condition = condition
    checkout.damage_description = damage_description
    checkout.in_kiosk, checkout.in_by = kiosk, user
    checkout.save(update_fields=["checked_in_at", "condition", "damage_description", "in_kiosk", "in_by"])
    tallies.count_return(checkout)

    camera.last_returned_at = checkout.checked_in_at
    camera.last_seen_at = checkout.checked_in_at  # in hand at the return (the "not seen" flag)
    # Unknown until a dock reports it: the camera was in use.
    camera.battery_percent = None
    camera.status = cast(str, transition.target)
    if condition == Checkout.Condition.DAMAGED:
        MaintenanceRecord.objects.create(
            camera=camera, kind=MaintenanceRecord.Kind.REPAIR, problem=damage_description, opened_at=now
        )
    camera.save(update_fields=["status", "last_returned_at", "last_seen_at", "battery_percent"])
    audit.record(
        by=by,
        action=cast(Action, transition.action),
        obj=checkout,
        camera=camera,
        officer=checkout.officer,
        before=before,
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
    transition = check_transition("issue_personal", camera, by=by)
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
        action=cast(Action, transition.action),
        obj=issue,
        camera=camera,
        officer=officer,
        before=before,
        after={"pool": camera.pool, "officer": officer.badge_number},
        reason=reason,
    )
    return issue


@transaction.atomic
def revoke_personal(
    *, by: Actor, officer: Officer | None = None, camera: Camera | None = None, reason: str = ""
) -> PersonalIssue:
    """End the officer's personal issue (or the issue of `camera`); the camera joins the spare pool."""
    if officer is None:
        officer = _personal_owner(cast(Camera, camera))
    missing = DomainError(f"{officer.display_name} has no personal camera to revoke.")
    found = PersonalIssue.objects.current().filter(officer=officer).values_list("camera_id").first()
    if found is None:
        raise missing
    # Camera first, then the issue: the order check_out, retire and report_lost lock in, so that a
    # revoke racing one of them waits instead of deadlocking. The issue is re-read under the lock.
    camera = Camera.objects.select_for_update().get(pk=found[0])
    issue = PersonalIssue.objects.current().select_for_update().filter(officer=officer, camera=camera).first()
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


def _personal_owner(camera: Camera) -> Officer:
    issue = PersonalIssue.objects.current().select_related("officer").filter(camera=camera).first()
    if issue is None:
        raise DomainError(f"{camera.asset_tag} is not anyone's personal camera.", code="not_personal")
    return issue.officer


# --- the kiosk PIN and its lock-out ----------------------------------------------------------------
# The PIN is the officer's kiosk credential; a badge's lock-out (kiosk.models.BadgeLockout) counts its
# wrong tries. Both change here, so that setting a PIN can lift the lock without importing the kiosk's
# services (which build on this module).

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
    clear_badge_lock(badge=officer.badge_number, by=by, reason="kiosk PIN reset")


def normalise_badge(badge: str) -> str:
    return (badge or "").strip().upper()[:40]


def clear_badge_lock(*, badge: str, by: Actor, reason: str) -> bool:
    """Forget a badge's wrong PINs and lift its lock, if any (a new PIN starts afresh). True when it was locked.

    Runs inside the caller's transaction (set_officer_pin).
    """
    lock = BadgeLockout.objects.select_for_update().filter(badge=normalise_badge(badge)).first()
    if lock is None:
        return False
    locked = lock.is_locked()
    if locked:
        delete_badge_lock(lock, by=by, reason=reason)
    else:
        lock.delete()
    return locked


def delete_badge_lock(lock: BadgeLockout, *, by: Actor, reason: str) -> None:
    """Lift a badge's lock-out, audited (kiosk.services.unlock_badge and set_officer_pin)."""
    officer = Officer.objects.filter(badge_number__upper=lock.badge).first()
    audit.record(
        by=by,
        action=Action.KIOSK_BADGE_UNLOCKED,
        obj=lock,
        officer=officer,
        before={"badge": lock.badge, "locked_until": lock.locked_until},
        reason=reason.strip()[:300],
    )
    lock.delete()


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


# --- an officer's record: adding officers and editing what describes them ------------------------

#: What describes an officer, as a person types it (the console's form, a roster import's row).
#: Whether the officer is active is state: `update_officers` hands it to `set_officers_active`.
OFFICER_DESCRIPTION = ("badge_number", "first_name", "last_name", "rank", "unit", "shift", "email")

#: How the officer services add and edit officers' records (hartford_bwc.records).
OFFICER_RECORDS = records.Records(
    Officer,
    shown=(*OFFICER_DESCRIPTION, "is_active"),
    links=lambda officer: {"officer": officer},
    related=("unit", "shift"),
    added_conflict="Another officer with one of these badge numbers was added a moment ago; nothing was added.",
    edited_conflict="Another officer took one of these badge numbers a moment ago; nothing was saved.",
)


def _check_officer_fields(values: Mapping[str, Any]) -> None:
    if extra := sorted(set(values) - {*OFFICER_DESCRIPTION, "is_active"}):
        raise InvalidInput(f"{', '.join(extra)} cannot be set here.", code="not_description")


def _refuse_taken_badges(badges: dict[str, int | None]) -> None:
    """Refuse a badge number another officer holds in any case: a kiosk reads B-12 and b-12 as one badge."""
    upper = {badge.upper(): pk for badge, pk in badges.items()}
    for start in range(0, len(upper), records.BATCH_SIZE):
        chunk = list(upper)[start : start + records.BATCH_SIZE]
        holders = Officer.objects.annotate(badge_upper=Upper("badge_number")).filter(badge_upper__in=chunk)
        for holder in holders.only("pk", "badge_number", "first_name", "last_name", "rank"):
            if holder.pk != upper[holder.badge_number.upper()]:
                raise InvalidInput(
                    f"Badge number {holder.badge_number} already belongs to {holder.display_name}.",
                    code="badge_taken",
                )


@transaction.atomic
def register_officers(
    *,
    officers: Sequence[Mapping[str, Any]],
    by: Actor,
    action: Action = Action.OFFICER_CREATE,
    reason: str = "",
    on_progress: records.Progress | None = None,
) -> list[Officer]:
    """Add officers (each a mapping of OFFICER_DESCRIPTION fields and, optionally, is_active), audited one by one."""
    for values in officers:
        _check_officer_fields(values)
    _refuse_taken_badges({values["badge_number"]: None for values in officers})
    return OFFICER_RECORDS.create(officers, by=by, action=action, reason=reason, on_progress=on_progress)


def register_officer(*, by: Actor, reason: str = "", **values: Any) -> Officer:
    """Add one officer (the console's "Add officer")."""
    [officer] = register_officers(officers=[values], by=by, reason=reason)
    return officer


@transaction.atomic
def update_officers(
    *,
    changes: Sequence[tuple[Officer, Mapping[str, Any]]],
    by: Actor,
    action: Action = Action.OFFICER_EDIT,
    reason: str = "",
    on_progress: records.Progress | None = None,
    locked: bool = False,
) -> list[records.Edit]:
    """Edit what describes each officer, one audit event per officer that changed; an `is_active` among
    the values activates or deactivates the officer through `set_officers_active` (its own events).

    Deactivating an officer who holds a camera is allowed, as the officer page's button allows it:
    the camera still has to come back, and the officer page and the camera page say so. `locked`: the
    caller read these officers with select_for_update in this transaction (an import's plan).
    """
    for _, values in changes:
        _check_officer_fields(values)
    _refuse_taken_badges({values["badge_number"]: o.pk for o, values in changes if "badge_number" in values})
    described = [(o, {k: v for k, v in values.items() if k != "is_active"}) for o, values in changes]
    edits = OFFICER_RECORDS.edit(
        [(officer, values) for officer, values in described if values],
        by=by,
        action=action,
        reason=reason,
        on_progress=on_progress,
        locked=locked,
    )
    # A check-out's shift day is that of the officer's shift today: theirs are worked out again.
    shift_days.recount_officers(edit.obj.pk for edit in edits if "shift" in edit.after)
    for active in (True, False):
        if officers := [o for o, values in changes if values.get("is_active", not active) is active]:
            set_officers_active(officers=officers, active=active, by=by, reason=reason)
    return edits


def update_officer(*, officer: Officer, by: Actor, reason: str = "", **values: Any) -> Officer:
    """Edit one officer's record (the console's "Edit"); an edit that changes nothing writes nothing."""
    update_officers(changes=[(officer, values)], by=by, reason=reason)
    return Officer.objects.select_related("unit", "shift").get(pk=officer.pk)


@transaction.atomic
def set_officers_active(*, officers: Sequence[Officer], active: bool, by: Actor, reason: str = "") -> list[Officer]:
    """Activate or deactivate officers, each an audit event; those already so are left alone."""
    if not officers:
        return []
    changed = []
    pks = [officer.pk for officer in officers]
    for start in range(0, len(pks), records.BATCH_SIZE):
        locked = Officer.objects.select_for_update().filter(pk__in=pks[start : start + records.BATCH_SIZE])
        changed += [officer for officer in locked.order_by("pk") if officer.is_active != active]
    if not changed:
        return []
    for officer in changed:
        officer.is_active = active
    Officer.objects.bulk_update(changed, ["is_active"], batch_size=records.BATCH_SIZE)
    audit.record_many(
        by=by,
        events=[
            audit.PendingEvent(
                action=Action.OFFICER_ACTIVATE if active else Action.OFFICER_DEACTIVATE,
                obj=officer,
                officer=officer,
                before={"is_active": not active},
                after={"is_active": active},
                reason=reason,
            )
            for officer in changed
        ],
    )
    return changed


# --- shifts ------------------------------------------------------------------------------------


@transaction.atomic
def save_shift(*, shift: Shift, fields: Sequence[str], by: Actor) -> Shift:
    """Add a shift or edit its name and hours (the admin's form), audited. A start that moved moves
    the shift days of its officers' check-outs (assignments.shift_days): they are recounted here."""
    stored = Shift.objects.select_for_update().filter(pk=shift.pk).values_list("starts_at", flat=True).first()
    audit.save_edit(obj=shift, fields=fields, by=by)
    if stored is not None and stored != shift.starts_at:
        shift_days.recount_shift(shift)
    return shift
