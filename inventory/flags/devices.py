"""The signal devices' part of the flag sweep (devices.DeviceFlag), in the sweep's transaction and under
its lock, set-based like the camera rules: the conditions are one UNION ALL (battery due, firmware
below minimum, vehicle without a working signal unit: `device_rules`), the open flags one query, and
"out of service with no replacement issued" a few more, whatever the size of the fleet; then one bulk
INSERT, one bulk UPDATE, and the audit events go into the sweep's single INSERT.

Out of service with no replacement: a trigger (holster sensor, signal weapon, vehicle unit) lost, in
maintenance, or retired within DEVICE_RETIRED_REPLACEMENT_DAYS, whose last holder has no other trigger
of the same kind issued. A device out of service is issued to nobody (the database holds it to that),
so its last holder comes from its history: the latest of its issue, install and return events in the
audit trail (an issue event names the officer; an install event's `after` names the vehicle, by
`vehicle_id` or by `vehicle` unit number). A return to stock after the issue means no holder. An
officer no longer active, or a vehicle out of service, needs no replacement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast

from assignments.models import Officer
from audit import services as audit
from audit.actions import Action
from audit.models import AuditEvent
from devices.lifecycle import ISSUED_STATUS, DeviceStatus
from devices.models import Device, DeviceFlag, DeviceKind, Vehicle
from hartford_bwc import timefmt
from hartford_bwc.bulk_insert import insert_all
from hartford_bwc.timefmt import when

from .device_rules import (
    DeviceFacts,
    battery_due,
    battery_due_on,
    firmware_low,
    not_seen,
    vehicles_without_signal,
)
from .events import flag_events

Kind = DeviceFlag.Kind
DEVICE_OBJECT = Device._meta.label
HOLDER_ACTIONS = (Action.DEVICE_ISSUE, Action.DEVICE_INSTALL, Action.DEVICE_RETURN)
KIND_LABELS = dict(DeviceKind.choices)
STATUS_LABELS = dict(DeviceStatus.choices)


@dataclass
class DeviceSweep:
    raised: list[DeviceFlag] = field(default_factory=list)
    resolved: list[DeviceFlag] = field(default_factory=list)
    open_before: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Kind.values, 0))


# --- out of service, no replacement ------------------------------------------------------------


@dataclass
class OutOfService:
    """What the out-of-service rule found: the flags it wants (device id -> detail) and, for the
    devices it looked at and does not flag, why (a flag on them resolves with that reason)."""

    flagged: dict[int, str] = field(default_factory=dict)
    cleared: dict[int, str] = field(default_factory=dict)


def _pk_text() -> Cast:
    return Cast(OuterRef("pk"), output_field=CharField())


def out_of_service_triggers(now: datetime) -> QuerySet[Device]:
    """Triggers lost or in maintenance, or retired within DEVICE_RETIRED_REPLACEMENT_DAYS."""
    since = now - timedelta(days=settings.DEVICE_RETIRED_REPLACEMENT_DAYS)
    retired_recently = Exists(
        AuditEvent.objects.filter(
            object_type=DEVICE_OBJECT, object_id=_pk_text(), action=Action.DEVICE_RETIRE, occurred_at__gte=since
        )
    )
    out = (
        Q(status__in=[DeviceStatus.LOST, DeviceStatus.IN_MAINTENANCE])
        | Q(status=DeviceStatus.RETIRED) & retired_recently
    )
    return Device.objects.triggers().order_by().filter(out)


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class HolderRef:
    officer_id: int | None = None
    vehicle_id: int | None = None
    vehicle_number: str = ""
    officer_label: str = ""
    officer_active: bool = True


def last_holders(candidates: QuerySet[Device]) -> dict[int, HolderRef]:
    """Device id -> whom or what it was last issued to, from its issue/install/return events (one query)."""
    ids = candidates.annotate(pk_text=Cast("pk", output_field=CharField())).values("pk_text")
    events = (
        AuditEvent.objects.filter(object_type=DEVICE_OBJECT, action__in=HOLDER_ACTIONS, object_id__in=ids)
        .order_by("occurred_at", "pk")
        .values_list(
            "object_id",
            "action",
            "officer_id",
            "after",
            "officer__is_active",
            "officer__rank",
            "officer__first_name",
            "officer__last_name",
            "officer__badge_number",
        )
    )
    holders: dict[int, HolderRef] = {}
    for object_id, action, officer_id, stored_after, active, rank, first, last, badge in events:
        device_id = int(object_id)
        after = stored_after if isinstance(stored_after, dict) else {}
        if action == Action.DEVICE_RETURN:
            holders.pop(device_id, None)
        elif officer_id is not None:
            name = Officer(rank=rank, first_name=first, last_name=last).display_name
            holders[device_id] = HolderRef(
                officer_id=officer_id, officer_label=f"{name} (badge {badge})", officer_active=bool(active)
            )
        elif _number(after.get("vehicle_id")) is not None:
            holders[device_id] = HolderRef(vehicle_id=_number(after.get("vehicle_id")))
        elif after.get("vehicle"):
            holders[device_id] = HolderRef(vehicle_number=str(after["vehicle"]))
    return holders


def _vehicles(holders: dict[int, HolderRef]) -> dict[object, Vehicle]:
    """The holders' vehicles, by id and by unit number (one query, none when no vehicle holds one)."""
    ids = sorted({h.vehicle_id for h in holders.values() if h.vehicle_id is not None})
    numbers = sorted({h.vehicle_number for h in holders.values() if h.vehicle_number})
    if not ids and not numbers:
        return {}
    found: dict[object, Vehicle] = {}
    for vehicle in Vehicle.objects.filter(Q(pk__in=ids) | Q(unit_number__in=numbers)):
        found[vehicle.pk] = found[vehicle.unit_number] = vehicle
    return found


