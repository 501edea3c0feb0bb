"""The audit events of a sweep's raised and resolved flags, a camera's (inventory.Flag) and an
officer's (assignments.OfficerFlag) alike: the same shape, linked to what the flag hangs on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from django.db.models import Model

from audit import services as audit
from audit.actions import Action


def flag_events(
    raised: Sequence[Model],
    resolved: Sequence[Model],
    *,
    now: datetime,
    raise_action: Action,
    resolve_action: Action,
    link: Literal["camera", "officer"],
) -> list[audit.PendingEvent]:
    """One event per raised flag (its kind and detail) and per resolved flag (its resolution), each
    linked to the flag's `link` (its camera or its officer), all at `now`."""
    events = [
        audit.PendingEvent(
            action=raise_action,
            obj=flag,
            after={"kind": flag.kind, "detail": flag.detail},
            at=now,
            **{link: getattr(flag, link)},
        )
        for flag in raised
    ]
    events += [
        audit.PendingEvent(
            action=resolve_action,
            obj=flag,
            before={"kind": flag.kind, "open": True},
            after={"kind": flag.kind, "open": False, "resolution": flag.resolution},
            reason=flag.resolution,
            at=now,
            **{link: getattr(flag, link)},
        )
        for flag in resolved
    ]
    return events
