"""Every state change the kiosk makes: enrollment, PIN sign-in with its lock-out, and officer actions.

Check-out and check-in themselves are assignments.services.check_out/check_in; the kiosk finds the
camera from a scanned barcode and calls them with an Actor that names the kiosk, so that every event
in the audit trail says where it happened.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from assignments import services as assignments
from assignments.models import Checkout, Officer
from assignments.services import delete_badge_lock, normalise_badge
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from audit.context import recorded_by_caller
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.lockouts import count_failure_in_window
from hartford_bwc.timefmt import when
from inventory import attachments
from inventory.models import Camera, MaintenanceRecord

from . import selectors
from .device import digest, new_secret
from .models import BadgeLockout, Kiosk, KioskAlert, KioskLockout, KioskReturn, PreshiftSwap

# --- enrollment -----------------------------------------------------------------------------------


def _new_enrollment_token(kiosk: Kiosk, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    kiosk.enrollment_token_hash = digest(token)
    kiosk.enrollment_expires_at = now + timedelta(hours=settings.KIOSK_ENROLLMENT_LINK_HOURS)
    return token


@transaction.atomic
def register_kiosk(*, name: str, location: str = "", by: Actor) -> tuple[Kiosk, str]:
    """Register a kiosk; returns it and the one-time enrollment token for its browser."""
    name, location = name.strip(), location.strip()
    if not name:
        raise InvalidInput("Give the kiosk a name, e.g. 'HQ front desk'.", code="name_required")
    if Kiosk.objects.filter(name__iexact=name).exists():
        raise DomainError(f"A kiosk named {name!r} is already registered; choose another name.", code="name_taken")
    now = timezone.now()
    kiosk = Kiosk(name=name, location=location, created_at=now)
    token = _new_enrollment_token(kiosk, now)
    try:
        with transaction.atomic(), recorded_by_caller():
            kiosk.save()
    except IntegrityError:
        raise DomainError(f"A kiosk named {name!r} was just registered; choose another name.", code="name_taken")
    audit.record(
        by=by, action=Action.KIOSK_REGISTER, obj=kiosk, after={"name": name, "location": location}, reason=location
    )
    return kiosk, token


@transaction.atomic
def issue_enrollment_link(*, kiosk: Kiosk, by: Actor) -> str:
    """A new one-time link, to enroll a kiosk's browser for the first time or to replace its PC."""
    kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
    if kiosk.revoked_at is not None:
        raise DomainError(
            f"Kiosk {kiosk.name} was revoked on {when(kiosk.revoked_at)}; register a new kiosk instead.",
            code="revoked",
        )
    token = _new_enrollment_token(kiosk, timezone.now())
    with recorded_by_caller():
        kiosk.save(update_fields=["enrollment_token_hash", "enrollment_expires_at"])
    audit.record(
        by=by, action=Action.KIOSK_ENROLLMENT_LINK, obj=kiosk, after={"expires_at": kiosk.enrollment_expires_at}
    )
    return token


@transaction.atomic
def enroll_device(*, token: str, ip: str | None = None) -> tuple[Kiosk, str]:
    """Spend a one-time token: the browser that opened it becomes the kiosk. Returns the device secret."""
    invalid = DomainError(
        "This enrollment link is not valid: it was used already, it expired, or the kiosk was revoked. "
        "Ask the quartermaster for a new link.",
        code="bad_enrollment_link",
    )
    if not token:
        raise invalid
    kiosk = Kiosk.objects.select_for_update().filter(enrollment_token_hash=digest(token)).first()
    now = timezone.now()
    if kiosk is None or kiosk.revoked_at is not None or not kiosk.enrollment_expires_at:
        raise invalid
    if kiosk.enrollment_expires_at <= now:
        raise invalid
    secret = new_secret()
    replaced = bool(kiosk.secret_hash)
    kiosk.secret_hash = digest(secret)
    kiosk.enrolled_at = now
    kiosk.enrollment_token_hash, kiosk.enrollment_expires_at = "", None
    with recorded_by_caller():
        kiosk.save(update_fields=["secret_hash", "enrolled_at", "enrollment_token_hash", "enrollment_expires_at"])
    audit.record(
        by=Actor.at_kiosk(kiosk, ip=ip),
        action=Action.KIOSK_ENROLL,
        obj=kiosk,
        after={"enrolled_at": now, "replaced_previous_device": replaced},
    )
    return kiosk, secret


