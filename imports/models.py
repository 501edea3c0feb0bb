"""An uploaded file, parsed and held between its preview and its confirmation."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


def rows_digest(rows: list) -> str:
    """The SHA-256 of the parsed rows, so that rows changed after the preview cannot be confirmed."""
    return hashlib.sha256(json.dumps(rows, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class ImportUpload(models.Model):
    class Kind(models.TextChoices):
        CAMERAS = "cameras", "Cameras (vendor delivery)"
        OFFICERS = "officers", "Officers (HR roster)"
        TRAINING = "training", "BWC certifications (training records)"
        DEVICES = "devices", "Signal devices and accessories"
        VEHICLES = "vehicles", "Vehicles"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed, not applied"
        # A large file is applied by a Celery task; its progress is in imports.progress (the cache).
        APPLYING = "applying", "Being applied"
        APPLIED = "applied", "Applied"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=5)
    size_bytes = models.PositiveIntegerField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the uploaded file.")
    headers = models.JSONField(default=list)
    # [{"line": 2, "values": {"serial_number": "...", ...}}, ...], every value a string.
    rows = models.JSONField(default=list)
    rows_digest = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    apply_requested_at = models.DateTimeField(null=True, blank=True)
    apply_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why the last background apply wrote nothing (refused, timed out); blank once applied.
    apply_error = models.TextField(blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["previewed", "applying"], applied_at__isnull=True)
                | models.Q(status="applied", applied_at__isnull=False),
                name="import_upload_applied_at_iff_applied",
            )
        ]

    def __str__(self) -> str:
        return f"Import #{self.pk} {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("imports:preview", args=[self.pk])

    @property
    def rows_intact(self) -> bool:
        return rows_digest(self.rows) == self.rows_digest