def _issued_triggers(officer_ids: set[int], vehicle_ids: set[int]) -> set[tuple[str, int, str]]:
    """("officer" or "vehicle", holder id, kind) for every trigger issued to these holders (one query)."""
    if not officer_ids and not vehicle_ids:
        return set()
    rows = (
        Device.objects.triggers()
        .filter(status=ISSUED_STATUS)
        .filter(Q(officer_id__in=sorted(officer_ids)) | Q(vehicle_id__in=sorted(vehicle_ids)))
        .order_by()
        .values_list("officer_id", "vehicle_id", "model__kind")
    )
    return {("officer", o, k) if o is not None else ("vehicle", v, k) for o, v, k in rows}


def out_without_replacement(now: datetime) -> OutOfService:
    """The out-of-service rule over the whole fleet: at most four queries, whatever its size."""
    result = OutOfService()
    candidates = out_of_service_triggers(now)
    rows = list(candidates.values_list("pk", "model__kind", "status", "lost_incident_number"))
    if not rows:
        return result
    holders = last_holders(candidates)
    vehicles = _vehicles(holders)
    resolved_holders: dict[int, tuple[str, int, str]] = {}  # device id -> (holder kind, id, label)
    for device_id, holder in holders.items():
        if holder.officer_id is not None:
            if holder.officer_active:
                resolved_holders[device_id] = ("officer", holder.officer_id, holder.officer_label)
            else:
                result.cleared[device_id] = "its officer is no longer active"
            continue
        vehicle = vehicles.get(holder.vehicle_id if holder.vehicle_id is not None else holder.vehicle_number)
        if vehicle is None:
            result.cleared[device_id] = "its vehicle is not on record"
        elif not vehicle.in_service:
            result.cleared[device_id] = f"{vehicle} is out of service"
        else:
            resolved_holders[device_id] = ("vehicle", vehicle.pk, str(vehicle))
    issued = _issued_triggers(
        {h[1] for h in resolved_holders.values() if h[0] == "officer"},
        {h[1] for h in resolved_holders.values() if h[0] == "vehicle"},
    )
    for device_id, kind, status, incident in rows:
        found = resolved_holders.get(device_id)
        if found is None:
            result.cleared.setdefault(device_id, "it was issued to nobody")
            continue
        holder_kind, holder_id, label = found
        if (holder_kind, holder_id, kind) in issued:
            result.cleared[device_id] = f"a replacement {KIND_LABELS[kind].lower()} is issued to {label}"
            continue
        state = STATUS_LABELS[status].lower()
        if status == DeviceStatus.LOST and incident:
            state += f" (incident {incident})"
        result.flagged[device_id] = (
            f"{state[:1].upper()}{state[1:]}; {label} has no other {KIND_LABELS[kind].lower()} issued."
        )
    return result


