"""Celery tasks for the camera's physical life: the flag sweep, the shift digest and the new flags' emails
(the overdue officer and their supervisor; staff who chose to hear at once).

The sweep and the digest take no arguments: each reads the fleet as it is when it runs, so a message
that waited in the broker cannot carry a stale view. Both are safe to run twice (the sweep is
idempotent; beat's `expires` drops a digest that waited an hour). The overdue emails take flag ids
only and re-read the rows.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from . import counts
from .flags.notify import notify_new_flags, send_shift_digest
from .flags.sweep import run_sweep

# A database restart or failover: try again shortly, backing off, rather than wait for beat.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY = {
    "autoretry_for": DATABASE_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(
    name="inventory.sweep_flags",
    acks_late=True,
    soft_time_limit=settings.FLAG_SWEEP_TIME_LIMIT_SECONDS,
    time_limit=settings.FLAG_SWEEP_TIME_LIMIT_SECONDS + 30,
    ignore_result=True,
    **RETRY,
)
def sweep_flags() -> dict:
    """Raise and resolve flags across the fleet (the same code as `manage.py sweep_flags`), then fold
    the camera counts' rows into one a key (inventory.counts), so the dashboard sums few."""
    report = run_sweep().as_dict()
    with transaction.atomic():
        counts.recount()
    return report


@shared_task(
    name="inventory.send_shift_digest",
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
    ignore_result=True,
    **RETRY,
)
def shift_digest() -> int:
    """Email the quartermasters what is wrong and what is ready at this shift change."""
    return send_shift_digest()


@shared_task(name="inventory.email_new_flags", soft_time_limit=120, time_limit=150, ignore_result=True, **RETRY)
def email_new_flags(flag_ids: list[int]) -> int:
    """Email the people who should hear of the flags the sweep just raised, once per flag.

    Queued by the sweep after it commits, with the flags' ids. Not `acks_late`: a worker lost
    mid-send costs an email rather than a second copy. A database error retries, which is safe: the
    flags are claimed in the same transaction that reads them, and the emails go only after it commits.
    """
    return notify_new_flags(flag_ids)


@shared_task(
    name="inventory.email_overdue_supervisors", soft_time_limit=120, time_limit=150, ignore_result=True, **RETRY
)
def email_overdue_supervisors(flag_ids: list[int]) -> int:
    """The task's name before email_new_flags: a message queued under it before the upgrade still runs."""
    return notify_new_flags(flag_ids)
