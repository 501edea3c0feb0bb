"""Failed staff sign-ins per network address: the limit on password spraying across usernames."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AddressLoginLockout(models.Model):
    """Failed staff sign-ins from one address, whatever the usernames, and the lock they caused.

    django-axes counts per username (AXES_LOCKOUT_PARAMETERS); this catches one address trying a few
    passwords on each of many usernames. The count runs in a fixed window opened by the first failure.
    """

    address = models.GenericIPAddressField(unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["address"]

    def __str__(self) -> str:
        return f"{self.address}: {self.failures} failed sign-ins"

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())
