"""Readiness, coverage and utilization: is there a charged camera for everyone, and how much are they used."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tables2.data import TableListData

from hartford_bwc import timefmt

from .. import charts
from .. import tables as t
from ..forms import IdleForm
from ..selectors import counted, coverage, exemptions, readiness, utilization
from .base import ReportView, paginated, register, requested_page


def local_start(start) -> str:
    # The same format as the template's summary figures: "Nov 30 07:00".
    return timefmt.day_time(start.start)


@register
class ReadinessView(ReportView):
    slug = "readiness"
    order = 1
    title = "Readiness"
    summary = "For the next three shift starts: charged cameras against the officers on the shift, by unit."

    def get_form(self, request):
        return None

    def build(self, request, form) -> dict:
        now = timezone.now()
        starts = readiness.readiness(now)
        tables = {}
        for n, start in enumerate(starts):
            tables[f"shift{n + 1}"] = t.ReadinessUnitTable(start.units)
        tables["charging"] = paginated(t.ChargingForecastTable(readiness.charging_forecast(starts), starts=starts))
        labels = [f"{s.shift.name} {local_start(s)}" for s in starts]
        chart = charts.bar(
            "Cameras ready at each shift start",
            labels,
            {
                "Officers on the shift": [s.officers for s in starts],
                "Own cameras ready": [s.personal_ready for s in starts],
                "Spares needed": [s.need_spare for s in starts],
                "Spares charged by the start": [s.spares_expected for s in starts],
                "Short (officers without a camera)": [s.shortfall for s in starts],
            },
            colors=(charts.SLATE, charts.GREEN, charts.AMBER, charts.BLUE, charts.SHORT),
            legend_at_bottom_columns=3,
        )
        shift_tables = [
            (start, tables[f"shift{n + 1}"], f"shift{n + 1}", f"{start.shift.name} shift, {local_start(start)}")
            for n, start in enumerate(starts)
        ]
        return {
            "starts": starts,
            "shift_tables": shift_tables,
            "tables": tables,
            "chart": chart,
            "min_battery": settings.MIN_CHECKOUT_BATTERY_PERCENT,
        }


@register
class CoverageView(ReportView):
    slug = "coverage"
    order = 2
    title = "Coverage"
    summary = "Officers, personal cameras, spares and the spares ratio; shifts worked without a camera."
    # Two weeks: the least over which an officer's weekly pattern means anything.
    default_days = 14

    def build(self, request, form) -> dict:
        period = form.period()
        now = timezone.now()
        exempt = exemptions.exemptions(period)
        most = counted.range_is_most_of_history(period)  # which kept counts both tables read
        offset, limit = requested_page(request, "officers")
        missed = coverage.missed_by_officer(period, now, exempt, most=most, offset=offset, limit=limit)
        units = coverage.units(period, missed, most=most)
        total = coverage.totals(units)
        pool = coverage.spares()
        pool["ratio"] = round(pool["spares"] / total["officers"], 2) if total["officers"] else None
        pool["per_officer_without"] = (
            round(pool["spares"] / total["without_personal"], 2) if total["without_personal"] else None
        )
        tables = {
            "units": t.CoverageUnitTable([*units, total]),
            "officers": paginated(t.MissedShiftsTable(TableListData(missed))),
            "exempt": paginated(t.ExemptOfficerTable(exempt)),
        }
        chart = charts.bar(
            "Active officers by unit",
            [row["unit"] for row in units],
            {
                "With a personal camera": [row["with_personal"] for row in units],
                "Without one (use a spare)": [row["without_personal"] for row in units],
            },
            colors=(charts.BLUE, charts.AMBER),
            stacked=True,
            rotate=20,
        )
        return {
            "period": period,
            "tables": tables,
            "total": total,
            "pool": pool,
            "chart": chart,
            "exempt_officers": len({row["officer_id"] for row in exempt}),
        }


@register
class UtilizationView(ReportView):
    slug = "utilization"
    order = 3
    title = "Utilization"
    summary = "Hours in use per camera and model, idle cameras, check-outs per day and per hour of day."
    form_class = IdleForm
    default_days = 7

    def build(self, request, form) -> dict:
        period = form.period()
        now = timezone.now()
        idle_days = form.idle()
        most = counted.range_is_most_of_history(period)  # which per-day counts the camera figures read
        offset, limit = requested_page(request, "cameras")
        models, cameras = utilization.models_and_cameras(period, now, most=most, offset=offset, limit=limit)
        days, hours = utilization.per_day_and_hour(period)
        total = utilization.summary(models)
        tables = {
            "models": t.ModelUtilizationTable(models),
            "cameras": paginated(t.CameraUtilizationTable(TableListData(cameras))),
            "idle": paginated(t.IdleCameraTable(utilization.idle(idle_days, now))),
            # Paginated like the cameras: 731 rows rendered took 1.5 s of the widest range's page.
            "days": paginated(t.PerDayTable(days)),
            "hours": t.PerHourTable(hours),
        }
        day_chart = charts.line(
            "Check-outs per day",
            [timefmt.month_day(row["day"]) for row in days],
            {"Check-outs": [row["checkouts"] for row in days]},
            rotate=30,
            width=560,
        )
        hour_chart = charts.bar(
            "Check-outs by hour of day (local time)",
            [f"{row['hour']:02d}" for row in hours],
            {"Check-outs": [row["checkouts"] for row in hours]},
            width=560,
        )
        model_chart = charts.bar(
            "Hours in use per camera, by model",
            [row["model"] for row in models],
            {"Hours per camera": [row["hours_per_camera"] for row in models]},
            horizontal=True,
            height=220,
        )
        return {
            "period": period,
            "idle_days": idle_days,
            "idle_caption": f"Idle cameras: available, not checked out in {idle_days} days",
            "total": total,
            "tables": tables,
            "day_chart": day_chart,
            "hour_chart": hour_chart,
            "model_chart": model_chart,
        }
