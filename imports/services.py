"""Imports of cameras and officers: hold a parsed upload for its preview, then apply all of it or nothing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from assignments.models import Officer
from audit import services as audit
from audit.actor import Actor
from audit.services import PendingEvent
from hartford_bwc.errors import DomainError
from inventory.models import Camera

from .models import ImportUpload, rows_digest
from .parsing import clean_filename, parse_upload
from .plans import CREATE, UPDATE, Plan, build_plan


@transaction.atomic
def create_upload(*, kind: str, filename: str, data: bytes, by: Actor, size: int | None = None) -> ImportUpload:
    """Parse the file and keep its rows for the preview; a file that cannot be read raises ImportRefused.

    The upload is audited too: who brought which file (by checksum) matters even if nobody applies it.
    """
    if kind not in ImportUpload.Kind.values:
        raise DomainError("Choose whether the file holds cameras or officers.")
    filename = clean_filename(filename)
    parsed = parse_upload(kind=kind, filename=filename, data=data, size=size)
    upload = ImportUpload.objects.create(
        kind=kind,
        filename=filename[:200],
        file_format=parsed.file_format,
        size_bytes=len(data),
        checksum=parsed.checksum,
        headers=parsed.headers,
        rows=parsed.rows,
        rows_digest=rows_digest(parsed.rows),
        uploaded_by=by.user,
    )
    audit.record(
        by=by,
        action="import.upload",
        obj=upload,
        after={"kind": kind, "filename": upload.filename, "checksum": upload.checksum, "rows": len(parsed.rows)},
    )
    return upload


def preview(upload: ImportUpload) -> Plan:
    return build_plan(upload.kind, upload.rows)


@transaction.atomic
def apply_upload(*, upload: ImportUpload, checksum: str, plan_digest: str, by: Actor) -> Plan:
    """Create and update every row of the upload in one transaction, or refuse and write nothing.

    `checksum` is the file's SHA-256 the preview showed and `plan_digest` the digest of the preview's
    plan: if either no longer matches, the person did not see what would be applied.
    """
    upload = ImportUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status == ImportUpload.Status.APPLIED:
        raise DomainError(f"This import was already applied on {timezone.localtime(upload.applied_at):%Y-%m-%d %H:%M}.")
    if checksum != upload.checksum or not upload.rows_intact:
        raise DomainError("The file is not the one that was previewed. Upload it again and review the new preview.")
    plan = build_plan(upload.kind, upload.rows, lock=True)
    if refused := plan.count("refused"):
        raise DomainError(
            f"{refused} row{'s are' if refused > 1 else ' is'} refused; fix the file and upload it again."
        )
    if plan.digest != plan_digest:
        raise DomainError(
            "The records changed since the preview (someone else edited them). Review the preview again, then confirm."
        )
    if not plan.can_apply:
        raise DomainError("Nothing to import: every row is already on file as it is.")

    model = Camera if upload.kind == ImportUpload.Kind.CAMERAS else Officer
    creates = [row for row in plan.rows if row.action == CREATE]
    updates = [row for row in plan.rows if row.action == UPDATE]
    try:
        with transaction.atomic():
            created = model.objects.bulk_create([model(**row.values) for row in creates], batch_size=1000)
            changed_fields = sorted({name for row in updates for name in row.changes})
            for row in updates:
                for name in row.changes:
                    setattr(row.target, name, row.values[name])
            if updates:
                model.objects.bulk_update([row.target for row in updates], changed_fields, batch_size=1000)
    except IntegrityError:
        # Another import or a person created one of these serials, tags or badges a moment ago.
        raise DomainError(
            "Another change to these records happened at the same moment; nothing was imported. Preview again."
        ) from None

    reason = f"Import #{upload.pk} ({upload.filename})"
    noun = "camera" if model is Camera else "officer"
    events = []
    for row, obj in [*zip(creates, created, strict=True), *((row, row.target) for row in updates)]:
        events.append(
            PendingEvent(
                action=f"{noun}.import_{row.action}",
                obj=obj,
                camera=obj if model is Camera else None,
                officer=obj if model is Officer else None,
                before={name: old for name, (old, _) in row.changes.items() if old is not None},
                after={name: new for name, (_, new) in row.changes.items()},
                reason=reason,
            )
        )
    upload.status = ImportUpload.Status.APPLIED
    upload.applied_at = timezone.now()
    upload.applied_by = by.user
    upload.created_count, upload.updated_count = len(creates), len(updates)
    upload.unchanged_count = plan.count("unchanged")
    upload.save(
        update_fields=["status", "applied_at", "applied_by", "created_count", "updated_count", "unchanged_count"]
    )
    events.append(
        PendingEvent(
            action="import.apply",
            obj=upload,
            after={
                "kind": upload.kind,
                "file": upload.filename,
                "sha256": upload.checksum,
                "created": upload.created_count,
                "updated": upload.updated_count,
                "unchanged": upload.unchanged_count,
            },
            reason=reason,
        )
    )
    audit.record_many(by=by, events=events)
    return plan
