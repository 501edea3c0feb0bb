"""Imports of cameras, officers, certifications, devices and vehicles: hold a parsed upload for its preview, then apply all of it or nothing.

A file of IMPORT_BACKGROUND_APPLY_MIN_ROWS rows or more is applied by a Celery task instead of the
request (100,000 rows took 29.5 s, at the edge of the worker timeout); still one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assignments import duty
from assignments import services as assignments
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from devices import records as devices
from hartford_bwc import timefmt
from hartford_bwc.enqueue import enqueue_after_commit
from hartford_bwc.errors import DomainError, InvalidInput
from inventory import services as inventory

from . import progress
from .models import ImportUpload, rows_digest
from .parsing import clean_filename, parse_upload
from .plans import CREATE, UPDATE, Plan, build_plan

log = logging.getLogger(__name__)

# Each kind's rows are written by its services, in bulk (one transaction, one append to the audit trail),
# with the import's own audit actions: (create the new rows, update the changed ones). The rows to update
# are the plan's, read with their rows locked in apply_upload's transaction.
WRITERS: dict[str, tuple[Callable[..., object], Callable[..., object]]] = {
    ImportUpload.Kind.CAMERAS: (
        lambda rows, **kw: inventory.register_cameras(cameras=rows, action=Action.CAMERA_IMPORT_CREATE, **kw),
        lambda rows, **kw: inventory.update_cameras(
            changes=rows, action=Action.CAMERA_IMPORT_UPDATE, locked=True, **kw
        ),
    ),
    ImportUpload.Kind.OFFICERS: (
        lambda rows, **kw: assignments.register_officers(officers=rows, action=Action.OFFICER_IMPORT_CREATE, **kw),
        lambda rows, **kw: assignments.update_officers(
            changes=rows, action=Action.OFFICER_IMPORT_UPDATE, locked=True, **kw
        ),
    ),
    ImportUpload.Kind.DEVICES: (
        lambda rows, **kw: devices.register_devices(devices=rows, action=Action.DEVICE_IMPORT_CREATE, **kw),
        lambda rows, **kw: devices.update_devices(changes=rows, action=Action.DEVICE_IMPORT_UPDATE, locked=True, **kw),
    ),
    ImportUpload.Kind.VEHICLES: (
        lambda rows, **kw: devices.register_vehicles(vehicles=rows, action=Action.VEHICLE_IMPORT_CREATE, **kw),
        lambda rows, **kw: devices.update_vehicles(
            changes=rows, action=Action.VEHICLE_IMPORT_UPDATE, locked=True, **kw
        ),
    ),
    ImportUpload.Kind.TRAINING: (
        lambda rows, **kw: duty.record_certifications(
            certifications=rows, action=Action.CERTIFICATION_IMPORT_CREATE, **kw
        ),
        lambda rows, **kw: duty.update_certifications(
            changes=rows, action=Action.CERTIFICATION_IMPORT_UPDATE, locked=True, **kw
        ),
    ),
}


@transaction.atomic
def create_upload(*, kind: str, filename: str, data: bytes, by: Actor, size: int | None = None) -> ImportUpload:
    """Parse the file and keep its rows for the preview; a file that cannot be read raises ImportRefused.

    The upload is audited too: who brought which file (by checksum) matters even if nobody applies it.
    """
    if kind not in ImportUpload.Kind.values:
        raise InvalidInput(
            "Choose whether the file holds cameras, officers, BWC certifications, signal devices or vehicles."
        )
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
        action=Action.IMPORT_UPLOAD,
        obj=upload,
        after={"kind": kind, "filename": upload.filename, "checksum": upload.checksum, "rows": len(parsed.rows)},
    )
    return upload


def preview(upload: ImportUpload) -> Plan:
    return build_plan(upload.kind, upload.rows)


def confirm_upload(*, upload: ImportUpload, checksum: str, plan_digest: str, by: Actor) -> Plan | None:
    """Apply a small upload now and return its plan; queue a large one and return None."""
    if len(upload.rows) < settings.IMPORT_BACKGROUND_APPLY_MIN_ROWS:
        return apply_upload(upload=upload, checksum=checksum, plan_digest=plan_digest, by=by)
    request_background_apply(upload=upload, checksum=checksum, plan_digest=plan_digest, by=by)
    return None


def _check_not_applied(upload: ImportUpload, checksum: str) -> None:
    if upload.status == ImportUpload.Status.APPLIED:
        raise DomainError(f"This import was already applied on {timefmt.moment(upload.applied_at)}.")
    if checksum != upload.checksum or not upload.rows_intact:
        raise DomainError("The file is not the one that was previewed. Upload it again and review the new preview.")


def _applying_abandoned(upload: ImportUpload) -> bool:
    """A worker that was killed leaves "applying" behind; past the task's time limit it is over."""
    limit = timedelta(seconds=settings.IMPORT_APPLY_TIME_LIMIT_SECONDS + 120)
    return upload.apply_requested_at is None or upload.apply_requested_at < timezone.now() - limit


