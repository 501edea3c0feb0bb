"""The staff dashboard at `/`: the counts a quartermaster acts on, each a link to the camera list."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from accounts import roles
from accounts.roles import role_required
from kiosk.selectors import open_alert_count

from ..selectors import dashboard as dashboard_selectors


@role_required(roles.CAN_READ)
def dashboard(request):
    data = dashboard_selectors.dashboard(max_age=settings.DASHBOARD_CACHE_SECONDS)
    counts = data.counts
    tiles = [
        # (label, count, camera list query, tone): tone marks the counts that mean work to do.
        ("Ready for the next shift", counts["ready"], "state=ready", "ok"),
        ("Checked out now", counts["checked_out"], "status=checked_out", ""),
        ("Return overdue", counts["overdue"], "state=overdue", "bad"),
        ("Not docked after return", counts["not_docked"], "state=not_docked", "warn"),
        ("Charging overdue", counts["charging_overdue"], "state=charging_overdue", "warn"),
        ("Inspection due", counts["inspection_due"], "state=inspection_due", "warn"),
        ("Inspection overdue", counts["inspection_overdue"], "state=inspection_overdue", "bad"),
        ("Maintenance awaiting triage", counts["maintenance_triage"], "state=maintenance_triage", "warn"),
        ("In maintenance in-house", counts["maintenance_in_house"], "state=maintenance_in_house", ""),
        ("At the vendor (RMA)", counts["maintenance_vendor"], "state=maintenance_vendor", ""),
        ("Lost", data.lost, "status=lost", "bad"),
    ]
    return render(
        request,
        "dashboard.html",
        {
            "data": data,
            # Kiosk alerts (sign-in paused, typed returns) wait for a supervisor on /kiosks/alerts/.
            "kiosk_alerts": open_alert_count(),
            "cache_seconds": settings.DASHBOARD_CACHE_SECONDS,
            # The rest of today's trail (sweep, kiosk sign-ins, docking) is one click away.
            "today": timezone.localdate().isoformat(),
            "tiles": [
                {"label": label, "count": n, "query": query, "tone": tone if n else ""}
                for label, n, query, tone in tiles
            ],
        },
    )
