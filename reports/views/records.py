"""Officer history, camera custody and the audit log: the records a supervisor or a court asks for."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from accounts import roles
from audit.models import AuditEvent
from hartford_bwc import timefmt

from .. import charts
from .. import tables as t
from ..forms import AuditSearchForm, CustodyForm, OfficerHistoryForm, Period
from ..selectors import history
from .base import ReportView, paginated, register


def _day_labels(period: Period) -> list:
    return [period.start + timedelta(days=n) for n in range(period.days)]


@register
class OfficerHistoryView(ReportView):
    slug = "officer_history"
    order = 6
    title = "Officer history"
    summary = "Every check-out and check-in of one officer in a range."
    form_class = OfficerHistoryForm
    per_page = 50

    def build(self, request, form) -> dict:
        period = form.period()
        officer = form.cleaned_data.get("badge") if form.is_bound and form.is_valid() else None
        if officer is None:
            return {"period": period, "officer": None}
        now = timezone.now()
        per_day = history.officer_hours_per_day(officer, period, now)
        days = _day_labels(period)
        chart = charts.bar(
            "Hours with a camera, per day",
            [timefmt.month_day(day) for day in days],
            {"Hours": [t.hours(per_day.get(day)) for day in days]},
            rotate=30,
        )
        return {
            "period": period,
            "officer": officer,
            "figures": history.officer_summary(officer, period, now),
            "tables": {"checkouts": paginated(t.OfficerHistoryTable(history.officer_checkouts(officer, period)))},
            "chart": chart,
            "export_subject": officer.badge_number,
        }


@register
class CameraCustodyView(ReportView):
    slug = "camera_custody"
    order = 7
    title = "Camera custody"
    summary = "The chain of custody of one camera: who held it, when, in what condition, with its audit trail."
    form_class = CustodyForm
    default_days = 90

    def build(self, request, form) -> dict:
        period = form.period()
        camera = form.cleaned_data.get("asset_tag") if form.is_bound and form.is_valid() else None
        if camera is None:
            return {"period": period, "camera": None}
        now = timezone.now()
        events = history.camera_audit(camera, period)
        holders = history.camera_holders(camera, period, now)
        chart = charts.bar(
            "Hours held, by officer",
            [f"{row['badge']} {row['last_name']}" for row in holders],
            {"Hours": [t.hours(row["in_use"]) for row in holders]},
            horizontal=True,
            height=max(200, 40 + 28 * len(holders)),
        )
        return {
            "period": period,
            "camera": camera,
            "tables": {
                "custody": t.CustodyTable(history.camera_custody(camera, period)),
                "maintenance": t.MaintenanceHistoryTable(history.camera_maintenance(camera, period)),
                "docks": t.DockEventTable(history.camera_dock_events(camera, period)),
                "audit": t.VerifiedAuditTable(events),
            },
            "chain_ok": all(event.ok for event in events),
            "broken": [event for event in events if not event.ok],
            "event_count": len(events),
            "event_limit": history.CUSTODY_EVENT_LIMIT,
            "chart": chart,
            "export_subject": camera.asset_tag,
        }


@register
class AuditLogView(ReportView):
    slug = "audit_log"
    order = 8
    title = "Audit log"
    summary = "Search the audit trail by actor, kiosk, camera, officer, action and date."
    form_class = AuditSearchForm
    per_page = 50

    def get_form(self, request):
        return AuditSearchForm(request.GET or None)

    def build(self, request, form) -> dict:
        filters = form.filters()
        if filters.get("start") or filters.get("end"):
            period = AuditSearchForm.period_for(filters.get("start"), filters.get("end"))
        elif form.is_bound and not form.is_valid():
            period = Period.last_days(self.default_days)
        else:
            period = None
        events = history.audit_search(filters, period)
        table = paginated(t.AuditLogTable(events))
        chart = None
        if period is not None:
            per_day = history.audit_per_day(events)
            days = _day_labels(period)
            chart = charts.bar(
                "Audit events per day",
                [timefmt.month_day(day) for day in days],
                {"Events": [per_day.get(day, 0) for day in days]},
                rotate=30,
            )
        return {"period": period, "tables": {"events": table}, "chart": chart, "filters": filters}

    def export_table(self, table, name, export_format, context):
        # Exports are bounded: past the limit, narrow the search.
        bounded = t.AuditLogTable(table.data.data[: history.AUDIT_EXPORT_LIMIT])
        return super().export_table(bounded, name, export_format, context)


@method_decorator(roles.role_required(roles.CAN_READ), name="dispatch")
class AuditEventView(View):
    """One audit event in full: who, where, what changed, and its place in the hash chain."""

    def get(self, request, pk: int):
        try:
            page = history.audit_event_page(pk)
        except AuditEvent.DoesNotExist:
            raise Http404("No such audit event.") from None
        return render(request, "reports/audit_event.html", {"page": page, "event": page.event})
