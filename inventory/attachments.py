"""Photos and documents on a maintenance record (issue 14, item 20): checked, stored, audited.

A file is accepted by what its first bytes say it is (JPEG, PNG, WebP or HEIC photos, PDF documents),
never by its name or the type the browser claims: an HTML page named photo.png is refused here, and
whatever is stored is served only as the type read here (inventory.views.attachments), so no upload
can ever reach a browser as a page of this site. Bytes go through Django's default storage under a
random name in a dated folder; the name a person gave the file is kept for display only.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc import control_characters
from hartford_bwc.errors import DomainError, InvalidInput

from .models import Attachment, Camera, MaintenanceRecord

# content type -> (kind, extension of the stored name)
TYPES = {
    "image/jpeg": (Attachment.Kind.PHOTO, ".jpg"),
    "image/png": (Attachment.Kind.PHOTO, ".png"),
    "image/webp": (Attachment.Kind.PHOTO, ".webp"),
    "image/heic": (Attachment.Kind.PHOTO, ".heic"),
    "application/pdf": (Attachment.Kind.DOCUMENT, ".pdf"),
}
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
ACCEPTED = "JPEG, PNG, WebP or HEIC photos, or PDF documents"
NAME_LIMIT = 120

logger = logging.getLogger(__name__)

# The names stored inside the innermost `atomic()` block now running (None outside any).
_stored_in_block: ContextVar[list[str] | None] = ContextVar("attachments_stored_in_block", default=None)


@contextmanager
def atomic() -> Iterator[None]:
    """transaction.atomic() for work that stores attachments: every file attach() stores inside it is
    deleted again when the block rolls back, so a refused or failed change leaves no orphan bytes.

    Django offers on_commit but no on_rollback, and storage is outside the database's transaction: so the
    block itself keeps the names. Nested, a block that commits hands its names to the one around it, whose
    rollback takes them too. A service that calls attach() inside its own transaction (a kiosk return)
    opens it with this, not transaction.atomic().
    """
    stored: list[str] = []
    token = _stored_in_block.set(stored)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _delete(stored)
        raise
    finally:
        _stored_in_block.reset(token)
    enclosing = _stored_in_block.get()
    if enclosing is not None:
        enclosing.extend(stored)


def _belongs_to_transaction(name: str) -> None:
    stored = _stored_in_block.get()
    if stored is None:
        default_storage.delete(name)
        raise RuntimeError("An attachment is stored only inside attachments.atomic(), which deletes it on rollback.")
    stored.append(name)


def _delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # the rollback's own error is the one to raise; this one is only logged
            logger.exception("Could not delete %s after a rolled-back attachment", name)


def sniff(head: bytes) -> str | None:
    """The content type the file's first bytes declare, among those accepted; None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def display_name(name: str) -> str:
    """The uploaded name, safe to show: its last path part, no control characters, not too long."""
    name = control_characters.strip(name or "").replace("\\", "/")
    name = posixpath.basename(name).strip().lstrip(".")
    return name[-NAME_LIMIT:]


def _read(upload) -> bytes:
    """The whole upload, refused when empty or over ATTACHMENT_MAX_BYTES (read no further than that)."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise InvalidInput(_too_large(), code="attachment_too_large")
    upload.seek(0)
    data = upload.read(limit + 1)
    if not data:
        raise InvalidInput("That file is empty; choose the photo or document again.", code="attachment_empty")
    if len(data) > limit:
        raise InvalidInput(_too_large(), code="attachment_too_large")
    return data


def _too_large() -> str:
    return f"That file is larger than {settings.ATTACHMENT_MAX_BYTES / 1_000_000:g} MB; send a smaller photo or scan."


def _stored_name(extension: str) -> str:
    # A folder per UTC day keeps any one directory small; the name itself is random, never the uploader's.
    day = timezone.now().date()
    return f"attachments/{day.year:04d}/{day.month:02d}/{day.day:02d}/{secrets.token_hex(16)}{extension}"


def attach(*, upload, by: Actor, record: MaintenanceRecord | None = None, camera: Camera | None = None) -> Attachment:
    """Check an uploaded file and keep it on the maintenance record (`record`, or `camera`'s open one),
    with its audit event. The bytes are stored in the transaction's time: if it rolls back, here or in the
    caller's `atomic()`, they are deleted."""
    with atomic():
        return _attach(upload=upload, by=by, record=record, camera=camera)


def _attach(*, upload, by: Actor, record: MaintenanceRecord | None, camera: Camera | None) -> Attachment:
    records = MaintenanceRecord.objects.select_for_update().select_related("camera")
    if record is None:
        record = records.filter(camera=camera, closed_at__isnull=True).first()
        if record is None:
            raise DomainError(f"{camera.asset_tag} has no open maintenance record.", code="no_open_maintenance")
    else:
        record = records.get(pk=record.pk)
    if record.attachments.count() >= settings.ATTACHMENT_MAX_PER_RECORD:
        raise DomainError(
            f"This record already holds {settings.ATTACHMENT_MAX_PER_RECORD} files; that is the limit.",
            code="too_many_attachments",
        )
    data = _read(upload)
    content_type = sniff(data[:16])
    if content_type is None:
        raise InvalidInput(f"That file is not one of the kinds accepted: {ACCEPTED}.", code="attachment_type")
    kind, extension = TYPES[content_type]
    name = default_storage.save(_stored_name(extension), ContentFile(data))
    # From here the bytes belong to the transaction: its rollback (atomic() above) deletes them.
    _belongs_to_transaction(name)
    attachment = Attachment.objects.create(
        record=record,
        kind=kind,
        file=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=display_name(getattr(upload, "name", "")),
    )
    audit.record(
        by=by,
        action=Action.MAINTENANCE_ATTACH,
        obj=record,
        camera=record.camera,
        after={
            "attachment": attachment.pk,
            "kind": kind,
            "content_type": content_type,
            "size": len(data),
            "sha256": attachment.sha256,
            "name": attachment.original_name,
        },
    )
    return attachment
