"""Each flag rule at its boundary (a minute before, at, a minute after), raising and resolving."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from assignments.services import check_in, check_out
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory
from inventory import services
from inventory.flags.rules import months_before, parse_version
from inventory.models import Camera, ChargeEvent, Flag, MaintenanceRecord

from .flag_fleet import local, open_kinds, sweep_at

pytestmark = pytest.mark.django_db

BASE = local(2026, 6, 15, 10, 0)
MINUTE = timedelta(minutes=1)
K = Flag.Kind


def resolved(camera: Camera, kind: str) -> Flag:
    return Flag.objects.resolved().get(camera=camera, kind=kind)


def at_boundary(camera: Camera, kind: str, boundary, *, raised_at_boundary: bool = False) -> None:
    """Sweep a minute before, at and a minute after `boundary`; the flag opens after (or at) it."""
    sweep_at(boundary - MINUTE)
    assert kind not in open_kinds(camera)
    sweep_at(boundary)
    assert (kind in open_kinds(camera)) is raised_at_boundary
    report = sweep_at(boundary + MINUTE)
    assert kind in open_kinds(camera)
    assert report.counts[kind].raised == (0 if raised_at_boundary else 1)


def test_charging_overdue_raises_after_72_hours_on_the_shelf_and_resolves_when_charged(system_actor):
    with time_machine.travel(BASE, tick=False):
        spare = CameraFactory(pool=Camera.Pool.SPARE, last_full_charge_at=BASE)
    at_boundary(spare, K.CHARGING_OVERDUE, BASE + timedelta(hours=72))
    flag = Flag.objects.get(camera=spare, kind=K.CHARGING_OVERDUE)
    assert "last full charge Jun 15 10:00 (72 h ago)" in flag.detail

    charged = BASE + timedelta(hours=73, minutes=2)
    with time_machine.travel(charged, tick=False):
        services.record_charge(camera=spare, kind=ChargeEvent.Kind.FULL_CHARGE, by=system_actor)
    report = sweep_at(charged + timedelta(minutes=5))
    assert report.counts[K.CHARGING_OVERDUE].resolved == 1
    flag.refresh_from_db()
    assert flag.resolution == "charged at 11:02"
    assert flag.resolved_at == charged + timedelta(minutes=5)


def test_charging_overdue_covers_a_spare_never_charged_but_not_personal_or_checked_out_cameras():
    with time_machine.travel(BASE, tick=False):
        never = CameraFactory(pool=Camera.Pool.SPARE, last_full_charge_at=None)
        personal = CameraFactory(pool=Camera.Pool.PERSONAL, last_full_charge_at=BASE - timedelta(days=9))
        out = CameraFactory(status=Camera.Status.CHECKED_OUT, last_full_charge_at=BASE - timedelta(days=9))
    sweep_at(BASE)
    assert K.CHARGING_OVERDUE in open_kinds(never)
    assert "no full charge recorded" in Flag.objects.get(camera=never).detail
    assert open_kinds(personal) == open_kinds(out) == set()


def test_not_docked_raises_an_hour_after_check_in_and_resolves_when_docked(system_actor):
    officer = OfficerFactory()
    with time_machine.travel(BASE - timedelta(hours=8), tick=False):
        camera = CameraFactory(pool=Camera.Pool.PERSONAL)
        check_out(camera=camera, officer=officer, by=system_actor)
    with time_machine.travel(BASE, tick=False):
        check_in(camera=camera, by=system_actor)
    at_boundary(camera, K.NOT_DOCKED, BASE + timedelta(minutes=60))
    assert "Returned at 10:00 (61 min ago)" in Flag.objects.get(camera=camera).detail

    docked = BASE + timedelta(minutes=75)
    with time_machine.travel(docked, tick=False):
        services.record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=DockFactory(), bay=1, by=system_actor)
    sweep_at(docked + MINUTE)
    assert resolved(camera, K.NOT_DOCKED).resolution == "docked at 11:15"


def test_not_docked_resolves_when_the_camera_goes_out_again(system_actor):
    officer = OfficerFactory()
    with time_machine.travel(BASE, tick=False):
        camera = CameraFactory(
            pool=Camera.Pool.PERSONAL,
            last_returned_at=BASE - timedelta(hours=2),
            last_full_charge_at=BASE - timedelta(hours=5),
        )
    sweep_at(BASE)
    assert K.NOT_DOCKED in open_kinds(camera)
    with time_machine.travel(BASE + MINUTE, tick=False):
        check_out(camera=camera, officer=officer, by=system_actor, allow_uncharged=True)
    sweep_at(BASE + 2 * MINUTE)
    assert resolved(camera, K.NOT_DOCKED).resolution == "checked out again"


def test_inspection_due_at_90_days_becomes_overdue_after_104_and_resolves_when_inspected(system_actor):
    with time_machine.travel(BASE, tick=False):
        # Seen later than inspected: this test is about inspection alone (not the "not seen" flag).
        camera = CameraFactory(
            pool=Camera.Pool.PERSONAL, last_inspected_at=BASE, last_seen_at=BASE + timedelta(days=60)
        )
    at_boundary(camera, K.INSPECTION_DUE, BASE + timedelta(days=90))
    assert "Last inspected Jun 15, 2026 (90 days ago)" in Flag.objects.get(camera=camera, kind=K.INSPECTION_DUE).detail

    overdue = BASE + timedelta(days=104)
    sweep_at(overdue - MINUTE)
    sweep_at(overdue)
    assert open_kinds(camera) == {K.INSPECTION_DUE}
    sweep_at(overdue + MINUTE)
    assert open_kinds(camera) == {K.INSPECTION_OVERDUE}
    assert resolved(camera, K.INSPECTION_DUE).resolution == "now overdue"

    inspected = overdue + timedelta(hours=2)
    with time_machine.travel(inspected, tick=False):
        record = services.open_maintenance(
            camera=camera, kind=MaintenanceRecord.Kind.INSPECTION, performed_by="in_house", by=system_actor
        )
        services.close_maintenance(record=record, outcome="returned_to_service", by=system_actor)
    sweep_at(inspected + MINUTE)
    assert open_kinds(camera) == set()
    assert resolved(camera, K.INSPECTION_OVERDUE).resolution == "inspected at 12:00"


def test_return_overdue_raises_after_the_expected_return_and_resolves_on_check_in(system_actor):
    officer = OfficerFactory(shift=None)  # no shift: due back 12 h after check-out
    with time_machine.travel(BASE, tick=False):
        camera = CameraFactory()
        checkout = check_out(camera=camera, officer=officer, by=system_actor)
    assert checkout.due_back_at == BASE + timedelta(hours=12)
    at_boundary(camera, K.RETURN_OVERDUE, checkout.due_back_at)
    detail = Flag.objects.get(camera=camera).detail
    assert f"(badge {officer.badge_number})" in detail and "Due back 22:00" in detail

    back = checkout.due_back_at + timedelta(minutes=30)
    with time_machine.travel(back, tick=False):
        check_in(camera=camera, by=system_actor)
    sweep_at(back + MINUTE)
    assert resolved(camera, K.RETURN_OVERDUE).resolution == "returned at 22:30"


def test_damaged_not_in_maintenance_raises_24_hours_after_the_report_and_resolves_on_triage(system_actor):
    officer = OfficerFactory()
    with time_machine.travel(BASE - timedelta(hours=6), tick=False):
        camera = CameraFactory()
        check_out(camera=camera, officer=officer, by=system_actor)
    with time_machine.travel(BASE, tick=False):
        check_in(camera=camera, by=system_actor, condition="damaged", damage_description="Mount snapped.")
    at_boundary(camera, K.DAMAGED_NOT_IN_MAINTENANCE, BASE + timedelta(hours=24))
    assert "Mount snapped." in Flag.objects.get(camera=camera).detail

    record = MaintenanceRecord.objects.get(camera=camera)
    with time_machine.travel(BASE + timedelta(hours=25), tick=False):
        services.assign_maintenance(record=record, performed_by="vendor", rma_number="RMA-77", by=system_actor)
    sweep_at(BASE + timedelta(hours=25, minutes=1))
    assert resolved(camera, K.DAMAGED_NOT_IN_MAINTENANCE).resolution == "sent to the vendor under RMA-77"


def test_repair_overdue_raises_30_days_after_the_rma_and_resolves_when_back(system_actor):
    with time_machine.travel(BASE, tick=False):
        camera = CameraFactory()
        record = services.open_maintenance(
            camera=camera, kind="repair", performed_by="vendor", rma_number="RMA-2606-1", by=system_actor
        )
    at_boundary(camera, K.REPAIR_OVERDUE, BASE + timedelta(days=30))
    assert "under RMA-2606-1 since Jun 15 (30 days)" in Flag.objects.get(camera=camera).detail

    with time_machine.travel(BASE + timedelta(days=31), tick=False):
        services.close_maintenance(record=record, outcome="returned_to_service", by=system_actor)
    sweep_at(BASE + timedelta(days=31, minutes=1))
    assert resolved(camera, K.REPAIR_OVERDUE).resolution == "back from the vendor"


def test_firmware_is_compared_as_a_version_not_a_string(settings, system_actor):
    settings.MINIMUM_FIRMWARE_VERSION = "3.2.0"
    with time_machine.travel(BASE, tick=False):
        cameras = {v: CameraFactory(firmware_version=v) for v in ["3.1.9", "3.2.0", "3.10.0", "3.2", "", "beta"]}
        cameras["v3.1.0-rc1"] = CameraFactory(firmware_version="v3.1.0-rc1")
    sweep_at(BASE)
    low = {v for v, camera in cameras.items() if K.FIRMWARE_BELOW_MINIMUM in open_kinds(camera)}
    assert low == {"3.1.9", "v3.1.0-rc1"}  # "3.10.0" < "3.2.0" as strings, not as versions

    with time_machine.travel(BASE + timedelta(hours=1), tick=False):
        record = services.open_maintenance(
            camera=cameras["3.1.9"], kind="firmware_update", performed_by="in_house", by=system_actor
        )
        services.close_maintenance(
            record=record, outcome="returned_to_service", firmware_version="3.4.1", by=system_actor
        )
    sweep_at(BASE + timedelta(hours=2))
    assert resolved(cameras["3.1.9"], K.FIRMWARE_BELOW_MINIMUM).resolution == "firmware updated to 3.4.1"


def test_refresh_due_on_the_day_30_months_after_purchase(system_actor):
    with time_machine.travel(BASE, tick=False):
        camera = CameraFactory(purchased_on=date(2024, 1, 15))
        never_bought = CameraFactory(purchased_on=None, pool=Camera.Pool.PERSONAL)
    due_day = local(2026, 7, 15, 0, 0)  # 30 months after Jan 15, 2024
    at_boundary(camera, K.REFRESH_DUE, due_day, raised_at_boundary=True)
    assert "Purchased Jan 15, 2024" in Flag.objects.get(camera=camera, kind=K.REFRESH_DUE).detail
    assert K.REFRESH_DUE not in open_kinds(never_bought)

    with time_machine.travel(due_day + timedelta(days=1), tick=False):
        services.retire(camera=camera, by=system_actor, reason="Replaced under the refresh cycle.")
    sweep_at(due_day + timedelta(days=1, minutes=1))
    assert resolved(camera, K.REFRESH_DUE).resolution == "camera retired"


def test_lost_and_retired_cameras_lose_their_flags_and_never_get_new_ones(system_actor):
    with time_machine.travel(BASE, tick=False):
        lost = CameraFactory(firmware_version="2.0.0", pool=Camera.Pool.SPARE, last_full_charge_at=None)
        retired = CameraFactory(firmware_version="2.0.0", status=Camera.Status.RETIRED, last_inspected_at=None)
    sweep_at(BASE)
    assert open_kinds(lost) == {K.FIRMWARE_BELOW_MINIMUM, K.CHARGING_OVERDUE}
    assert open_kinds(retired) == set()
    with time_machine.travel(BASE + MINUTE, tick=False):
        services.report_lost(camera=lost, incident_number="HPD-26-012345", by=system_actor)
    sweep_at(BASE + 2 * MINUTE)
    assert open_kinds(lost) == set()
    assert {f.resolution for f in Flag.objects.filter(camera=lost)} == {"camera reported lost (incident HPD-26-012345)"}
    sweep_at(BASE + timedelta(days=400))
    assert open_kinds(lost) == open_kinds(retired) == set()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 7, 15), 30, date(2024, 1, 15)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2028, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 10), 1, date(2025, 12, 10)),
    ],
)
def test_months_before_clamps_to_the_end_of_the_month(day, months, expected):
    assert months_before(day, months) == expected


def test_unreadable_firmware_versions_parse_to_none_and_vendor_suffixes_to_numbers():
    assert parse_version("") is None
    assert parse_version("beta") is None
    assert parse_version("4.1.0-build12") == parse_version("4.1.0")
    assert parse_version("3.10") > parse_version("3.9.9")
