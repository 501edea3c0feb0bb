"""Signal readiness: per unit and shift, the officers going out with a camera and working triggers.

What it counts (the page prints it):

- *going out*: an active officer on a shift, or one who took a camera in the range; an officer whose
  camera exemption (undercover operation, light duty, leave) covers the whole range is not going out
  and is left out, never a gap;
- *with a camera*: took a camera in the range on a day they were not exempt;
- *holster sensor*, *signal weapon*: one issued to them now that works: issued, battery not due, firmware
  not below its model's minimum (the flag sweep's own conditions, `inventory.flags.device_rules`);
- *vehicle unit*: vehicles belong to a unit, not to a shift or an officer, so an officer counts as
  covered when their unit has a vehicle in service with a working signal unit installed; the unit
  table shows how many the unit has;
- *fully signal-ready*: a camera, a working holster sensor and a vehicle unit. Not every officer carries
  a conducted-energy weapon, so having none is not a gap; one issued that does not work is.

Devices keep their holder now, not a dated history, so the triggers are as they stand today.

How it is computed: one statement (`readiness`) works out every active officer's five answers once
(EXISTS each, `per_officer_sql`, a CTE), then counts them per (unit, shift) with GROUP BY and reads
the page of the gaps table shown (ORDER BY name and badge, LIMIT/OFFSET) from the same CTE; the
totals are the groups' sums, and the gaps table's length their count of officers with a gap. Another
page, or an export (every row, a chunk at a time), reads the CTE again. The flag conditions add two
small queries, the cruisers per unit one. Nothing here loops over officers: 40,000 of them were
fetched and tallied in Python (1.2-1.6 s at 30,000 cameras).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.db import connection
from django.db.models import BooleanField, Case, Exists, F, OuterRef, When

from assignments.models import Checkout, Officer
from devices.models import Device, DeviceKind, Vehicle
from inventory.flags.device_rules import DeviceFacts, working_vehicle_units

from ..forms import Period
from .exemptions import not_exempt
from .sql import LazyRows, compiled, fetch_dicts

GAPS = (
    ("camera", "no camera taken"),
    ("sensor", "no working holster sensor"),
    ("weapon_broken", "signal weapon not working"),
    ("vehicle", "no working vehicle unit in the unit"),
)
COUNTS = ("officers", "camera", "sensor", "weapon", "vehicle", "ready", "gaps")
NO_UNIT, NO_SHIFT = "No unit", "No shift"

# Conditions on the CTE's columns (EXISTS answers: booleans on PostgreSQL, 0 or 1 on SQLite).
GOING_OUT = "(shift_name IS NOT NULL OR camera)"
READY = "(camera AND sensor AND vehicle)"
WEAPON_BROKEN = "(weapon_issued AND NOT weapon)"
HAS_GAP = f"(NOT {READY} OR {WEAPON_BROKEN})"
GAP_ORDER = "last_name, first_name, badge"  # the officers' order as before, in the database's collation


def _trigger(facts: DeviceFacts, kind: str) -> Exists:
    return Exists(facts.working(Device.objects.filter(model__kind=kind, officer=OuterRef("pk"))))


def _one(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def exempt_throughout(period: Period, exempt: list[dict]) -> list[int]:
    """Officers whose exemptions (`exemptions(period)`) include one covering the whole range."""
    # From the exemptions already read (a few constants), where the EXISTS of
    # exemptions.exempt_throughout probed the index once per officer: 0.18 s at 25,000.
    return sorted(
        {
            row["officer_id"]
            for row in exempt
            if row["starts_on"] <= period.start and (row["ends_on"] is None or row["ends_on"] >= period.end)
        }
    )


def per_officer_sql(period: Period, facts: DeviceFacts, exempt: list[dict]) -> tuple[str, tuple]:
    """SQL of every active officer not exempt throughout the range, with their five answers (EXISTS
    each): badge, rank, first_name, last_name, unit_name, shift_name, shift_starts, camera, sensor,
    weapon, weapon_issued, vehicle. Whether they go out (GOING_OUT) is left to the statement reading
    it, from the materialized rows: filtered here, the camera EXISTS would be evaluated twice."""
    taken = Checkout.objects.filter(
        officer=OuterRef("pk"), checked_out_at__gte=period.since, checked_out_at__lt=period.until
    )
    took_camera: Exists | Case = Exists(taken)
    if exempt:
        # Only an officer with an exemption in the range has check-outs to leave out: the others skip
        # the probe of the exemptions for each of their check-outs (0.1 s over 33,000 officers).
        took_camera = Case(
            When(pk__in=sorted({row["officer_id"] for row in exempt}), then=Exists(not_exempt(taken, exempt))),
            default=took_camera,
            output_field=BooleanField(),
        )
    unit_vehicle = Exists(
        Vehicle.objects.filter(assigned_unit=OuterRef("unit"), in_service=True).filter(
            Exists(working_vehicle_units(facts).filter(vehicle=OuterRef("pk")))
        )
    )
    weapon_issued = Exists(
        Device.objects.filter(model__kind=DeviceKind.SIGNAL_WEAPON, officer=OuterRef("pk"), status="issued")
    )
    return compiled(
        Officer.objects.filter(is_active=True)
        .exclude(pk__in=exempt_throughout(period, exempt))
        .annotate(
            camera=took_camera,
            sensor=_trigger(facts, DeviceKind.HOLSTER_SENSOR),
            weapon=_trigger(facts, DeviceKind.SIGNAL_WEAPON),
            weapon_issued=weapon_issued,
            vehicle=unit_vehicle,
        )
        .values(
            "rank",
            "first_name",
            "last_name",
            "camera",
            "sensor",
            "weapon",
            "weapon_issued",
            "vehicle",
            badge=F("badge_number"),
            unit_name=F("unit__name"),
            shift_name=F("shift__name"),
            shift_starts=F("shift__starts_at"),
        )
        .order_by()
    )


def _with_per_officer(inner: str) -> str:
    # Materialized: computed once for every part of the statement that reads it (PostgreSQL would
    # otherwise inline a CTE read once, and repeat the camera EXISTS in GOING_OUT).
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    return f"WITH per_officer AS {materialized}({inner})"


# One row per (unit, shift), then one per officer with a gap: the same columns, an officer's row
# read as a group of one (counts 0 or 1), plus who they are and whether their signal weapon is broken.
_GROUPS = f"""SELECT 'group' AS part, unit_name, shift_name, shift_starts, COUNT(*) AS officers,
       SUM({_one("camera")}) AS camera, SUM({_one("sensor")}) AS sensor, SUM({_one("weapon")}) AS weapon,
       SUM({_one("vehicle")}) AS vehicle, SUM({_one(READY)}) AS ready, SUM({_one(HAS_GAP)}) AS gaps,
       0 AS weapon_broken, NULL AS badge, NULL AS rank, NULL AS first_name, NULL AS last_name