@transaction.atomic
def revoke_kiosk(*, kiosk: Kiosk, by: Actor, reason: str = "") -> Kiosk:
    """The kiosk's browser stops working at once; the name and its history stay."""
    kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
    if kiosk.revoked_at is not None:
        raise DomainError(f"Kiosk {kiosk.name} is already revoked (since {when(kiosk.revoked_at)}).", code="revoked")
    kiosk.revoked_at = timezone.now()
    kiosk.revoked_reason = reason.strip()[:200]
    kiosk.secret_hash = kiosk.enrollment_token_hash = ""
    kiosk.enrollment_expires_at = None
    with recorded_by_caller():
        kiosk.save(
            update_fields=[
                "revoked_at",
                "revoked_reason",
                "secret_hash",
                "enrollment_token_hash",
                "enrollment_expires_at",
            ]
        )
    audit.record(by=by, action=Action.KIOSK_REVOKE, obj=kiosk, after={"revoked_at": kiosk.revoked_at}, reason=reason)
    return kiosk


# --- sign-in and lock-out -------------------------------------------------------------------------
#
# django-axes was evaluated for this and not used: its lock-out runs inside Django's authenticate()
# for AUTH_USER_MODEL users, and its limits and lock-out keys (AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME,
# AXES_LOCKOUT_PARAMETERS) are global, shared with the staff login. Officers are not Django users and
# the kiosk must lock per typed badge (never per IP: the whole queue shares one kiosk), with its own
# limits (KIOSK_LOCKOUT_FAILURES / KIOSK_LOCKOUT_MINUTES). A counter row per badge does exactly that.


def locked_message(until: datetime) -> str:
    return (
        f"Too many wrong PINs for this badge number. It is locked until {when(until)}; "
        "try again then, or ask a supervisor or the quartermaster to unlock it."
    )


def kiosk_locked_message(until: datetime) -> str:
    # Who can help, named as everywhere else at the kiosk: the pause raised an alert for the
    # supervisors, and a quartermaster can issue a camera from the console meanwhile.
    return (
        f"Sign-in at this kiosk is paused until {when(until)} after too many wrong PINs; a supervisor has "
        "been alerted. Returns still work here; to take a camera, use another kiosk or see the quartermaster."
    )


def _no_pin_message(badge: str) -> str:
    return f"No PIN is set for badge {badge}: see the quartermaster for your PIN letter."


def count_badge_failure(lock: BadgeLockout, now: datetime) -> bool:
    """Count one wrong PIN on the locked row; True when it locks the badge."""
    window = timedelta(minutes=settings.KIOSK_LOCKOUT_MINUTES)
    # Consecutive failures: a lock that expired, or a last failure older than the lock-out
    # window, starts a fresh count (a typo a day must not add up to a lock over a week).
    if lock.locked_until is not None and lock.locked_until <= now:
        lock.locked_until, lock.failures = None, 0
    if lock.last_failure_at is not None and lock.last_failure_at <= now - window:
        lock.failures = 0
    lock.failures += 1
    lock.last_failure_at = now
    locked = lock.failures >= settings.KIOSK_LOCKOUT_FAILURES
    if locked:
        lock.locked_until, lock.failures = now + window, 0
    lock.save(update_fields=["failures", "last_failure_at", "locked_until"])
    return locked


def count_kiosk_failure(lock: KioskLockout, now: datetime) -> bool:
    """Count one wrong PIN at this kiosk (any badge) on the locked row; True when it pauses sign-in."""
    return count_failure_in_window(
        lock,
        now=now,
        limit=settings.KIOSK_SIGN_IN_FAILURES_PER_KIOSK,
        window=timedelta(minutes=settings.KIOSK_SIGN_IN_FAILURE_WINDOW_MINUTES),
        lockout=timedelta(minutes=settings.KIOSK_SIGN_IN_LOCKOUT_MINUTES),
    )


