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
One query reads every officer with all five answers (EXISTS each); the flag conditions add two small ones.
"""

from __future__ import annotations

from datetime import time

from django.db.models import Exists, F, OuterRef

from assignments.models import Checkout, Officer
from devices.models import Device, DeviceKind, Vehicle
from inventory.flags.device_rules import DeviceFacts, working_vehicle_units

from ..forms import Period
from .exemptions import not_exempt

GAPS = (
    ("camera", "no camera taken"),
    ("sensor", "no working holster sensor"),
    ("weapon_broken", "signal weapon not working"),
    ("vehicle", "no working vehicle unit in the unit"),
)


def _trigger(facts: DeviceFacts, kind: str) -> Exists:
    return Exists(facts.working(Device.objects.filter(model__kind=kind, officer=OuterRef("pk"))))


def officers(period: Period, facts: DeviceFacts, exempt: list[dict]) -> list[dict]:
    """Every officer going out in the range, with what they have (one query, plus the rules' two)."""
    took_camera = Exists(
        not_exempt(
            Checkout.objects.filter(
                officer=OuterRef("pk"), checked_out_at__gte=period.since, checked_out_at__lt=period.until
            ),
            exempt,
        )
    )
    unit_vehicle = Exists(
        Vehicle.objects.filter(assigned_unit=OuterRef("unit"), in_service=True).filter(
            Exists(working_vehicle_units(facts).filter(vehicle=OuterRef("pk")))
        )
    )
    weapon_issued = Exists(
        Device.objects.filter(model__kind=DeviceKind.SIGNAL_WEAPON, officer=OuterRef("pk"), status="issued")
    )
    # Exempt throughout the range, from the exemptions already read (a few constants, where the
    # EXISTS of exemptions.exempt_throughout probed the index once per officer: 0.18 s at 25,000).
    exempt_all_range = sorted(
        {
            row["officer_id"]
            for row in exempt
            if row["starts_on"] <= period.start and (row["ends_on"] is None or row["ends_on"] >= period.end)
        }
    )
    rows = (
        Officer.objects.filter(is_active=True)
        .exclude(pk__in=exempt_all_range)
        .annotate(
            camera=took_camera,
            sensor=_trigger(facts, DeviceKind.HOLSTER_SENSOR),
            weapon=_trigger(facts, DeviceKind.SIGNAL_WEAPON),
            weapon_issued=weapon_issued,
            vehicle=unit_vehicle,
        )
        .values(
            "pk",
            "camera",
            "sensor",
            "weapon",
            "weapon_issued",
            "vehicle",
            "rank",
            "first_name",
            "last_name",
            badge=F("badge_number"),
            unit_name=F("unit__name"),
            shift_name=F("shift__name"),
            shift_starts=F("shift__starts_at"),
        )
        .order_by("last_name", "first_name", "badge_number")
    )
    result = []
    no_camera, no_sensor, weapon_broken, no_vehicle = (text for _, text in GAPS)
    for row in rows:
        # Going out: on a shift, or took a camera. Tested here, not in SQL, where Django would repeat
        # the camera EXISTS (the range's check-outs hashed twice: 0.1-0.2 s at 30,000 cameras).
        # Plain branches, no comprehension a row: this loop runs once per officer (40,000 at 30k).
        shift, camera = row.pop("shift_name"), row["camera"]
        if shift is None and not camera:
            continue
        sensor, vehicle = row["sensor"], row["vehicle"]
        row["unit"] = row.pop("unit_name") or "No unit"
        row["shift"] = shift or "No shift"
        broken = row["weapon_broken"] = row["weapon_issued"] and not row["weapon"]
        gaps = row["gaps"] = []
        if not camera:
            gaps.append(no_camera)
        if not sensor:
            gaps.append(no_sensor)
        if broken:
            gaps.append(weapon_broken)
        if not vehicle:
            gaps.append(no_vehicle)
        row["ready"] = camera and sensor and vehicle
        result.append(row)
    return result


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


def by_unit_and_shift(rows: list[dict], vehicles: dict[str | None, dict]) -> list[dict]:
    """One row per (unit, shift): officers going out and how many have each part, ready and gaps."""
    groups: dict[tuple[str, str], dict] = {}
    # Counted in a list a group (one add a row and part), turned into the group's dict at the end.
    tallies: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        key = (row["unit"], row["shift"])
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = [0] * 7
            groups[key] = {"unit": row["unit"], "shift": row["shift"], "starts": row["shift_starts"]}
        tally[0] += 1
        if row["camera"]:
            tally[1] += 1
        if row["sensor"]:
            tally[2] += 1
        if row["weapon"]:
            tally[3] += 1
        if row["vehicle"]:
            tally[4] += 1
        if row["ready"]:
            tally[5] += 1
        if row["gaps"]:
            tally[6] += 1
    for key, tally in tallies.items():
        groups[key].update(
            zip(("officers", "camera", "sensor", "weapon", "vehicle", "ready", "gaps"), tally, strict=True)
        )
    result = []

    def order(item):
        (unit, shift), group = item
        return (unit == "No unit", unit, group["starts"] is None, group["starts"] or time.min, shift)

    for (unit, _), group in sorted(groups.items(), key=order):
        fleet = vehicles.get(None if unit == "No unit" else unit, {"in_service": 0, "with_signal": 0})
        group["vehicles"] = f"{fleet['with_signal']} of {fleet['in_service']}"
        group["ready_percent"] = round(100 * group["ready"] / group["officers"], 1) if group["officers"] else 0.0
        result.append(group)
    return result


def totals(groups: list[dict]) -> dict:
    keys = ("officers", "camera", "sensor", "weapon", "vehicle", "ready", "gaps")
    total = {key: sum(group[key] for group in groups) for key in keys}
    total["ready_percent"] = round(100 * total["ready"] / total["officers"], 1) if total["officers"] else 0.0
    return total