FROM per_officer WHERE {GOING_OUT}
GROUP BY unit_name, shift_name, shift_starts"""
_GAP_ROWS = f"""SELECT 'gap' AS part, unit_name, shift_name, shift_starts, 1 AS officers,
       {_one("camera")} AS camera, {_one("sensor")} AS sensor, {_one("weapon")} AS weapon,
       {_one("vehicle")} AS vehicle, {_one(READY)} AS ready, 1 AS gaps, {_one(WEAPON_BROKEN)} AS weapon_broken,
       badge, rank, first_name, last_name
FROM per_officer WHERE {GOING_OUT} AND {HAS_GAP}
ORDER BY {GAP_ORDER}"""


def _starts(value) -> time | None:
    # Read with raw SQL: a time on PostgreSQL, its ISO text on SQLite.
    return time.fromisoformat(value) if isinstance(value, str) else value


def gap_row(row: dict) -> dict:
    """An officer's row of `_GAP_ROWS` as the gaps table shows it: their labels and what they lack."""
    row["unit"] = row.pop("unit_name") or NO_UNIT
    row["shift"] = row.pop("shift_name") or NO_SHIFT
    row["shift_starts"] = _starts(row["shift_starts"])
    for key in ("camera", "sensor", "weapon", "vehicle", "ready", "weapon_broken"):
        row[key] = bool(row[key])
    lacking = {"camera": not row["camera"], "sensor": not row["sensor"], "vehicle": not row["vehicle"]}
    lacking["weapon_broken"] = row["weapon_broken"]
    row["gaps"] = [text for key, text in GAPS if lacking[key]]
    for key in ("part", "officers"):
        del row[key]
    return row