@transaction.atomic
def request_background_apply(*, upload: ImportUpload, checksum: str, plan_digest: str, by: Actor) -> ImportUpload:
    """Mark the upload as being applied and queue the task once this is committed.

    The checks that need the whole plan (refused rows, the digest) run in the task, under its locks.
    """
    upload = ImportUpload.objects.select_for_update().get(pk=upload.pk)
    _check_not_applied(upload, checksum)
    if upload.status == ImportUpload.Status.APPLYING and not _applying_abandoned(upload):
        raise DomainError(
            f"This import is being applied since {timezone.localtime(upload.apply_requested_at):%H:%M}; "
            "this page shows its progress."
        )
    upload.status = ImportUpload.Status.APPLYING
    upload.apply_requested_at = timezone.now()
    upload.apply_requested_by = by.user
    upload.apply_error = ""
    upload.save(update_fields=["status", "apply_requested_at", "apply_requested_by", "apply_error"])
    audit.record(
        by=by,
        action=Action.IMPORT_APPLY_REQUESTED,
        obj=upload,
        after={"kind": upload.kind, "file": upload.filename, "sha256": upload.checksum, "rows": len(upload.rows)},
    )
    progress.report(upload.pk, phase="queued", done=0, total=len(upload.rows))
    from .tasks import apply_import  # the task module imports this one

    enqueue_after_commit(
        apply_import,
        upload_id=upload.pk,
        checksum=checksum,
        plan_digest=plan_digest,
        user_id=by.user.pk if by.user is not None else None,
        ip=by.ip,
        # The broker is down: say so on the page rather than leave "applying" forever.
        on_failure=partial(
            fail_background_apply,
            upload_id=upload.pk,
            message="The background worker could not be reached; nothing was imported. Confirm again in a few minutes.",
        ),
    )
    return upload


PHASES = {
    "queued": "Waiting for the background worker…",
    "checking": "Checking every row against the records…",
    "writing": "Writing rows…",
    "auditing": "Writing the audit trail…",
    "done": "Finishing…",
}


def apply_status(upload: ImportUpload) -> dict:
    """The upload's status, and while it is applied its progress: what the page's progress bar shows."""
    state = {"status": upload.status, "done": 0, "total": 0, "message": "", "error": upload.apply_error}
    if upload.status == ImportUpload.Status.APPLYING:
        seen = progress.read(upload.pk) or {}
        state.update(done=seen.get("done", 0), total=seen.get("total", 0))
        message = PHASES.get(seen.get("phase", ""), "Applying…")
        if seen.get("phase") == "writing" and seen.get("total"):
            message = f"Writing rows: {seen['done']:,} of {seen['total']:,}."
        state["message"] = message
    return state