def locked_rows(kiosk: Kiosk, badge: str) -> tuple[KioskLockout, BadgeLockout]:
    """Both counter rows, locked in one order (kiosk, then badge) so two sign-ins never deadlock.

    Holding them until the PIN is checked and the outcome counted is what makes the limits exact:
    a concurrent attempt for the same badge or kiosk waits here and then sees every earlier failure.
    """
    kiosk_lock, _ = KioskLockout.objects.select_for_update().get_or_create(kiosk=kiosk)
    badge_lock, _ = BadgeLockout.objects.select_for_update().get_or_create(badge=badge)
    return kiosk_lock, badge_lock


def sign_in(*, kiosk: Kiosk, badge: str, pin: str, ip: str | None = None) -> Officer:
    """The officer whose badge and PIN these are, or a refusal that never says whether the badge exists."""
    badge = normalise_badge(badge)
    if not badge or not pin:
        raise InvalidInput("Enter your badge number and your PIN.", code="incomplete")
    # The outcome is decided and written inside the transaction; the refusal is raised after it
    # commits, so a failure is counted even though sign-in is refused.
    with transaction.atomic():
        refusal, officer = _sign_in_locked(kiosk=kiosk, badge=badge, pin=pin, ip=ip)
    if refusal is not None:
        raise refusal
    return cast(Officer, officer)  # no refusal: the badge and PIN were an officer's


def _sign_in_locked(*, kiosk: Kiosk, badge: str, pin: str, ip: str | None) -> tuple[DomainError | None, Officer | None]:
    now = timezone.now()
    kiosk_lock, badge_lock = locked_rows(kiosk, badge)
    officer = Officer.objects.filter(badge_number__upper=badge).first()  # badge is normalised
    by = Actor.at_kiosk(kiosk, ip=ip)
    if kiosk_lock.is_locked(now):
        return DomainError(kiosk_locked_message(cast(datetime, kiosk_lock.locked_until)), code="kiosk_locked"), officer
    if badge_lock.is_locked(now):
        return DomainError(locked_message(cast(datetime, badge_lock.locked_until)), code="locked"), officer
    if officer is not None and not officer.has_pin:
        return _refuse_no_pin(kiosk=kiosk, kiosk_lock=kiosk_lock, officer=officer, pin=pin, by=by, now=now), officer
    # pin_matches hashes once even for an unknown badge, so timing tells nothing either.
    if not assignments.pin_matches(officer, pin[:64]):
        return _refuse_wrong_pin(
            kiosk=kiosk, kiosk_lock=kiosk_lock, badge_lock=badge_lock, officer=officer, by=by, now=now
        ), officer
    officer = cast(Officer, officer)  # the PIN matched, so the badge is an officer's
    by = Actor.at_kiosk(kiosk, officer=officer, ip=ip)
    # The badge was seen unlocked under its row lock above, so clearing its count here can never
    # lift a lock a concurrent failure set: that failure is still waiting for the row.
    if badge_lock.failures or badge_lock.last_failure_at is not None:
        badge_lock.delete()
    if not officer.is_active:
        audit.record(by=by, action=Action.KIOSK_SIGN_IN_REFUSED, obj=officer, officer=officer, reason="inactive")
        return DomainError("Your kiosk access is suspended. See the quartermaster.", code="officer_inactive"), officer
    audit.record(by=by, action=Action.KIOSK_SIGN_IN, obj=officer, officer=officer)
    return None, officer


