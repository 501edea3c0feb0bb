"""A kiosk: a station PC enrolled to let officers check cameras out and in."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Kiosk(models.Model):
    name = models.CharField(max_length=60, unique=True)
    location = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.enrolled_at is not None and self.revoked_at is None
