"""Readiness: for the next shift starts, cameras that will be charged vs the officers who need them.

Forecast rules (stated on the page):
- a camera is ready now when it is available and charged (`Camera.objects.ready()`);
- an available camera docked since its return finishes charging `charge_hours` (its model's) after
  it was docked;
- a camera out now comes back at its due time and then charges for `charge_hours` (overdue ones are
  not counted: nobody knows when they come back);
- an officer's personal camera serves only that officer; everyone else on the shift needs a spare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import BooleanField, Case, Count, F, FilteredRelation, Q, Value, When
from django.utils import timezone

from assignments.models import Officer, Shift, current_issue, open_checkout
from assignments.shifts import shift_window
from inventory.models import Camera, CameraModel, ready_condition

SHIFTS_AHEAD = 3


@dataclass
class ShiftStart:
    shift: Shift
    start: datetime
    end: datetime
    units: list[dict] = field(default_factory=list)
    spares_ready_now: int = 0
    spares_charging_done: int = 0
    spares_back_and_charged: int = 0

    @property
    def officers(self) -> int:
        return sum(row["officers"] for row in self.units)

    @property
    def personal_ready(self) -> int:
        return sum(row["personal_ready"] for row in self.units)

    @property
    def need_spare(self) -> int:
        return sum(row["need_spare"] for row in self.units)

    @property
    def spares_expected(self) -> int:
        return self.spares_ready_now + self.spares_charging_done + self.spares_back_and_charged

    @property
    def margin(self) -> int:
        return self.spares_expected - self.need_spare

    @property
    def shortfall(self) -> int:
        return max(0, -self.margin)

    @property
    def is_short(self) -> bool:
        return self.margin < 0

    @property
    def cameras_ready(self) -> int:
        return self.personal_ready + min(self.spares_expected, self.need_spare)


def next_shift_starts(now: datetime, count: int = SHIFTS_AHEAD) -> list[ShiftStart]:
    shifts = list(Shift.objects.all())
    today = timezone.localtime(now).date()
    starts = []
    for offset in range(count + 1):
        for shift in shifts:
            start, end = shift_window(shift, today + timedelta(days=offset))
            if start > now:
                starts.append(ShiftStart(shift=shift, start=start, end=end))
    starts.sort(key=lambda s: s.start)
    return starts[:count]


def _charged_by(prefix: str, at: datetime, models: list[CameraModel], *, due_field: str) -> tuple[Q, Q]:
    """(charging finishes by `at`, out now and back and charged by `at`) for cameras under `prefix`."""
    p = prefix
    docked_since_return = Q(**{f"{p}last_docked_at__isnull": False}) & (
        Q(**{f"{p}last_returned_at__isnull": True}) | Q(**{f"{p}last_docked_at__gte": F(f"{p}last_returned_at")})
    )
    charging, back = Q(pk__in=[]), Q(pk__in=[])
    for model in models:
        latest = at - timedelta(hours=float(model.charge_hours))
        charging |= Q(**{f"{p}model_id": model.pk, f"{p}last_docked_at__lte": latest})
        back |= Q(**{f"{p}model_id": model.pk, f"{due_field}__lte": latest})
    charging &= docked_since_return & Q(**{f"{p}status": Camera.Status.AVAILABLE})
    back &= Q(**{f"{p}status": Camera.Status.CHECKED_OUT, f"{due_field}__gt": timezone.now()})
    return charging, back


def _open_checkout(prefix: str = "") -> FilteredRelation:
    """The camera's open check-out, joined (at most one row: a unique partial index)."""
    return FilteredRelation(f"{prefix}checkouts", condition=open_checkout(f"{prefix}checkouts__"))


