"""Overdue and compliance, and maintenance: where the rules are broken and the cameras break."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from .. import charts
from .. import tables as t
from ..selectors import compliance, exemptions, maintenance
from .base import ReportView, paginated, register


@register
class ComplianceView(ReportView):
    slug = "compliance"
    order = 4
    title = "Overdue and compliance"
    summary = "Late and overdue returns, cameras not docked after return, repeat offenders; flags and time to resolve."
    default_days = 7

    def build(self, request, form) -> dict:
        period = form.period()
        now = timezone.now()
        exempt = exemptions.exemptions(period)
        not_docked = compliance.not_docked_by_officer(period, now, exempt)
        officers = compliance.by_officer(period, now, not_docked, exempt)
        units = compliance.by_unit(period, now, not_docked, exempt)
        kinds = compliance.flags_by_kind(period, now)
        weeks, series = compliance.flags_per_week(period)
        tables = {
            "units": t.ComplianceUnitTable(units),
            "officers": paginated(t.OffenderTable(officers)),
            "overdue": paginated(t.OverdueNowTable(compliance.overdue_now(now))),
            "exempt": paginated(t.ExemptOfficerTable(exempt)),
            "flags": t.FlagKindTable(kinds),
        }
        unit_chart = charts.bar(
            "Late returns and cameras not docked, by unit",
            [row["unit"] for row in units],
            {
                "Late returns": [row["late"] for row in units],
                "Overdue now": [row["overdue"] for row in units],
                "Not docked after return": [row["not_docked"] for row in units],
            },
            colors=(charts.AMBER, charts.PURPLE, charts.SLATE),
            rotate=20,
        )
        flag_chart = charts.bar(
            "Flags raised per week",
            [f"{week:%b %d}" for week in weeks],
            series,
            stacked=True,
            rotate=30,
        )
        repeat = sum(1 for row in officers if row["repeat"])
        totals = {
            "late": sum(row["late"] for row in units),
            "overdue": sum(row["overdue"] for row in units),
            "not_docked": sum(row["not_docked"] for row in units),
            "repeat": repeat,
        }
        return {
            "period": period,
            "tables": tables,
            "totals": totals,
            "unit_chart": unit_chart,
            "flag_chart": flag_chart,
            "repeat_min": compliance.REPEAT_OFFENDER_MIN,
            "exempt_officers": len({row["officer_id"] for row in exempt}),
            "view_not_docked_minutes": settings.NOT_DOCKED_AFTER_RETURN_MINUTES,
        }


@register
class MaintenanceView(ReportView):
    slug = "maintenance"
    order = 5
    title = "Maintenance"
    summary = "Open and closed repairs, turnaround in-house and at the vendor, repeat failures, refresh due."
    default_days = 90

    def build(self, request, form) -> dict:
        period = form.period()
        now = timezone.now()
        routes = maintenance.repairs_by_route(period)
        batches = maintenance.failures_by_model_batch(period)
        refresh = maintenance.refresh_due(now)
        tables = {
            "routes": t.RouteTable(routes),
            "open": paginated(t.OpenRepairTable(maintenance.open_repairs())),
            "repeat": paginated(t.RepeatFailureTable(maintenance.repeat_failures(period))),
            "batches": t.ModelBatchTable(batches),
            "refresh": t.RefreshTable(refresh),
        }
        route_chart = charts.bar(
            "Average turnaround (days)",
            [row["route"] for row in routes],
            {"Average": [row["turnaround_days"] for row in routes], "Longest": [row["longest_days"] for row in routes]},
            colors=(charts.BLUE, charts.SLATE),
            width=560,
            height=340,
        )
        batch_chart = charts.bar(
            "Failures per 100 cameras, by model and purchase batch",
            [f"{row['model']} · {row['batch']}" for row in batches],
            {"Failures per 100 cameras": [row["per_100"] for row in batches]},
            horizontal=True,
            width=560,
            height=340,
        )
        dated = [row for row in refresh if "start" in row]
        refresh_chart = charts.bar(
            f"Cameras reaching their refresh date, per quarter ({settings.REFRESH_DUE_MONTHS} months)",
            [row["quarter"] for row in dated],
            {"Cameras": [row["cameras"] for row in dated]},
            rotate=30,
        )
        return {
            "period": period,
            "tables": tables,
            "open_total": sum(row["open_now"] for row in routes),
            "route_chart": route_chart,
            "batch_chart": batch_chart,
            "refresh_chart": refresh_chart,
            "repeat_min": maintenance.REPEAT_FAILURE_MIN,
            "refresh_months": settings.REFRESH_DUE_MONTHS,
        }
