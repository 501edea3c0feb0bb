"""Staff sign-in, one attempt at a time per username and per address, and the per-address limit.

django-axes checks a username's lock before the password is hashed and counts the failure after (in
the user_login_failed signal). Concurrent attempts all pass the check before any is counted: 12 at
once had 8 wrong passwords checked against a limit of 5. `guarded_attempt` holds a lock per username
and per address across the whole sign-in (check, hash, count), so each attempt sees every earlier one.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc.lockouts import count_failure_in_window

from .models import AddressLoginLockout

# request attribute: the locked address row while a guarded sign-in runs
GUARD = "_staff_login_guard"


def _advisory_lock(key: str) -> None:
    # Transaction-scoped: released at commit or rollback, so a crashed request never leaves it held.
    # SQLite has no row or advisory locks, and runs one writer at a time anyway.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x5354, zlib.crc32(key.encode()) - 2**31])


@contextlib.contextmanager
def guarded_attempt(*, username: str, address: str | None) -> Iterator[AddressLoginLockout | None]:
    """One transaction around a sign-in; yields the address's locked counter row (None without an address).

    Lock order, always the same so two attempts never deadlock: the username, then the address.
    """
    with transaction.atomic():
        _advisory_lock(f"staff-login-user:{username.strip().lower()}")
        row = None
        if address:
            row, _ = AddressLoginLockout.objects.select_for_update().get_or_create(address=address)
        yield row


def count_failure(*, row: AddressLoginLockout, now=None) -> bool:
    """One more failed sign-in from the row's address (row locked by guarded_attempt); True when it locks."""
    locked = count_failure_in_window(
        row,
        now=now or timezone.now(),
        limit=settings.STAFF_LOGIN_FAILURES_PER_ADDRESS,
        window=timedelta(minutes=settings.STAFF_LOGIN_ADDRESS_WINDOW_MINUTES),
        lockout=timedelta(minutes=settings.STAFF_LOGIN_ADDRESS_LOCKOUT_MINUTES),
    )
    if locked:
        audit.record(
            by=Actor(system="staff sign-in", ip=row.address),
            action=Action.STAFF_LOGIN_ADDRESS_LOCKED,
            obj=row,
            after={"address": row.address, "locked_until": row.locked_until},
            reason=f"{settings.STAFF_LOGIN_FAILURES_PER_ADDRESS} failed sign-ins within "
            f"{settings.STAFF_LOGIN_ADDRESS_WINDOW_MINUTES} minutes",
        )
    return locked


def on_login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    """user_login_failed receiver: count the failure against the address of a guarded sign-in."""
    row = getattr(request, GUARD, None) if request is not None else None
    if row is not None:
        count_failure(row=row)


def address_is_locked(address: str | None, now=None) -> bool:
    """True while `address` is locked for failed sign-ins (one query; no lock taken)."""
    if not address:
        return False
    return AddressLoginLockout.objects.filter(address=address, locked_until__gt=now or timezone.now()).exists()


def count_address_failure(*, address: str | None) -> bool:
    """One failed credential from `address` outside a guarded sign-in (an API token); True when it locks."""
    if not address:
        return False
    with transaction.atomic():
        row, _ = AddressLoginLockout.objects.select_for_update().get_or_create(address=address)
        return count_failure(row=row)
