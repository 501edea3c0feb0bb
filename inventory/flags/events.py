"""The audit events of a sweep's raised and resolved flags, a camera's (inventory.Flag), an
officer's (assignments.OfficerFlag) and a device's or vehicle's (devices.DeviceFlag) alike: the same shape, linked to what the flag hangs on."""

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
    link: Literal["camera", "officer"] | None,
) -> list[audit.PendingEvent]:
    """One event per raised flag (its kind and detail) and per resolved flag (its resolution), each
    linked to the flag's `link` (its camera or its officer; None for a device's or vehicle's flag, whose
    event is on the flag alone), all at `now`."""
    links = (lambda flag: {link: getattr(flag, link)}) if link else (lambda flag: {})
    events = [
        audit.PendingEvent(
            action=raise_action,
            obj=flag,
            after={"kind": flag.kind, "detail": flag.detail},
            at=now,
            **links(flag),
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
            **links(flag),
        )
        for flag in resolved
    ]
    return events