def _refuse_wrong_pin(
    *, kiosk: Kiosk, kiosk_lock: KioskLockout, badge_lock: BadgeLockout, officer: Officer | None, by: Actor, now
) -> DomainError:
    """Count a wrong PIN against the badge and the kiosk, and say what happens next."""
    badge_locked = count_badge_failure(badge_lock, now)
    kiosk_locked = count_kiosk_failure(kiosk_lock, now)
    audit.record(
        by=by,
        action=Action.KIOSK_BADGE_LOCKED if badge_locked else Action.KIOSK_SIGN_IN_FAILED,
        obj=badge_lock,
        officer=officer,
        after={"badge": badge_lock.badge, "failures": badge_lock.failures, "locked_until": badge_lock.locked_until},
    )
    if kiosk_locked:
        raise_kiosk_locked_alert(kiosk=kiosk, lock=kiosk_lock, by=by, now=now)
        return DomainError(kiosk_locked_message(cast(datetime, kiosk_lock.locked_until)), code="kiosk_locked")
    if badge_locked:
        return DomainError(locked_message(cast(datetime, badge_lock.locked_until)), code="locked")
    left = settings.KIOSK_LOCKOUT_FAILURES - badge_lock.failures
    return DomainError(
        f"That badge number and PIN do not match. Check both and try again "
        f"({left} {'try' if left == 1 else 'tries'} left before this badge is locked for "
        f"{settings.KIOSK_LOCKOUT_MINUTES} minutes).",
        code="bad_credentials",
    )


def _refuse_no_pin(
    *, kiosk: Kiosk, kiosk_lock: KioskLockout, officer: Officer, pin: str, by: Actor, now
) -> DomainError:
    """A known badge with no PIN yet: tell the officer where to get one, instead of "do not match".

    The trade-off, written down: this answer says that badge N exists and has no PIN, which the
    generic refusal never said. It is worth saying: a new roster's officers would otherwise retype a
    PIN they never had until their badge locks, and badge numbers are no secret (they are on the
    badge). What it gives away is little and bounded: a badge with no PIN cannot be signed into at
    all (there is nothing to guess), only an enrolled kiosk browser can ask, the hasher still runs
    once (same timing as a wrong PIN) and the attempt counts against this kiosk's sign-in limit
    (KIOSK_SIGN_IN_FAILURES_PER_KIOSK per window), exactly as the wrong PIN it used to be, so
    enumerating badges from a kiosk is no faster than guessing PINs was. It does not count against
    the badge itself: a wrong PIN it is not, and locking the badge would only delay the officer's
    enrolment with the code from their letter. Unknown badges still get the generic refusal.
    """
    assignments.pin_matches(None, pin[:64])
    kiosk_locked = count_kiosk_failure(kiosk_lock, now)
    audit.record(by=by, action=Action.KIOSK_SIGN_IN_REFUSED, obj=officer, officer=officer, reason="no PIN set")
    if kiosk_locked:
        raise_kiosk_locked_alert(kiosk=kiosk, lock=kiosk_lock, by=by, now=now)
        return DomainError(kiosk_locked_message(cast(datetime, kiosk_lock.locked_until)), code="kiosk_locked")
    return DomainError(_no_pin_message(officer.badge_number), code="no_pin")


@transaction.atomic
def unlock_badge(*, badge: str, by: Actor, reason: str = "") -> BadgeLockout:
    """Lift a badge's kiosk lock-out before it expires (a supervisor or the quartermaster, on the officer page)."""
    badge = normalise_badge(badge)
    # The same row lock sign-in takes: a wrong PIN counted concurrently is either seen here or
    # counted after the unlock, never lost into a row that is being deleted.
    lock = BadgeLockout.objects.select_for_update().filter(badge=badge).first()
    if lock is None or not lock.is_locked():
        raise DomainError(f"Badge {badge} is not locked at the kiosk; nothing was changed.", code="not_locked")
    delete_badge_lock(lock, by=by, reason=reason)
    return lock


