"""A kiosk: a station PC enrolled to let officers check cameras out and in; and its PIN lock-out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class KioskQuerySet(models.QuerySet):
    def unrevoked(self) -> KioskQuerySet:
        return self.filter(revoked_at__isnull=True)


class Kiosk(models.Model):
    """A registered kiosk. Its browser proves itself with a signed cookie holding a secret.

    Only SHA-256 hashes of the device secret and of the one-time enrollment token are stored:
    both are 256-bit random values, so a fast hash is enough (nothing to brute-force).
    """

    name = models.CharField(max_length=60, unique=True)
    location = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    secret_hash = models.CharField(max_length=64, blank=True, editable=False)
    enrollment_token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    enrollment_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = KioskQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(secret_hash="", enrollment_token_hash=""),
                name="kiosk_revoked_has_no_secrets",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.enrolled_at is not None and self.revoked_at is None and bool(self.secret_hash)

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.is_active:
            return "Enrolled"
        return "Awaiting enrollment"


class BadgeLockout(models.Model):
    """Consecutive failed PINs for one typed badge number, and the lock they caused.

    Keyed by the badge as typed, whether or not an officer has it, so that a lock never tells a
    stranger that a badge exists; per badge, so one officer's mistakes never lock the kiosk for the
    queue behind them (KioskLockout's much higher per-kiosk limit stops guessing across badges).
    """

    badge = models.CharField(max_length=40, unique=True)
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["badge"]

    def __str__(self) -> str:
        return f"badge {self.badge}: {self.failures} failures"

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class KioskLockout(models.Model):
    """Failed PINs at one kiosk across every badge, and the pause of its sign-in they caused.

    The per-badge lock stops guessing one officer's PIN; this stops one kiosk trying a few PINs on
    each of hundreds of badges. The count runs in a fixed window that opens at the first failure.
    """

    kiosk = models.OneToOneField(Kiosk, on_delete=models.PROTECT, related_name="lockout")
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"kiosk {self.kiosk_id}: {self.failures} failures"

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class KioskAlertQuerySet(models.QuerySet):
    def open(self) -> KioskAlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class KioskAlert(models.Model):
    """Something at a kiosk a supervisor must look at. Not an inventory Flag: those belong to a camera
    and are raised and resolved by the sweep; these are raised once by an event and closed by a person.
    """

    class Kind(models.TextChoices):
        SIGN_IN_LOCKED = "sign_in_locked", "Kiosk sign-in locked after many wrong PINs"
        TYPED_RETURN = "typed_return", "Camera returned by typed number, holder not signed in"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    kiosk = models.ForeignKey(Kiosk, on_delete=models.PROTECT, related_name="alerts")
    raised_at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=300)
    # A typed return: whose camera it was (they are told at their next sign-in) and which checkout.
    officer = models.ForeignKey(
        "assignments.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="kiosk_alerts"
    )
    checkout = models.ForeignKey(
        "assignments.Checkout", null=True, blank=True, on_delete=models.PROTECT, related_name="kiosk_alerts"
    )
    officer_told_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = KioskAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["acknowledged_at", "-raised_at"]),
            models.Index(fields=["officer", "officer_told_at"]),
        ]

    def __str__(self) -> str:
        # Kept as the audit event's Record: the kiosk's name, not its id ("... at 1" meant nothing).
        return f"{self.get_kind_display()} at kiosk {self.kiosk.name}"


class KioskReturn(models.Model):
    """How a kiosk return's camera code was entered: a scanner's burst of keys, or typed by hand.

    Anyone may return a camera without signing in (speed at shift change); a typed number, unlike a
    scanned label, does not show the camera was in the returner's hands, so it is kept and alerted on.
    """

    class EntryMethod(models.TextChoices):
        SCANNED = "scanned", "Scanned"
        TYPED = "typed", "Typed"

    checkout = models.OneToOneField("assignments.Checkout", on_delete=models.PROTECT, related_name="kiosk_return")
    kiosk = models.ForeignKey(Kiosk, on_delete=models.PROTECT, related_name="returns")
    entry_method = models.CharField(max_length=10, choices=EntryMethod.choices)
    holder_signed_in = models.BooleanField(default=False)
    returned_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"return of checkout {self.checkout_id} ({self.entry_method})"


class PreshiftSwap(models.Model):
    """A camera that failed the pre-shift check, and the spare the kiosk gave instead.

    One swap per check-out: the replacement can never be swapped again at the kiosk (the unique
    replacement and returned columns hold that in the database); a second failure goes to the desk.
    """

    returned = models.OneToOneField("assignments.Checkout", on_delete=models.PROTECT, related_name="swapped_into")
    replacement = models.OneToOneField(
        "assignments.Checkout", null=True, blank=True, on_delete=models.PROTECT, related_name="swapped_from"
    )
    kiosk = models.ForeignKey(Kiosk, on_delete=models.PROTECT, related_name="+")
    swapped_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"swap {self.returned_id} -> {self.replacement_id}"


def enrollment_code_live() -> Q:
    """A PIN letter's code not yet used and not replaced by a newer letter (it may still have expired)."""
    return Q(used_at__isnull=True, revoked_at__isnull=True)


class EnrollmentCodeQuerySet(models.QuerySet):
    def live(self) -> EnrollmentCodeQuerySet:
        return self.filter(enrollment_code_live())


class OfficerEnrollmentCode(models.Model):
    """The one-time code printed on an officer's PIN letter: badge + code at the kiosk, then a PIN of their own.

    Only an HMAC of the code (keyed with SECRET_KEY) is stored, so a copy of the database alone cannot
    be searched for codes. Single use; expires; a newer letter for the same officer replaces it.
    """

    officer = models.ForeignKey("assignments.Officer", on_delete=models.PROTECT, related_name="enrollment_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_kiosk = models.ForeignKey(Kiosk, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer"], condition=enrollment_code_live(), name="enrollment_code_one_live_per_officer"
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("issued_at")), name="enrollment_code_expires"),
        ]

    def __str__(self) -> str:
        return f"PIN letter code for officer {self.officer_id} issued {self.issued_at:%Y-%m-%d}"

    def is_usable(self, now=None) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > (now or timezone.now())
