"""A kiosk: a station PC enrolled to let officers check cameras out and in; and its PIN lock-out."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


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
    stranger that a badge exists; per badge and not per kiosk or IP, so one officer's mistakes
    never lock the kiosk for the queue behind them.
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