def readiness(now: datetime | None = None) -> list[ShiftStart]:
    now = now or timezone.now()
    starts = next_shift_starts(now)
    if not starts:
        return []
    models = list(CameraModel.objects.order_by("pk"))
    # Ready now, tested on the camera row itself: `pk IN (ready cameras)` hashed the whole ready fleet
    # once per FILTER (7 times, 18,000 cameras each at 30,000). A CASE, not the bare condition: NULL
    # readings would make the negation NULL and drop the camera from both sides.
    ready_flag = Case(
        When(ready_condition(), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    ready_now, not_ready_now = Q(ready_now_flag=True), Q(ready_now_flag=False)

    # Spares: one pass over the pool, every forecast at once.
    spare_counts = {"ready_now": Count("pk", filter=ready_now)}
    for n, start in enumerate(starts):
        charging, back = _charged_by("", start.start, models, due_field="open_out__due_back_at")
        spare_counts[f"charging_{n}"] = Count("pk", filter=charging & not_ready_now)
        spare_counts[f"back_{n}"] = Count("pk", filter=back)
    spares = (
        Camera.objects.filter(pool=Camera.Pool.SPARE, status__in=[Camera.Status.AVAILABLE, Camera.Status.CHECKED_OUT])
        .annotate(open_out=_open_checkout())
        .alias(ready_now_flag=ready_flag)
        .aggregate(**spare_counts)
    )

    # Personal cameras of the officers on those shifts, by the owner's unit: one pass.
    shift_ids = {start.shift.pk for start in starts}
    owner = "personal_issues__officer__"
    personal_counts = {}
    for n, start in enumerate(starts):
        charging, back = _charged_by("", start.start, models, due_field="open_out__due_back_at")
        on_shift = Q(**{f"{owner}shift": start.shift.pk})
        personal_counts[f"ready_now_{n}"] = Count("pk", filter=on_shift & ready_now)
        personal_counts[f"charging_done_{n}"] = Count("pk", filter=on_shift & not_ready_now & (charging | back))
    personal = {
        row["unit"]: row
        for row in Camera.objects.filter(
            current_issue("personal_issues__"),
            personal_issues__officer__is_active=True,
            personal_issues__officer__shift__in=shift_ids,
        )
        .annotate(open_out=_open_checkout())
        .alias(ready_now_flag=ready_flag)
        .values(unit=F(f"{owner}unit__name"))
        .annotate(**personal_counts)
        .order_by()
    }
    officers: dict[str, dict[int, int]] = {}
    for row in (
        Officer.objects.filter(is_active=True, shift__in=shift_ids)
        .values("unit__name", "shift")
        .annotate(n=Count("pk"))
        .order_by("unit__name")
    ):
        officers.setdefault(row["unit__name"], {})[row["shift"]] = row["n"]

    for n, start in enumerate(starts):
        start.units = []
        for unit, per_shift in officers.items():
            count = per_shift.get(start.shift.pk, 0)
            if not count:
                continue
            own = personal.get(unit, {})
            ready, charging = own.get(f"ready_now_{n}", 0), own.get(f"charging_done_{n}", 0)
            start.units.append(
                {
                    "unit": unit or "No unit",
                    "officers": count,
                    "personal_ready_now": ready,
                    "personal_charging_done": charging,
                    "personal_ready": ready + charging,
                    "need_spare": count - ready - charging,
                }
            )
        start.spares_ready_now = spares["ready_now"]
        start.spares_charging_done = spares[f"charging_{n}"]
        start.spares_back_and_charged = spares[f"back_{n}"]
        for row in start.units:
            row["short"] = start.is_short and row["need_spare"] > 0
    return starts


def charging_forecast(starts: list[ShiftStart]):
    """Cameras on the shelf still charging, soonest ready first; the table says which start each makes."""
    ready_ids = Camera.objects.ready().values("pk")
    return (
        Camera.objects.filter(status=Camera.Status.AVAILABLE, last_docked_at__isnull=False)
        .filter(Q(last_returned_at__isnull=True) | Q(last_docked_at__gte=F("last_returned_at")))
        .exclude(pk__in=ready_ids)
        .select_related("model", "dock")
        .order_by("last_docked_at", "asset_tag")
    )
