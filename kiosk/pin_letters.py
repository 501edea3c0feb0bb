"""PIN letters: a one-time enrollment code per officer, printed by the quartermaster, spent at the kiosk.

An officer with no PIN (a new roster: only the demo officer has one) gets a letter with a random code.
At the kiosk they enter their badge number and the code, then choose their own PIN twice and are
signed in. The code is stored only as an HMAC, works once, expires after PIN_LETTER_CODE_DAYS, and a
newer letter replaces any older one. A wrong code counts against the badge's and the kiosk's sign-in
limits exactly as a wrong PIN does (kiosk.services); with about 59 bits a code is far harder to guess
than the PIN it leads to.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from assignments import services as assignments
from assignments.models import Officer
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.timefmt import when

from . import services as kiosk_services
from .models import Kiosk, OfficerEnrollmentCode

# No 0/O, 1/I/L or U: a code read off paper and typed with gloves has nothing to confuse.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
# One print run; the officer list's largest page is smaller.
MAX_LETTERS = 500
HMAC_SALT = "kiosk.pin_letters"


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """What the officer typed, as it was printed: case, spaces and dashes do not matter."""
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper())[:40]


def code_hash(code: str) -> str:
    return salted_hmac(HMAC_SALT, normalise_code(code)).hexdigest()


@dataclass(frozen=True)
class PinLetter:
    officer: Officer
    code: str
    expires_at: datetime


@transaction.atomic
def issue_pin_letters(*, officers: list[Officer], by: Actor) -> list[PinLetter]:
    """A new code for each officer (any older unused code stops working), all or none; audited per officer."""
    if not officers:
        raise InvalidInput("Select at least one officer to print a PIN letter for.", code="none_selected")
    if len(officers) > MAX_LETTERS:
        raise InvalidInput(f"Print at most {MAX_LETTERS} PIN letters at a time.", code="too_many")
    locked = list(Officer.objects.select_for_update().filter(pk__in=[o.pk for o in officers]).order_by("pk"))
    inactive = [o for o in locked if not o.is_active]
    if inactive:
        names = ", ".join(f"{o.display_name} (badge {o.badge_number})" for o in inactive)
        raise DomainError(
            f"No PIN letter for inactive officers: {names}. Activate them first, or leave them out.",
            code="officer_inactive",
        )
    now = timezone.now()
    expires_at = now + timedelta(days=settings.PIN_LETTER_CODE_DAYS)
    replaced = set(OfficerEnrollmentCode.objects.live().filter(officer__in=locked).values_list("officer_id", flat=True))
    OfficerEnrollmentCode.objects.live().filter(officer__in=locked).update(revoked_at=now)
    letters = [PinLetter(officer, new_code(), expires_at) for officer in sorted(locked, key=_letter_order)]
    rows = OfficerEnrollmentCode.objects.bulk_create(
        [
            OfficerEnrollmentCode(
                officer=letter.officer,
                code_hash=code_hash(letter.code),
                issued_at=now,
                issued_by=by.staff_user,
                expires_at=expires_at,
            )
            for letter in letters
        ]
    )
    audit.record_many(
        by=by,
        events=[
            audit.PendingEvent(
                Action.OFFICER_PIN_LETTER,
                row,
                None,
                row.officer,
                after={"expires_at": expires_at, "replaced_earlier_code": row.officer_id in replaced},
            )
            for row in rows
        ],
    )
    return letters


def _letter_order(officer: Officer) -> tuple[str, str, str]:
    return (officer.last_name, officer.first_name, officer.badge_number)


# --- at the kiosk -----------------------------------------------------------------------------------


def check_code(*, kiosk: Kiosk, badge: str, code: str, ip: str | None = None) -> OfficerEnrollmentCode:
    """The live code these are, for the officer to choose a PIN with; changes nothing but the failure counts."""
    badge = kiosk_services.normalise_badge(badge)
    if not badge or not normalise_code(code):
        raise InvalidInput("Enter your badge number and the enrollment code from your PIN letter.", code="incomplete")
    with transaction.atomic():
        refusal, found = _check_code_locked(kiosk=kiosk, badge=badge, code=code, ip=ip)
    if refusal is not None:
        raise refusal
    return found


def _check_code_locked(*, kiosk: Kiosk, badge: str, code: str, ip: str | None):
    now = timezone.now()
    kiosk_lock, badge_lock = kiosk_services.locked_rows(kiosk, badge)
    if kiosk_lock.is_locked(now):
        return DomainError(kiosk_services.kiosk_locked_message(kiosk_lock.locked_until), code="kiosk_locked"), None
    if badge_lock.is_locked(now):
        return DomainError(kiosk_services.locked_message(badge_lock.locked_until), code="locked"), None
    found = (
        OfficerEnrollmentCode.objects.live()
        .select_related("officer")
        .filter(officer__badge_number__upper=badge, code_hash=code_hash(code))
        .first()
    )
    if found is None:
        return _refuse_wrong_code(kiosk=kiosk, kiosk_lock=kiosk_lock, badge_lock=badge_lock, ip=ip, now=now), None
    if found.expires_at <= now:
        return DomainError(
            f"The code on this PIN letter expired on {when(found.expires_at)}. Ask the quartermaster for a new letter.",
            code="code_expired",
        ), None
    if not found.officer.is_active:
        return DomainError("Your kiosk access is suspended. See the quartermaster.", code="officer_inactive"), None
    return None, found


def _refuse_wrong_code(*, kiosk, kiosk_lock, badge_lock, ip, now) -> DomainError:
    officer = Officer.objects.filter(badge_number__upper=badge_lock.badge).first()
    by = Actor.at_kiosk(kiosk, ip=ip)
    badge_locked = kiosk_services.count_badge_failure(badge_lock, now)
    kiosk_locked = kiosk_services.count_kiosk_failure(kiosk_lock, now)
    audit.record(
        by=by,
        action=Action.KIOSK_BADGE_LOCKED if badge_locked else Action.KIOSK_ENROLLMENT_CODE_FAILED,
        obj=badge_lock,
        officer=officer,
        after={"badge": badge_lock.badge, "failures": badge_lock.failures, "locked_until": badge_lock.locked_until},
    )
    if kiosk_locked:
        kiosk_services.raise_kiosk_locked_alert(kiosk=kiosk, lock=kiosk_lock, by=by, now=now)
        return DomainError(kiosk_services.kiosk_locked_message(kiosk_lock.locked_until), code="kiosk_locked")
    if badge_locked:
        return DomainError(kiosk_services.locked_message(badge_lock.locked_until), code="locked")
    return DomainError(
        "That badge number and enrollment code do not match. Check both against your PIN letter and try again; "
        "a code works once, and only the newest letter's code works.",
        code="bad_code",
    )


@transaction.atomic
def choose_pin(
    *, kiosk: Kiosk, code_id: int, officer_id: int, pin: str, pin_again: str, ip: str | None = None
) -> Officer:
    """Spend the code checked a moment ago: the officer's PIN is set and they are signed in (audited)."""
    found = (
        OfficerEnrollmentCode.objects.select_for_update()
        .select_related("officer")
        .filter(pk=code_id, officer_id=officer_id)
        .first()
    )
    # Used or replaced since it was checked (a second kiosk, a new letter), or expired meanwhile.
    if found is None or not found.is_usable():
        raise DomainError(
            "This PIN letter's code cannot be used any more. Ask the quartermaster for a new letter.",
            code="code_spent",
        )
    if pin != pin_again:
        raise InvalidInput("The two PINs are not the same. Enter your new PIN twice.", code="pins_differ")
    officer = found.officer
    by = Actor.at_kiosk(kiosk, officer=officer, ip=ip)
    assignments.set_officer_pin(officer=officer, pin=pin, by=by)  # validates the PIN first
    found.used_at = timezone.now()
    found.used_kiosk = kiosk
    found.save(update_fields=["used_at", "used_kiosk"])
    audit.record(
        by=by, action=Action.OFFICER_PIN_LETTER_USED, obj=found, officer=officer, after={"used_at": found.used_at}
    )
    audit.record(by=by, action=Action.KIOSK_SIGN_IN, obj=officer, officer=officer, reason="with a PIN letter")
    return officer