# --- details and resolutions -------------------------------------------------------------------


def _battery_detail(device: Device, today: date) -> str:
    fitted = device.battery_fitted_on or device.purchased_on
    if fitted is None:
        return "Battery due for replacement."
    due = battery_due_on(fitted, device.model.battery_life_months)
    what = "fitted" if device.battery_fitted_on else "with the device, bought"
    return (
        f"{device.model.get_battery_display().split(' (')[0]} {what} {timefmt.day(fitted)}; "
        f"due for replacement {timefmt.day(due)}."
    )


def _firmware_detail(device: Device) -> str:
    return f"Firmware {device.firmware_version} is below the {device.model} minimum {device.model.minimum_firmware}."


def _vehicle_details(vehicles: list[Vehicle]) -> dict[int, str]:
    """Which units the vehicles carry, to say why none works (one query for all of them)."""
    installed: dict[int, list[str]] = {}
    for device in Device.objects.filter(
        vehicle__in=[v.pk for v in vehicles], model__kind=DeviceKind.VEHICLE_UNIT
    ).order_by("asset_tag"):
        installed.setdefault(device.vehicle_id, []).append(device.asset_tag)
    details = {}
    for vehicle in vehicles:
        tags = installed.get(vehicle.pk)
        if tags:
            details[vehicle.pk] = (
                f"In service; its signal unit {', '.join(tags)} is flagged (battery or firmware): not working."
            )
        else:
            details[vehicle.pk] = "In service with no signal unit installed."
    return details


def _not_seen_detail(device: Device, now: datetime) -> str:
    if device.last_seen_at is None:
        return f"Never seen in a stocktake or hand-over; in the inventory since {timefmt.day(device.created_at)}."
    days = (now - device.last_seen_at).days
    return f"Last seen {timefmt.day(device.last_seen_at)} ({days} days ago)."


def _out_resolution(device: Device, out: OutOfService) -> str:
    if device.pk in out.cleared:
        return out.cleared[device.pk]
    if device.status == DeviceStatus.RETIRED:
        return f"retired more than {settings.DEVICE_RETIRED_REPLACEMENT_DAYS} days ago"
    return f"back in service ({STATUS_LABELS[device.status].lower()})"


def _resolution(flag: DeviceFlag, out: OutOfService, now: datetime) -> str:
    if flag.vehicle is not None:
        return "vehicle taken out of service" if not flag.vehicle.in_service else "a working signal unit is installed"
    device = flag.device
    assert device is not None  # a flag is on a device or a vehicle (device_flag_on_device_or_vehicle)
    if flag.kind == Kind.OUT_WITHOUT_REPLACEMENT:
        return _out_resolution(device, out)
    if device.status in {DeviceStatus.LOST.value, DeviceStatus.RETIRED.value}:
        return f"device {STATUS_LABELS[device.status].lower()}"
    if flag.kind == Kind.NOT_SEEN:
        return f"seen at {when(device.last_seen_at or device.created_at, now=now)}"
    if flag.kind == Kind.BATTERY_DUE:
        fitted = device.battery_fitted_on
        return f"battery replaced on {timefmt.day(fitted)}" if fitted else "battery date corrected"
    return f"firmware updated to {device.firmware_version or 'an unknown version'}"


# --- the sweep ---------------------------------------------------------------------------------


