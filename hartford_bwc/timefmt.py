"""How times appear to people: local time, 24-hour HH:MM, with the date only when it is not today.

`when()` is the one formatter for messages and cells; templates use it as the `when` filter
(a builtin, see TEMPLATES), and otherwise the formats in hartford_bwc/formats/.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


def when(moment: datetime, *, now: datetime | None = None) -> str:
    """ "07:03" today, "Nov 30 07:03" on another day."""
    local = timezone.localtime(moment)
    today = timezone.localtime(now or timezone.now()).date()
    if local.date() == today:
        return f"{local:%H:%M}"
    return f"{local:%b} {local.day} {local:%H:%M}"


@register.filter(name="when", expects_localtime=False)
def when_filter(moment: datetime | None) -> str:
    return when(moment) if moment else ""
