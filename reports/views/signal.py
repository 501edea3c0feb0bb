"""Signal readiness: per unit and shift, who goes out with a camera and working signal triggers."""

from __future__ import annotations

from django.utils import timezone
from django_tables2.data import TableListData

from inventory.flags.device_rules import DeviceFacts

from .. import charts
from .. import tables as t
from ..selectors import exemptions, signal
from .base import ReportView, paginated, register, requested_page


@register
class SignalReadinessView(ReportView):
    slug = "signal_readiness"
    order = 9
    title = "Signal readiness"
    summary = (
        "Per unit and shift: officers going out with a camera, a working holster sensor, signal weapon and "
        "vehicle unit; the gaps by officer."
    )
    default_days = 7

    def build(self, request, form) -> dict:
        period = form.period()
        facts = DeviceFacts(today=timezone.localdate())
        exempt = exemptions.exemptions(period)
        offset, limit = requested_page(request, "gaps")
        report = signal.readiness(period, facts, exempt, offset=offset, limit=limit)
        groups = report.groups
        tables = {
            "units": paginated(t.SignalUnitTable(groups)),
            "gaps": paginated(t.SignalGapTable(TableListData(report.gaps))),
        }
        chart = charts.bar(
            "Officers going out: fully signal-ready and with a gap, by unit and shift",
            [f"{group['unit']} · {group['shift']}" for group in groups],
            {
                "Fully signal-ready": [group["ready"] for group in groups],
                "With a gap": [group["gaps"] for group in groups],
            },
            stacked=True,
            colors=(charts.GREEN, charts.AMBER),
            rotate=30,
        )
        return {
            "period": period,
            "tables": tables,
            "totals": report.totals,
            "chart": chart,
            "gap_officers": len(report.gaps),
            "exempt_officers": len({row["officer_id"] for row in exempt}),
        }