def _conditions(facts: DeviceFacts, now: datetime) -> set[tuple[str, int]]:
    """(kind, device or vehicle id) for the set-based rules, in one UNION ALL."""
    parts = [
        battery_due(facts).values_list(Value(Kind.BATTERY_DUE, output_field=CharField()), "pk"),
        firmware_low(facts).values_list(Value(Kind.FIRMWARE_BELOW_MINIMUM, output_field=CharField()), "pk"),
        vehicles_without_signal(facts).values_list(Value(Kind.VEHICLE_WITHOUT_SIGNAL, output_field=CharField()), "pk"),
        not_seen(now).values_list(Value(Kind.NOT_SEEN, output_field=CharField()), "pk"),
    ]
    return set(parts[0].union(*parts[1:], all=True))


def _fetch(queryset, ids) -> dict:
    # One query on PostgreSQL however many rows; in_bulk splits the ids where the database limits the
    # variables of a query (SQLite), so the number of queries does not grow with the flags raised.
    return queryset.in_bulk(sorted(ids))


def _subject(kind: str, device_id: int | None, vehicle_id: int | None) -> tuple[str, int]:
    return (kind, vehicle_id if kind == Kind.VEHICLE_WITHOUT_SIGNAL else device_id)  # type: ignore[return-value]


def sweep_devices(*, now: datetime, today: date) -> DeviceSweep:
    """Raise and resolve the device and vehicle flags; the caller appends `audit_events(...)`."""
    result = DeviceSweep()
    facts = DeviceFacts(today=today)
    out = out_without_replacement(now)
    should = _conditions(facts, now) | {(Kind.OUT_WITHOUT_REPLACEMENT, device_id) for device_id in out.flagged}
    is_open = {
        _subject(kind, device_id, vehicle_id): pk
        for pk, kind, device_id, vehicle_id in DeviceFlag.objects.open()
        .order_by()
        .values_list("pk", "kind", "device_id", "vehicle_id")
    }
    for kind, _ in is_open:
        result.open_before[kind] += 1
    to_raise = sorted(should - is_open.keys())
    clearing = sorted(pk for key, pk in is_open.items() if key not in should)

    device_ids = {pk for kind, pk in to_raise if kind != Kind.VEHICLE_WITHOUT_SIGNAL}
    vehicle_ids = {pk for kind, pk in to_raise if kind == Kind.VEHICLE_WITHOUT_SIGNAL}
    devices = _fetch(Device.objects.select_related("model"), device_ids) if device_ids else {}
    vehicles = _fetch(Vehicle.objects.all(), vehicle_ids) if vehicle_ids else {}
    vehicle_details = _vehicle_details(list(vehicles.values())) if vehicles else {}
    for kind, pk in to_raise:
        if kind == Kind.VEHICLE_WITHOUT_SIGNAL:
            flag = DeviceFlag(vehicle=vehicles[pk], kind=kind, detail=vehicle_details[pk])
        else:
            device = devices[pk]
            if kind == Kind.BATTERY_DUE:
                detail = _battery_detail(device, today)
            elif kind == Kind.FIRMWARE_BELOW_MINIMUM:
                detail = _firmware_detail(device)
            elif kind == Kind.NOT_SEEN:
                detail = _not_seen_detail(device, now)
            else:
                detail = out.flagged[pk]
            flag = DeviceFlag(device=device, kind=kind, detail=detail)
        flag.detail, flag.raised_at = flag.detail[:300], now
        result.raised.append(flag)

    if clearing:
        resolving = _fetch(DeviceFlag.objects.select_related("device__model", "vehicle"), clearing)
        for pk in clearing:
            flag = resolving[pk]
            # max(): a clock behind the one that raised the flag must not break the sweep.
            flag.resolved_at = max(now, flag.raised_at)
            flag.resolution = _resolution(flag, out, now)[:300]
            result.resolved.append(flag)
    if result.raised:
        insert_all(result.raised)
    if result.resolved:
        DeviceFlag.objects.bulk_update(result.resolved, ["resolved_at", "resolution"], batch_size=1000)
    return result


def audit_events(sweep: DeviceSweep, now: datetime) -> list[audit.PendingEvent]:
    return flag_events(
        sweep.raised,
        sweep.resolved,
        now=now,
        raise_action=Action.DEVICE_FLAG_RAISE,
        resolve_action=Action.DEVICE_FLAG_RESOLVE,
        link=None,
    )
