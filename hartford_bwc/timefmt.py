"""How times appear in messages people read: local time, with the date only when it is not today."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def when(moment: datetime, *, now: datetime | None = None) -> str:
    local = timezone.localtime(moment)
    today = timezone.localtime(now or timezone.now()).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    # Drop the day's leading zero only ("May 1 06:58"), not the hour's.
    return local.strftime("%b %d %H:%M").replace(" 0", " ", 1)
