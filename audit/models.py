"""The audit event: one row per state change, chained by a keyed hash (HMAC) so that tampering shows."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from . import attention
from .actions import Action, title


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def for_camera(self, camera) -> AuditEventQuerySet:
        return self.filter(camera=camera)


class AuditEvent(models.Model):
    class ActorKind(models.TextChoices):
        STAFF = "staff", "Staff user"
        OFFICER = "officer", "Officer at a kiosk"
        KIOSK = "kiosk", "Kiosk"
        SYSTEM = "system", "System"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor_label = models.CharField(max_length=200, help_text="Who, as shown at the time.")
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_officer = models.ForeignKey(
        "assignments.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kiosk = models.ForeignKey("kiosk.Kiosk", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    # Choices only in Django's state (no database constraint): events stored under a code since
    # retired stay as they are, and read through `action_title`.
    action = models.CharField(max_length=60, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200)
    # No index of their own: (camera, -occurred_at) and (officer, -occurred_at) below start with them.
    camera = models.ForeignKey(
        "inventory.Camera",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        db_index=False,
    )
    officer = models.ForeignKey(
        "assignments.Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        db_index=False,
    )
    before = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)  # unique: audit_event_hash_unique
    # Which payload and algorithm `hash` covers (see HASH_VERSIONS): a field added later goes into a
    # new version, so every older event still verifies as it was written.
    hash_version = models.PositiveSmallIntegerField(default=2)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # Every index is written on each event (thousands at once in a flag sweep): none that another
        # already serves. Hence no db_index/unique on the fields, whose PostgreSQL indexes come with a
        # text-pattern copy (for LIKE, which nothing asks of an action or a hash).
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_event_hash_unique")]
        indexes = [
            models.Index(fields=["action"], name="audit_event_action"),
            models.Index(fields=["camera", "-occurred_at"]),
            models.Index(fields=["officer", "-occurred_at"]),
            # One object's history (a signal device's or a vehicle's page: devices.selectors).
            models.Index(fields=["object_type", "object_id", "-occurred_at"], name="audit_event_by_object"),
            # The dashboard's "Needs attention": a few events a day out of thousands (audit.attention).
            models.Index(fields=["-occurred_at", "-id"], condition=attention.condition(), name=attention.INDEX_NAME),
        ]

    def __str__(self) -> str:
        # Shown in the admin: in the department's time, like every page.
        when = f"{timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M} " if self.occurred_at else ""
        return f"{when}{self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def action_title(self) -> str:
        """The action as a person reads it (audit.actions)."""
        return title(self.action)

    def _payload_v1(self) -> dict:
        return {
            "prev": self.prev_hash,
            "at": self.occurred_at.astimezone(UTC).isoformat(),
            "actor": [self.actor_kind, self.actor_label, self.actor_user_id, self.actor_officer_id, self.kiosk_id],
            "ip": self.ip,
            "action": self.action,
            "object": [self.object_type, str(self.object_id), self.object_repr],
            "camera": self.camera_id,
            "officer": self.officer_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
        }

    def compute_hash(self, version: int | None = None) -> str:
        """This event's hash under its version (or the one given), chained to its predecessor's.

        v1 (events written before the chain was keyed): plain SHA-256, which anyone who can write the
        table can recompute. v2: HMAC-SHA256 with AUDIT_HMAC_KEY, which lives outside the database,
        over the v1 fields plus the version itself (so an event cannot be downgraded to v1 unnoticed).
        """
        version = version or self.hash_version
        if version == 1:
            return hashlib.sha256(_canonical(self._payload_v1())).hexdigest()
        if version == 2:
            payload = {**self._payload_v1(), "v": 2}
            digest = _keyed(audit_key()).copy()  # the key's HMAC state set up once, not per event
            digest.update(_canonical(payload))
            return digest.hexdigest()
        raise ValueError(f"Unknown audit hash version {version}.")


CURRENT_HASH_VERSION = 2


def _canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder).encode()


@functools.lru_cache(maxsize=4)
def _keyed(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod=hashlib.sha256)


def audit_key() -> bytes:
    """The chain's HMAC key, from the environment via settings; never stored in the database."""
    from django.core.exceptions import ImproperlyConfigured

    key = getattr(settings, "AUDIT_HMAC_KEY", "")
    if not key:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY is not set: the audit trail cannot be signed or verified.")
    return key.encode()