class Gaps(LazyRows):
    """The officers going out with a gap, in name order, a page at a time (every row for an export)."""


@dataclass
class Readiness:
    groups: list[dict]  # per (unit, shift), in the report's order, with the unit's cruisers
    totals: dict
    gaps: Gaps


def readiness(period: Period, facts: DeviceFacts, exempt: list[dict], *, offset: int = 0, limit: int = 25) -> Readiness:
    """The report's figures: the groups per (unit, shift) and the page `offset` to `offset + limit` of
    the gaps table (the one the table will show), in one statement over the per-officer answers
    (`per_officer_sql`); the cruisers per unit in one more. `exempt` is `exemptions(period)`."""
    inner, params = per_officer_sql(period, facts, exempt)
    with_rows = _with_per_officer(inner)
    rows = fetch_dicts(
        # The outer order keeps the page's (the same columns and collation) whatever order UNION ALL
        # hands its parts back in.
        f"""{with_rows} {_GROUPS} UNION ALL SELECT * FROM ({_GAP_ROWS} LIMIT %s OFFSET %s) page
            ORDER BY part, {GAP_ORDER}""",
        [*params, limit, offset],
    )
    groups = by_unit_and_shift([row for row in rows if row["part"] == "group"], vehicles_by_unit(facts))
    total = totals(groups)
    gaps = Gaps(f"{with_rows} {_GAP_ROWS}", params, count=total["gaps"], convert=gap_row)
    gaps.prefetch(offset, limit, [gap_row(row) for row in rows if row["part"] == "gap"])
    return Readiness(groups=groups, totals=total, gaps=gaps)


def vehicles_by_unit(facts: DeviceFacts) -> dict[str | None, dict]:
    """Per unit name: vehicles in service, and of those with a working signal unit (one query)."""
    working = Exists(working_vehicle_units(facts).filter(vehicle=OuterRef("pk")))
    counts: dict[str | None, dict] = {}
    for name, has_unit in (
        Vehicle.objects.filter(in_service=True).annotate(ok=working).values_list("assigned_unit__name", "ok")
    ):
        entry = counts.setdefault(name, {"in_service": 0, "with_signal": 0})
        entry["in_service"] += 1
        entry["with_signal"] += int(has_unit)
    return counts


def _ready_percent(row: dict) -> float:
    return round(100 * row["ready"] / row["officers"], 1) if row["officers"] else 0.0


def by_unit_and_shift(counted: list[dict], vehicles: dict[str | None, dict]) -> list[dict]:
    """The groups counted in SQL (`_GROUPS`: a few dozen rows) as the table shows them: labelled,
    ordered by unit (no unit last), then shift start (no shift last), with the unit's cruisers."""
    groups = []
    for row in counted:
        group = {"unit": row["unit_name"] or NO_UNIT, "shift": row["shift_name"] or NO_SHIFT}
        group["starts"] = _starts(row["shift_starts"])
        group.update((key, int(row[key])) for key in COUNTS)  # PostgreSQL sums as numeric
        fleet = vehicles.get(row["unit_name"], {"in_service": 0, "with_signal": 0})
        group["vehicles"] = f"{fleet['with_signal']} of {fleet['in_service']}"
        group["ready_percent"] = _ready_percent(group)
        groups.append(group)

    def order(group):
        unit, starts = group["unit"], group["starts"]
        return (unit == NO_UNIT, unit, starts is None, starts or time.min, group["shift"])

    return sorted(groups, key=order)


def totals(groups: list[dict]) -> dict:
    """The whole report's counts: the groups' sums (every officer going out is in exactly one)."""
    total = {key: sum(group[key] for group in groups) for key in COUNTS}
    total["ready_percent"] = _ready_percent(total)
    return total
