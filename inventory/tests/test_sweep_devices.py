"""The signal devices' and vehicles' flags in the sweep: each rule at its boundaries, resolved when the
condition clears, audited, idempotent, printed by `sweep_flags`, and a fixed number of queries."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command

from audit.models import AuditEvent
from devices.models import BatteryKind, DeviceFlag, DeviceKind
from hartford_bwc.factories import DeviceFactory, DeviceModelFactory, OfficerFactory, VehicleFactory
from hartford_bwc.testing import issue_device, take_device_out

from .flag_fleet import local, plant_device_flags, sweep_at

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 15, 10, 0)
TODAY = NOW.date()
Kind = DeviceFlag.Kind


def open_device_flags() -> set[tuple[str, str]]:
    return {
        (kind, tag or f"vehicle {unit}")
        for kind, tag, unit in DeviceFlag.objects.open().values_list(
            "kind", "device__asset_tag", "vehicle__unit_number"
        )
    }


def sensor(**kwargs):
    return DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.HOLSTER_SENSOR), **kwargs)


# --- battery due ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fitted", "due"),
    [
        (date(2025, 6, 16), False),  # the day before it is due: 12 months complete tomorrow
        (date(2025, 6, 15), True),  # the day it is due
        (date(2025, 6, 14), True),  # the day after
    ],
)
def test_a_battery_is_due_twelve_months_after_it_was_fitted(fitted, due):
    with time_machine.travel(NOW, tick=False):
        device = sensor(battery_fitted_on=fitted)
    sweep_at(NOW)
    assert ((Kind.BATTERY_DUE, device.asset_tag) in open_device_flags()) is due


def test_the_models_own_battery_life_wins_and_the_setting_is_the_default(settings):
    settings.DEVICE_BATTERY_LIFE_MONTHS = 6
    with time_machine.travel(NOW, tick=False):
        weapon_model = DeviceModelFactory(kind=DeviceKind.SIGNAL_WEAPON, battery_life_months=24)
        weapon = DeviceFactory(model=weapon_model, battery_fitted_on=date(2025, 6, 15))  # 12 of 24 months
        old_weapon = DeviceFactory(model=weapon_model, battery_fitted_on=date(2024, 6, 15))  # 24 months: due
        coin = sensor(battery_fitted_on=date(2025, 12, 15))  # 6 months, the setting: due
        mount = DeviceFactory(
            model=DeviceModelFactory(kind=DeviceKind.MOUNT, battery=BatteryKind.NONE), battery_fitted_on=None
        )
        unknown = sensor(battery_fitted_on=None, purchased_on=None)
        bought = sensor(battery_fitted_on=None, purchased_on=date(2025, 1, 1))  # battery came with it
    sweep_at(NOW)
    flagged = {tag for kind, tag in open_device_flags() if kind == Kind.BATTERY_DUE}
    assert flagged == {old_weapon.asset_tag, coin.asset_tag, bought.asset_tag}
    assert weapon.asset_tag not in flagged and mount.asset_tag not in flagged and unknown.asset_tag not in flagged
    detail = DeviceFlag.objects.get(device=coin).detail
    assert detail == "Coin cell fitted Dec 15, 2025; due for replacement Jun 15, 2026."


def test_a_battery_flag_resolves_when_a_new_battery_is_fitted_and_lost_devices_carry_none():
    with time_machine.travel(NOW, tick=False):
        device = sensor(battery_fitted_on=date(2025, 1, 1))
        lost = sensor(battery_fitted_on=date(2025, 1, 1))
    sweep_at(NOW)
    assert {tag for _, tag in open_device_flags()} == {device.asset_tag, lost.asset_tag}
    device.battery_fitted_on = TODAY
    device.save()
    lost.status, lost.lost_incident_number = "lost", "HPD-2026-77"
    lost.save()
    report = sweep_at(NOW + timedelta(minutes=5))
    assert report.counts[Kind.BATTERY_DUE].resolved == 2 and report.counts[Kind.BATTERY_DUE].open == 0
    resolutions = dict(DeviceFlag.objects.values_list("device__asset_tag", "resolution"))
    assert resolutions[lost.asset_tag] == "device lost"
    assert resolutions[device.asset_tag].startswith("battery replaced on ")


# --- firmware ---------------------------------------------------------------------------------


def test_firmware_below_the_models_minimum_is_flagged_compared_as_numbers():
    with time_machine.travel(NOW, tick=False):
        model = DeviceModelFactory(kind=DeviceKind.SIGNAL_WEAPON, minimum_firmware="2.9.0")
        low = DeviceFactory(model=model, firmware_version="2.8.9")
        equal = DeviceFactory(model=model, firmware_version="2.9.0")
        numeric = DeviceFactory(model=model, firmware_version="2.10.0")  # 2.10 > 2.9
        blank = DeviceFactory(model=model, firmware_version="")
        no_minimum = sensor(firmware_version="0.1.0")
    sweep_at(NOW)
    flagged = {tag for kind, tag in open_device_flags() if kind == Kind.FIRMWARE_BELOW_MINIMUM}
    assert flagged == {low.asset_tag}
    assert {equal.asset_tag, numeric.asset_tag, blank.asset_tag, no_minimum.asset_tag}.isdisjoint(flagged)
    assert "below the Axon Taser 10 minimum 2.9.0" in DeviceFlag.objects.get(device=low).detail

    low.firmware_version = "3.0.0"
    low.save()
    sweep_at(NOW + timedelta(minutes=1))
    flag = DeviceFlag.objects.get(device=low)
    assert flag.resolved_at is not None and flag.resolution == "firmware updated to 3.0.0"


# --- vehicles ---------------------------------------------------------------------------------


def vehicle_unit(**kwargs):
    return DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT, minimum_firmware="1.0.0"), **kwargs)


def test_a_vehicle_in_service_needs_a_working_signal_unit():
    with time_machine.travel(NOW, tick=False):
        empty = VehicleFactory()
        equipped = VehicleFactory()
        issue_device(vehicle_unit(battery_fitted_on=TODAY), vehicle=equipped)
        worn = VehicleFactory()
        issue_device(vehicle_unit(battery_fitted_on=date(2025, 1, 1)), vehicle=worn)  # battery due: not working
        old_firmware = VehicleFactory()
        issue_device(vehicle_unit(battery_fitted_on=TODAY, firmware_version="0.9.0"), vehicle=old_firmware)
        garage = VehicleFactory(in_service=False)
    sweep_at(NOW)
    flagged = {tag for kind, tag in open_device_flags() if kind == Kind.VEHICLE_WITHOUT_SIGNAL}
    assert flagged == {f"vehicle {v.unit_number}" for v in (empty, worn, old_firmware)}
    assert f"vehicle {equipped.unit_number}" not in flagged and f"vehicle {garage.unit_number}" not in flagged
    assert DeviceFlag.objects.get(vehicle=empty).detail == "In service with no signal unit installed."
    assert "is flagged (battery or firmware)" in DeviceFlag.objects.get(vehicle=worn).detail

    with time_machine.travel(NOW, tick=False):
        issue_device(vehicle_unit(battery_fitted_on=TODAY), vehicle=empty)
    worn.in_service = False
    worn.save()
    sweep_at(NOW + timedelta(minutes=1))
    resolutions = dict(DeviceFlag.objects.filter(resolved_at__isnull=False).values_list("vehicle", "resolution"))
    assert resolutions == {
        empty.pk: "a working signal unit is installed",
        worn.pk: "vehicle taken out of service",
    }


# --- out of service with no replacement --------------------------------------------------------


def test_a_lost_sensor_is_flagged_until_its_officer_has_another():
    with time_machine.travel(NOW - timedelta(days=30), tick=False):
        officer = OfficerFactory(first_name="Emily", last_name="Murphy", badge_number="1001")
        lost = issue_device(sensor(battery_fitted_on=TODAY), officer=officer)
        weapon = issue_device(DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.SIGNAL_WEAPON)), officer=officer)
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        take_device_out(lost, "lost", incident="HPD-2026-0412")
    sweep_at(NOW)
    flag = DeviceFlag.objects.get(kind=Kind.OUT_WITHOUT_REPLACEMENT)
    assert flag.device == lost
    assert (
        flag.detail
        == "Lost (incident HPD-2026-0412); Ofc. Emily Murphy (badge 1001) has no other holster sensor issued."
    )
    assert not DeviceFlag.objects.filter(device=weapon).exists()  # the weapon is not a sensor

    with time_machine.travel(NOW, tick=False):
        issue_device(sensor(battery_fitted_on=TODAY), officer=officer)
    sweep_at(NOW + timedelta(minutes=1))
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert flag.resolution == "a replacement holster sensor is issued to Ofc. Emily Murphy (badge 1001)"


def test_out_without_replacement_covers_maintenance_and_recent_retirement_not_returns(settings):
    settings.DEVICE_RETIRED_REPLACEMENT_DAYS = 30
    with time_machine.travel(NOW - timedelta(days=90), tick=False):
        officers = OfficerFactory.create_batch(5)
        repair, retired_now, retired_long_ago, returned, gone = (
            issue_device(sensor(battery_fitted_on=TODAY), officer=o) for o in officers
        )
    take_device_out(repair, "in_maintenance", at=NOW - timedelta(days=2))
    take_device_out(retired_now, "retired", at=NOW - timedelta(days=29))
    take_device_out(retired_long_ago, "retired", at=NOW - timedelta(days=31))
    # Returned to stock, then lost from the shelf: nobody was holding it.
    from audit import services as audit
    from audit.actions import Action
    from audit.actor import Actor

    returned.status, returned.officer, returned.issued_at = "in_stock", None, None
    returned.save()
    audit.record(by=Actor.system_process("tests"), action=Action.DEVICE_RETURN, obj=returned)
    take_device_out(returned, "lost")
    # The officer left the department: nobody to replace it for.
    take_device_out(gone, "lost")
    officers[4].is_active = False
    officers[4].save()
    sweep_at(NOW)
    flagged = {tag for kind, tag in open_device_flags() if kind == Kind.OUT_WITHOUT_REPLACEMENT}
    assert flagged == {repair.asset_tag, retired_now.asset_tag}
    # A day later the recent retirement is 30 days old: still flagged; at 31 it resolves.
    sweep_at(NOW + timedelta(days=1))
    assert (Kind.OUT_WITHOUT_REPLACEMENT, retired_now.asset_tag) in open_device_flags()
    sweep_at(NOW + timedelta(days=2))
    assert (Kind.OUT_WITHOUT_REPLACEMENT, retired_now.asset_tag) not in open_device_flags()
    assert DeviceFlag.objects.get(device=retired_now).resolution == "retired more than 30 days ago"


def test_a_lost_vehicle_unit_leaves_its_vehicle_without_signal_and_without_replacement():
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        cruiser = VehicleFactory(unit_number="412")
        unit = issue_device(vehicle_unit(battery_fitted_on=TODAY), vehicle=cruiser)
    take_device_out(unit, "lost")
    sweep_at(NOW)
    assert open_device_flags() == {
        (Kind.OUT_WITHOUT_REPLACEMENT, unit.asset_tag),
        (Kind.VEHICLE_WITHOUT_SIGNAL, "vehicle 412"),
    }
    assert "Vehicle 412 has no other vehicle signal unit issued." in DeviceFlag.objects.get(device=unit).detail


# --- not seen ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "flagged"), [(89, False), (90, True), (91, True)])
def test_an_in_service_device_not_seen_for_ninety_days_is_flagged(days, flagged):
    with time_machine.travel(NOW - timedelta(days=200), tick=False):
        device = sensor(battery_fitted_on=TODAY, last_seen_at=NOW - timedelta(days=days))
    sweep_at(NOW)
    assert ((Kind.NOT_SEEN, device.asset_tag) in open_device_flags()) is flagged
    if flagged:
        seen = (NOW - timedelta(days=days)).strftime("%b %-d, %Y")
        assert DeviceFlag.objects.get(device=device).detail == f"Last seen {seen} ({days} days ago)."


@pytest.mark.parametrize(("days", "flagged"), [(89, False), (90, True), (91, True)])
def test_a_device_never_seen_counts_from_the_day_it_was_added(days, flagged):
    with time_machine.travel(NOW - timedelta(days=days), tick=False):
        device = sensor(battery_fitted_on=TODAY)
    assert device.last_seen_at is None
    sweep_at(NOW)
    assert ((Kind.NOT_SEEN, device.asset_tag) in open_device_flags()) is flagged
    if flagged:
        assert DeviceFlag.objects.get(device=device).detail.startswith("Never seen in a stocktake or hand-over;")


def test_issued_and_in_maintenance_devices_are_flagged_lost_and_retired_are_not():
    long_ago = NOW - timedelta(days=120)
    with time_machine.travel(long_ago, tick=False):
        officer = OfficerFactory()
        issued = issue_device(sensor(battery_fitted_on=TODAY), officer=officer)  # in hand 120 days ago
        shop = take_device_out(issue_device(sensor(battery_fitted_on=TODAY), officer=officer), "in_maintenance")
        lost = take_device_out(sensor(battery_fitted_on=TODAY), "lost")
        retired = take_device_out(sensor(battery_fitted_on=TODAY), "retired")
    sweep_at(NOW)
    flagged = {tag for kind, tag in open_device_flags() if kind == Kind.NOT_SEEN}
    assert flagged == {issued.asset_tag, shop.asset_tag}
    assert {lost.asset_tag, retired.asset_tag}.isdisjoint(flagged)


def test_a_not_seen_flag_resolves_when_the_device_is_seen_again_or_leaves_service():
    with time_machine.travel(NOW - timedelta(days=100), tick=False):
        scanned, lost = sensor(battery_fitted_on=TODAY), sensor(battery_fitted_on=TODAY)
    sweep_at(NOW)
    assert {tag for _, tag in open_device_flags()} == {scanned.asset_tag, lost.asset_tag}
    later = NOW + timedelta(minutes=5)
    scanned.last_seen_at = later - timedelta(minutes=1)  # scanned in a stocktake
    scanned.save()
    take_device_out(lost, "lost", at=later)
    report = sweep_at(later)
    assert report.counts[Kind.NOT_SEEN].resolved == 2 and report.counts[Kind.NOT_SEEN].open == 0
    resolutions = dict(DeviceFlag.objects.values_list("device__asset_tag", "resolution"))
    assert resolutions == {scanned.asset_tag: "seen at 10:04", lost.asset_tag: "device lost"}


def test_a_device_issued_returned_or_found_is_seen_then():
    with time_machine.travel(NOW - timedelta(days=100), tick=False):
        officer = OfficerFactory()
        issued, returned = sensor(battery_fitted_on=TODAY), sensor(battery_fitted_on=TODAY)
        found = take_device_out(sensor(battery_fitted_on=TODAY), "lost")
        unit, vehicle = DeviceFactory(model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT)), VehicleFactory()
        returned = issue_device(returned, officer=officer)
    assert returned.last_seen_at == NOW - timedelta(days=100)
    from audit.actor import Actor
    from devices import services as devices

    at = NOW - timedelta(hours=1)
    with time_machine.travel(at, tick=False):
        issue_device(issued, officer=officer)
        issue_device(unit, vehicle=vehicle)
        devices.return_to_stock(device=returned, by=Actor.system_process("tests"))
        devices.report_found(device=found, by=Actor.system_process("tests"))
    for device in (issued, unit, returned, found):
        device.refresh_from_db()
        assert device.last_seen_at == at, device.asset_tag
    sweep_at(NOW)
    assert not {tag for kind, tag in open_device_flags() if kind == Kind.NOT_SEEN}


# --- the sweep as a whole ----------------------------------------------------------------------


def test_the_device_sweep_is_idempotent_and_audited_by_the_sweep():
    plant_device_flags(2, NOW)
    first = sweep_at(NOW)
    assert {kind: first.counts[kind].raised for kind in Kind.values} == dict.fromkeys(Kind.values, 2)
    raised = AuditEvent.objects.filter(action="device_flag.raise")
    assert raised.count() == 2 * len(Kind.values)
    assert set(raised.values_list("actor_kind", "actor_label")) == {("system", "flag sweep")}
    rows, events = list(DeviceFlag.objects.order_by("pk").values()), AuditEvent.objects.count()
    second = sweep_at(NOW + timedelta(minutes=1))
    assert all(second.counts[kind].raised == second.counts[kind].resolved == 0 for kind in Kind.values)
    assert all(second.counts[kind].open == 2 for kind in Kind.values)
    assert list(DeviceFlag.objects.order_by("pk").values()) == rows
    assert AuditEvent.objects.count() == events


def test_the_celery_sweep_task_sweeps_the_devices_too():
    from inventory import tasks

    plant_device_flags(1, NOW)
    with time_machine.travel(NOW, tick=False):
        result = tasks.sweep_flags.apply().get()
    assert {kind: result["counts"][kind] for kind in Kind.values} == dict.fromkeys(
        Kind.values, {"raised": 1, "resolved": 0, "open": 1}
    )


def test_sweep_flags_prints_a_line_per_device_flag_kind():
    plant_device_flags(1, NOW)
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("sweep_flags", stdout=out)
    lines = out.getvalue().splitlines()
    for kind in Kind.values:
        assert f"{kind}: raised 1, resolved 0, open 1" in lines


@pytest.mark.parametrize("per_kind", [1, 4])
def test_the_device_sweep_runs_a_fixed_number_of_queries_at_any_fleet_size(per_kind, django_assert_num_queries):
    from inventory.flags.devices import sweep_devices

    plant_device_flags(per_kind, NOW)
    # Every sweep: the battery models, the firmware versions, the conditions (one UNION ALL), the
    # out-of-service triggers, their holders' events, the triggers issued to the holders (officers
    # only here: a vehicle holder adds one query for its vehicles), the open flags.
    base = 7
    # Raising: the devices, the vehicles, the vehicles' units, one INSERT.
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(base + 4):
        swept = sweep_devices(now=NOW, today=TODAY)
    assert len(swept.raised) == len(Kind.values) * per_kind
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(base):
        assert not sweep_devices(now=NOW, today=TODAY).raised
