"""Maintenance: where and why the cameras break, how long repairs take, and which are due for refresh."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tables2.data import TableListData

from .. import charts
from .. import tables as t
from ..selectors import maintenance
from .base import ReportView, paginated, register, requested_page


@register
class MaintenanceView(ReportView):
    slug = "maintenance"
    order = 5
    title = "Maintenance"
    summary = (
        "Open and closed repairs, turnaround in-house and at the vendor, repeat failures, repair cost "
        "with warranty repairs apart, refresh due."
    )
    default_days = 90

    def build(self, request, form) -> dict:
        period = form.period()
        now = timezone.now()
        routes = maintenance.repairs_by_route(period)
        batches = maintenance.failures_by_model_batch(period)
        refresh = maintenance.refresh_due(now)
        costs = maintenance.repair_costs_by_model_batch(period)
        cost_totals = maintenance.cost_totals(costs)
        offset, limit = requested_page(request, "repeat")
        tables = {
            "routes": t.RouteTable(routes),
            "open": paginated(t.OpenRepairTable(maintenance.open_repairs())),
            "repeat": paginated(
                t.RepeatFailureTable(TableListData(maintenance.repeat_failures(period, offset=offset, limit=limit)))
            ),
            "batches": t.ModelBatchTable(batches),
            "refresh": t.RefreshTable(refresh),
            "costs": t.RepairCostTable(costs),
            "warranty": paginated(
                t.WarrantyRepairTable(
                    TableListData(maintenance.warranty_repairs(period, count=cost_totals["warranty_repairs"]))
                )
            ),
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
            "cost_totals": cost_totals,
            "route_chart": route_chart,
            "batch_chart": batch_chart,
            "refresh_chart": refresh_chart,
            "repeat_min": maintenance.REPEAT_FAILURE_MIN,
            "refresh_months": settings.REFRESH_DUE_MONTHS,
        }