def raise_kiosk_locked_alert(*, kiosk: Kiosk, lock: KioskLockout, by: Actor, now: datetime) -> KioskAlert:
    alert = KioskAlert.objects.create(
        kind=KioskAlert.Kind.SIGN_IN_LOCKED,
        kiosk=kiosk,
        raised_at=now,
        detail=(
            f"{settings.KIOSK_SIGN_IN_FAILURES_PER_KIOSK} wrong PINs within "
            f"{settings.KIOSK_SIGN_IN_FAILURE_WINDOW_MINUTES} minutes at kiosk {kiosk.name}: "
            f"sign-in paused until {when(cast(datetime, lock.locked_until))}."
        ),
    )
    audit.record(by=by, action=Action.KIOSK_SIGN_IN_LOCKED, obj=kiosk, after={"locked_until": lock.locked_until})
    audit.record(by=by, action=Action.KIOSK_ALERT_RAISE, obj=alert, after={"kind": alert.kind, "detail": alert.detail})
    return alert


@transaction.atomic
def record_sign_out(*, kiosk: Kiosk, officer: Officer, reason: str, ip: str | None = None) -> None:
    """Write the officer's sign-out (by hand, idle, or after a transaction) to the audit trail."""
    audit.record(
        by=Actor.at_kiosk(kiosk, officer=officer, ip=ip),
        action=Action.KIOSK_SIGN_OUT,
        obj=officer,
        officer=officer,
        reason=reason,
    )


# --- cameras ---------------------------------------------------------------------------------------


def is_asset_tag(code: str) -> bool:
    """True when a scan or entry is a camera's asset tag (it starts with ASSET_TAG_PREFIX).

    A camera label scanned into the sign-in screen's badge field is a return, not a badge: returns
    need no sign-in, and no badge number carries the prefix.
    """
    prefix = settings.ASSET_TAG_PREFIX.strip().upper()
    return bool(prefix) and (code or "").strip().upper().startswith(prefix)


def find_camera(barcode: str) -> Camera:
    """The camera a scanned label (or its typed number, or its serial number) names."""
    code = (barcode or "").strip()[:60]
    if not code:
        raise InvalidInput("Scan the camera's barcode, or type the number on its label.", code="no_barcode")
    tags = {code.upper()}
    if code.isdigit():
        # Gloved hands type "412" for HPD-BWC-0412.
        prefix = settings.ASSET_TAG_PREFIX.upper()
        tags |= {f"{prefix}{code}", f"{prefix}{code.zfill(4)}"}
    # Any case, through the UPPER indexes (hartford_bwc.anycase): a scanner may send the label in lower case.
    camera = (
        Camera.objects.select_related("dock")
        .filter(Q(asset_tag__upper__in=tags) | Q(serial_number__upper=code.upper()))
        .first()
    )
    if camera is None:
        raise DomainError(
            f"No camera has the barcode “{code}”. Scan the label again; if it still fails, "
            "hand the camera to the quartermaster.",
            code="unknown_camera",
        )
    return camera


@dataclass(frozen=True)
class KioskCheckout:
    checkout: Checkout
    taken_from: str


def check_out_at_kiosk(*, kiosk: Kiosk, officer: Officer, barcode: str, ip: str | None = None) -> KioskCheckout:
    camera = find_camera(barcode)
    taken_from = camera.location_label  # check_out takes it off the dock; say where it was
    checkout = assignments.check_out(camera=camera, officer=officer, by=Actor.at_kiosk(kiosk, officer, ip))
    return KioskCheckout(checkout, taken_from)


def camera_to_return(*, barcode: str) -> Checkout:
    """The open checkout of the scanned camera; changes nothing."""
    camera = find_camera(barcode)
    checkout = Checkout.objects.open().filter(camera=camera).first()
    if checkout is None:
        raise DomainError(
            f"{camera.asset_tag} is not checked out, so there is nothing to return and nothing was changed. "
            "If you just returned it, put it in a dock; otherwise hand it to the quartermaster.",
            code="not_checked_out",
        )
    checkout.camera = camera
    return checkout


