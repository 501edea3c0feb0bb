"""Every state change the kiosk makes: enrollment, PIN sign-in with its lock-out, and officer actions.

Check-out and check-in themselves are assignments.services.check_out/check_in; the kiosk finds the
camera from a scanned barcode and calls them with an Actor that names the kiosk, so that every event
in the audit trail says where it happened.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from assignments import services as assignments
from assignments.models import Checkout, Officer
from audit import services as audit
from audit.actor import Actor
from audit.context import recorded_by_caller
from hartford_bwc.errors import DomainError
from hartford_bwc.timefmt import when
from inventory.models import Camera

from . import selectors
from .device import digest, new_secret
from .models import BadgeLockout, Kiosk

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
        raise DomainError("Give the kiosk a name, e.g. 'HQ front desk'.", code="name_required")
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
    audit.record(by=by, action="kiosk.register", obj=kiosk, after={"name": name, "location": location}, reason=location)
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
    audit.record(by=by, action="kiosk.enrollment_link", obj=kiosk, after={"expires_at": kiosk.enrollment_expires_at})
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
        action="kiosk.enroll",
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
    audit.record(by=by, action="kiosk.revoke", obj=kiosk, after={"revoked_at": kiosk.revoked_at}, reason=reason)
    return kiosk


# --- sign-in and lock-out -------------------------------------------------------------------------
#
# django-axes was evaluated for this and not used: its lock-out runs inside Django's authenticate()
# for AUTH_USER_MODEL users, and its limits and lock-out keys (AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME,
# AXES_LOCKOUT_PARAMETERS) are global, shared with the staff login. Officers are not Django users and
# the kiosk must lock per typed badge (never per IP: the whole queue shares one kiosk), with its own
# limits (KIOSK_LOCKOUT_FAILURES / KIOSK_LOCKOUT_MINUTES). A counter row per badge does exactly that.


def normalise_badge(badge: str) -> str:
    return (badge or "").strip().upper()[:40]


def _locked_message(until: datetime) -> str:
    return (
        f"Too many wrong PINs for this badge number. It is locked until {when(until)}; "
        "try again then, or see the desk sergeant."
    )


def _record_failure(*, kiosk: Kiosk, badge: str, officer: Officer | None, ip: str | None) -> BadgeLockout:
    """Count one wrong PIN for `badge` and lock it at the limit. Commits even though sign-in is refused."""
    now = timezone.now()
    window = timedelta(minutes=settings.KIOSK_LOCKOUT_MINUTES)
    with transaction.atomic():
        lock, _ = BadgeLockout.objects.select_for_update().get_or_create(badge=badge)
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
        audit.record(
            by=Actor.at_kiosk(kiosk, ip=ip),
            action="kiosk.badge_locked" if locked else "kiosk.sign_in_failed",
            obj=lock,
            officer=officer,
            after={"badge": badge, "failures": lock.failures, "locked_until": lock.locked_until},
        )
    return lock


def sign_in(*, kiosk: Kiosk, badge: str, pin: str, ip: str | None = None) -> Officer:
    """The officer whose badge and PIN these are, or a refusal that never says whether the badge exists."""
    badge = normalise_badge(badge)
    if not badge or not pin:
        raise DomainError("Enter your badge number and your PIN.", code="incomplete")
    now = timezone.now()
    lock = BadgeLockout.objects.filter(badge=badge).first()
    if lock is not None and lock.is_locked(now):
        raise DomainError(_locked_message(lock.locked_until), code="locked")
    officer = Officer.objects.filter(badge_number=badge).first()
    # pin_matches hashes once even for an unknown badge, so timing tells nothing either.
    if not assignments.pin_matches(officer, pin[:64]):
        lock = _record_failure(kiosk=kiosk, badge=badge, officer=officer, ip=ip)
        if lock.is_locked(now):
            raise DomainError(_locked_message(lock.locked_until), code="locked")
        left = settings.KIOSK_LOCKOUT_FAILURES - lock.failures
        raise DomainError(
            f"That badge number and PIN do not match. Check both and try again "
            f"({left} {'try' if left == 1 else 'tries'} left before this badge is locked for "
            f"{settings.KIOSK_LOCKOUT_MINUTES} minutes).",
            code="bad_credentials",
        )
    by = Actor.at_kiosk(kiosk, officer=officer, ip=ip)
    with transaction.atomic():
        if lock is not None:
            BadgeLockout.objects.filter(pk=lock.pk).delete()
        if not officer.is_active:
            audit.record(by=by, action="kiosk.sign_in_refused", obj=officer, officer=officer, reason="inactive")
        else:
            audit.record(by=by, action="kiosk.sign_in", obj=officer, officer=officer)
    if not officer.is_active:
        raise DomainError("Your kiosk access is suspended. See the quartermaster.", code="officer_inactive")
    return officer


@transaction.atomic
def record_sign_out(*, kiosk: Kiosk, officer: Officer, reason: str, ip: str | None = None) -> None:
    """Write the officer's sign-out (by hand, idle, or after a transaction) to the audit trail."""
    audit.record(
        by=Actor.at_kiosk(kiosk, officer=officer, ip=ip),
        action="kiosk.sign_out",
        obj=officer,
        officer=officer,
        reason=reason,
    )


