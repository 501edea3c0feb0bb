"""The background apply of a large import: one transaction, with a time limit."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(
    name="imports.apply_upload",
    # Redelivered if the worker dies mid-way: the transaction rolled back, and a second run of an
    # applied import does nothing.
    acks_late=True,
    soft_time_limit=settings.IMPORT_APPLY_TIME_LIMIT_SECONDS,
    time_limit=settings.IMPORT_APPLY_TIME_LIMIT_SECONDS + 30,
    ignore_result=True,
)
def apply_import(*, upload_id: int, checksum: str, plan_digest: str, user_id: int | None, ip: str | None) -> str:
    from .services import run_background_apply

    return run_background_apply(upload_id=upload_id, checksum=checksum, plan_digest=plan_digest, user_id=user_id, ip=ip)