def check_in_at_kiosk(
    *,
    kiosk: Kiosk,
    barcode: str,
    condition: str,
    damage_description: str = "",
    entry_method: str = KioskReturn.EntryMethod.TYPED,
    signed_in_officer: Officer | None = None,
    ip: str | None = None,
    photo=None,
) -> Checkout:
    """Check the camera in, and keep how its code was entered; a damaged return may carry a `photo`
    (an uploaded file), kept on the repair record it opens, or the whole return is refused.

    A code that was not scanned does not show the camera was at the kiosk: unless its holder is the
    officer signed in, the supervisor gets an alert and the holder is told at their next sign-in.
    Anything but a recognised "scanned" counts as typed (no JavaScript, or a forged field, proves nothing).
    """
    camera = find_camera(barcode)
    if entry_method != KioskReturn.EntryMethod.SCANNED:
        entry_method = KioskReturn.EntryMethod.TYPED
    by = Actor.at_kiosk(kiosk, ip=ip)
    # attachments.atomic(): a photo stored below is deleted again if anything after it rolls the return back.
    with attachments.atomic():
        checkout = assignments.check_in(
            camera=camera, by=by, condition=condition, damage_description=damage_description
        )
        if photo is not None and checkout.condition == Checkout.Condition.DAMAGED:
            attachments.attach(record=MaintenanceRecord.objects.open().get(camera=camera), upload=photo, by=by)
        holder_signed_in = signed_in_officer is not None and signed_in_officer.pk == checkout.officer_id
        record = KioskReturn.objects.create(
            checkout=checkout,
            kiosk=kiosk,
            entry_method=entry_method,
            holder_signed_in=holder_signed_in,
            returned_at=cast(datetime, checkout.checked_in_at),
        )
        events = [
            audit.PendingEvent(
                Action.KIOSK_RETURN_ENTRY,
                record,
                camera,
                checkout.officer,
                after={"entry_method": entry_method, "holder_signed_in": holder_signed_in},
            )
        ]
        if entry_method == KioskReturn.EntryMethod.TYPED and not holder_signed_in:
            alert = KioskAlert.objects.create(
                kind=KioskAlert.Kind.TYPED_RETURN,
                kiosk=kiosk,
                officer=checkout.officer,
                checkout=checkout,
                raised_at=cast(datetime, checkout.checked_in_at),
                detail=(
                    f"{camera.asset_tag} was returned at kiosk {kiosk.name} by typing its number, "
                    f"without its holder signing in ({checkout.get_condition_display().lower()})."
                ),
            )
            events.append(
                audit.PendingEvent(
                    Action.KIOSK_ALERT_RAISE,
                    alert,
                    camera,
                    checkout.officer,
                    after={"kind": alert.kind, "detail": alert.detail},
                )
            )
        audit.record_many(by=by, events=events)
    return checkout


def tell_officer_of_alerts(*, kiosk: Kiosk, officer: Officer, ip: str | None = None) -> list[str]:
    """Returns of the officer's cameras typed in by someone else, not yet shown to them; now marked shown."""
    # One plain read at every sign-in; a transaction only when there is something to tell.
    alerts = list(KioskAlert.objects.filter(officer=officer, officer_told_at__isnull=True).order_by("raised_at"))
    if not alerts:
        return []
    now = timezone.now()
    with transaction.atomic():
        # Only the rows still untold: a second sign-in of the same officer at the same moment tells nothing twice.
        told = KioskAlert.objects.filter(pk__in=[a.pk for a in alerts], officer_told_at__isnull=True)
        ids = set(told.values_list("pk", flat=True).select_for_update())
        KioskAlert.objects.filter(pk__in=ids).update(officer_told_at=now)
        alerts = [a for a in alerts if a.pk in ids]
        audit.record_many(
            by=Actor.at_kiosk(kiosk, officer=officer, ip=ip),
            events=[
                audit.PendingEvent(Action.KIOSK_ALERT_OFFICER_TOLD, a, None, officer, {}, {"officer_told_at": now}, "")
                for a in alerts
            ],
        )
    return [f"{a.detail} Raised {when(a.raised_at)}. If it was not you, tell your supervisor." for a in alerts]