def run_background_apply(
    *, upload_id: int, checksum: str, plan_digest: str, user_id: int | None, ip: str | None
) -> str:
    """The task's body: apply, or record on the upload why nothing was written. Safe to run twice."""
    upload = ImportUpload.objects.filter(pk=upload_id).first()
    if upload is None or upload.status != ImportUpload.Status.APPLYING:
        return "skipped"  # applied already, or a stale message
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    by = Actor.staff(user, ip=ip) if user is not None else Actor.system_process("import")

    def report(phase: str, done: int, total: int) -> None:
        progress.report(upload_id, phase=phase, done=done, total=total)

    try:
        apply_upload(
            upload=upload, checksum=checksum, plan_digest=plan_digest, by=by, on_progress=report, in_background=True
        )
    except DomainError as error:
        fail_background_apply(upload_id=upload_id, message=error.message)
        return "refused"
    except SoftTimeLimitExceeded:
        fail_background_apply(
            upload_id=upload_id,
            message=f"The import took longer than {settings.IMPORT_APPLY_TIME_LIMIT_SECONDS} s and was stopped; "
            "nothing was imported. Split the file into smaller ones.",
        )
        return "timed out"
    except Exception:
        fail_background_apply(
            upload_id=upload_id, message="The import failed unexpectedly; nothing was imported. Try again."
        )
        raise
    return "applied"


@transaction.atomic
def fail_background_apply(*, upload_id: int, message: str) -> None:
    """Back to "previewed" with the reason, so that the page says it and the import can be confirmed again."""
    upload = ImportUpload.objects.select_for_update().filter(pk=upload_id).first()
    if upload is None or upload.status != ImportUpload.Status.APPLYING:
        return
    upload.status = ImportUpload.Status.PREVIEWED
    upload.apply_error = message
    upload.save(update_fields=["status", "apply_error"])
    audit.record(
        by=Actor.system_process("import"),
        action=Action.IMPORT_APPLY_FAILED,
        obj=upload,
        before={"status": ImportUpload.Status.APPLYING},
        after={"status": upload.status, "error": message},
    )


@transaction.atomic
def apply_upload(
    *,
    upload: ImportUpload,
    checksum: str,
    plan_digest: str,
    by: Actor,
    on_progress: Callable[[str, int, int], None] | None = None,
    in_background: bool = False,
) -> Plan:
    """Create and update every row of the upload in one transaction, or refuse and write nothing.

    `checksum` is the file's SHA-256 the preview showed and `plan_digest` the digest of the preview's
    plan: if either no longer matches, the person did not see what would be applied. `on_progress`
    (phase, done, total) is called as the rows are written, for the background task's progress bar.
    """
    report = on_progress or (lambda phase, done, total: None)
    upload = ImportUpload.objects.select_for_update().get(pk=upload.pk)
    _check_not_applied(upload, checksum)
    if upload.status == ImportUpload.Status.APPLYING and not in_background:
        raise DomainError("This import is being applied in the background; this page shows its progress.")
    report("checking", 0, len(upload.rows))
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

    reason = f"Import #{upload.pk} ({upload.filename})"
    creates = [row.values for row in plan.rows if row.action == CREATE]
    updates = [
        (row.target, {name: row.values[name] for name in row.changes}) for row in plan.rows if row.action == UPDATE
    ]
    total = len(creates) + len(updates)
    register, update = WRITERS[upload.kind]
    register(creates, by=by, reason=reason, on_progress=lambda done: report("writing", done, total))
    update(updates, by=by, reason=reason, on_progress=lambda done: report("writing", len(creates) + done, total))
    report("auditing", total, total)
    upload.status = ImportUpload.Status.APPLIED
    upload.applied_at = timezone.now()
    upload.applied_by = by.user
    upload.apply_error = ""
    upload.created_count, upload.updated_count = len(creates), len(updates)
    upload.unchanged_count = plan.count("unchanged")
    upload.save(
        update_fields=[
            "status",
            "applied_at",
            "applied_by",
            "apply_error",
            "created_count",
            "updated_count",
            "unchanged_count",
        ]
    )
    audit.record(
        by=by,
        action=Action.IMPORT_APPLY,
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
    report("done", total, total)
    return plan