# --- cameras ---------------------------------------------------------------------------------------


def find_camera(barcode: str) -> Camera:
    """The camera a scanned label (or its typed number, or its serial number) names."""
    code = (barcode or "").strip()[:60]
    if not code:
        raise DomainError("Scan the camera's barcode, or type the number on its label.", code="no_barcode")
    tags = {code.upper()}
    if code.isdigit():
        # Gloved hands type "412" for HPD-BWC-0412.
        tags |= {f"{settings.ASSET_TAG_PREFIX}{code}", f"{settings.ASSET_TAG_PREFIX}{code.zfill(4)}"}
    camera = Camera.objects.select_related("dock").filter(Q(asset_tag__in=tags) | Q(serial_number=code)).first()
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
    *, kiosk: Kiosk, barcode: str, condition: str, damage_description: str = "", ip: str | None = None
) -> Checkout:
    camera = find_camera(barcode)
    return assignments.check_in(
        camera=camera,
        by=Actor.at_kiosk(kiosk, ip=ip),
        condition=condition,
        damage_description=damage_description,
    )


# --- pre-shift check -------------------------------------------------------------------------------


@transaction.atomic
def record_preshift_pass(*, kiosk: Kiosk, checkout: Checkout, ip: str | None = None) -> None:
    """The officer confirmed every item of the pre-shift check: only the audit trail changes."""
    audit.record(
        by=Actor.at_kiosk(kiosk, checkout.officer, ip),
        action="checkout.preshift_passed",
        obj=checkout,
        camera=checkout.camera,
        officer=checkout.officer,
        after={"checklist": list(settings.PRESHIFT_CHECKLIST)},
    )


@dataclass(frozen=True)
class Swap:
    returned: Checkout
    replacement: KioskCheckout | None


@transaction.atomic
def swap_after_failed_check(*, kiosk: Kiosk, checkout: Checkout, failed_item: str, ip: str | None = None) -> Swap:
    """The camera failed the pre-shift check: back in as damaged, and the officer takes a charged spare."""
    officer = checkout.officer
    by = Actor.at_kiosk(kiosk, officer, ip)
    returned = assignments.check_in(
        camera=checkout.camera,
        by=by,
        condition=Checkout.Condition.DAMAGED,
        damage_description=f"Failed the pre-shift check at kiosk {kiosk.name}: {failed_item}",
    )
    for spare in selectors.ready_spares(limit=3):
        taken_from = spare.location_label
        try:
            replacement = assignments.check_out(camera=spare, officer=officer, by=by)
        except DomainError:
            continue  # taken by someone else a moment ago: try the next one
        return Swap(returned, KioskCheckout(replacement, taken_from))
    return Swap(returned, None)