@transaction.atomic
def acknowledge_alert(*, alert: KioskAlert, by: Actor) -> KioskAlert:
    """A supervisor has looked at the alert."""
    alert = KioskAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise DomainError(f"This alert was already acknowledged on {when(alert.acknowledged_at)}.", code="acknowledged")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = by.staff_user
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record(
        by=by, action=Action.KIOSK_ALERT_ACKNOWLEDGE, obj=alert, after={"acknowledged_at": alert.acknowledged_at}
    )
    return alert


# --- pre-shift check -------------------------------------------------------------------------------


@transaction.atomic
def record_preshift_pass(*, kiosk: Kiosk, checkout: Checkout, ip: str | None = None) -> None:
    """The officer confirmed every item of the pre-shift check: only the audit trail changes."""
    audit.record(
        by=Actor.at_kiosk(kiosk, checkout.officer, ip),
        action=Action.CHECKOUT_PRESHIFT_PASSED,
        obj=checkout,
        camera=checkout.camera,
        officer=checkout.officer,
        after={"checklist": list(settings.PRESHIFT_CHECKLIST)},
    )


@dataclass(frozen=True)
class Swap:
    returned: Checkout
    replacement: KioskCheckout | None


SECOND_FAILURE = (
    "{tag} is your second camera to fail the pre-shift check. Keep it and take it to the quartermaster, "
    "who will check it and issue you a camera (or to your supervisor when the quartermaster is not in): "
    "the kiosk swaps only once per check-out."
)


def swap_after_failed_check(*, kiosk: Kiosk, checkout: Checkout, failed_item: str, ip: str | None = None) -> Swap:
    """The camera failed the pre-shift check: back in as damaged, and the officer takes a charged spare.

    Once per check-out: a replacement that fails too is refused here (the officer goes to the desk),
    so one sign-in cannot take the spare pool out of service.
    """
    with transaction.atomic():
        refusal, swap = _swap_locked(kiosk=kiosk, checkout=checkout, failed_item=failed_item, ip=ip)
    if refusal is not None:
        raise refusal
    return swap


def _swap_locked(*, kiosk: Kiosk, checkout: Checkout, failed_item: str, ip: str | None):
    # The checkout row first: two swaps posted at once for it queue here, and the second then finds
    # it closed (or already swapped) instead of taking a second spare.
    checkout = Checkout.objects.select_for_update().select_related("camera", "officer").get(pk=checkout.pk)
    officer = checkout.officer
    by = Actor.at_kiosk(kiosk, officer, ip)
    if checkout.checked_in_at is not None or PreshiftSwap.objects.filter(returned=checkout).exists():
        return DomainError(
            f"{checkout.camera.asset_tag} was already returned; nothing was changed.", code="already_swapped"
        ), None
    if PreshiftSwap.objects.filter(replacement=checkout).exists():
        audit.record(
            by=by,
            action=Action.CHECKOUT_PRESHIFT_FAILED,
            obj=checkout,
            camera=checkout.camera,
            officer=officer,
            after={"failed_item": failed_item, "swapped": False},
            reason="second failure after a swap: sent to the desk",
        )
        return DomainError(SECOND_FAILURE.format(tag=checkout.camera.asset_tag), code="second_failure"), None
    returned = assignments.check_in(
        camera=checkout.camera,
        by=by,
        condition=Checkout.Condition.DAMAGED,
        damage_description=f"Failed the pre-shift check at kiosk {kiosk.name}: {failed_item}",
    )
    swap = PreshiftSwap.objects.create(returned=returned, kiosk=kiosk)
    result = Swap(returned, None)
    for spare in selectors.ready_spares(limit=3):
        taken_from = spare.location_label
        try:
            with transaction.atomic():
                replacement = assignments.check_out(camera=spare, officer=officer, by=by)
        except DomainError:
            continue  # taken by someone else a moment ago: try the next one
        swap.replacement = replacement
        swap.save(update_fields=["replacement"])
        result = Swap(returned, KioskCheckout(replacement, taken_from))
        break
    audit.record(
        by=by,
        action=Action.KIOSK_PRESHIFT_SWAP,
        obj=swap,
        camera=checkout.camera,
        officer=officer,
        after={"returned": returned.pk, "replacement": swap.replacement_id},
    )
    return None, result
