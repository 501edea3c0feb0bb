"""Overdue and compliance: where the rules on returning and docking are broken, and by whom."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tables2.data import TableListData

from hartford_bwc import timefmt

from .. import charts
from .. import tables as t
from ..selectors import compliance, counted, exemptions
from .base import ReportView, paginated, register, requested_page


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
        most = counted.range_is_most_of_history(period)  # which per-day counts both tables read
        offset, limit = requested_page(request, "officers")
        officers = compliance.by_officer(period, now, exempt, most, offset=offset, limit=limit)
        units = compliance.by_unit(period, now, exempt, most)
        kinds = compliance.flags_by_kind(period, now)
        weeks, series = compliance.flags_per_week(period)
        tables = {
            "units": t.ComplianceUnitTable(units),
            "officers": paginated(t.OffenderTable(TableListData(officers))),
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
            [timefmt.month_day(week) for week in weeks],
            series,
            stacked=True,
            rotate=30,
        )
        totals = {
            "late": sum(row["late"] for row in units),
            "overdue": sum(row["overdue"] for row in units),
            "not_docked": sum(row["not_docked"] for row in units),
            "repeat": officers.repeat,
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
