"""How times appear in messages people read: local time, with the date only when it is not today."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def when(moment: datetime, *, now: datetime | None = None) -> str:
    local = timezone.localtime(moment)
    today = timezone.localtime(now or timezone.now()).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    return local.strftime("%b %d %H:%M").replace(" 0", " ")
