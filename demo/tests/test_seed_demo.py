"""seed_demo: the Hartford fleet, in a state every service and the flag sweep can trust."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from assignments import tallies
from assignments.first_dock import fill_first_docked_at
from assignments.models import (
    Certification,
    Checkout,
    CheckoutDay,
    DutyAssignment,
    Officer,
    OfficerFlag,
    PersonalIssue,
    open_checkout,
)
from assignments.services import check_out, pin_matches
from audit.actor import Actor
from audit.checkpoints import write_checkpoint
from audit.models import AuditEvent
from audit.services import verify_chain
from demo import services
from demo.fleet import OLD_BATCH
from inventory import counts
from inventory.flags.sweep import run_sweep
from inventory.models import Camera, Flag, MaintenanceRecord

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
Status = Camera.Status


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def assert_consistent(now: datetime) -> None:
    """What the services and the database rules promise, checked across the whole seeded fleet."""
    open_checkouts = Checkout.objects.open()
    assert not Camera.objects.filter(status=Status.AVAILABLE, pk__in=open_checkouts.values("camera")).exists()
    out = Camera.objects.filter(status=Status.CHECKED_OUT).annotate(
        open_n=Count("checkouts", filter=open_checkout("checkouts__"))
    )
    assert not out.exclude(open_n=1).exists(), "every checked-out camera has exactly one open checkout"
    assert open_checkouts.count() == out.count()
    assert not open_checkouts.exclude(camera__status=Status.CHECKED_OUT).exists()
    assert not open_checkouts.filter(checked_out_at__gt=now).exists()

    current = PersonalIssue.objects.current()
    assert not Camera.objects.filter(pool=Camera.Pool.PERSONAL).exclude(pk__in=current.values("camera")).exists(), (
        "no personal camera without a current personal issue"
    )
    assert not current.exclude(camera__pool=Camera.Pool.PERSONAL).exists()

    open_maintenance = MaintenanceRecord.objects.open()
    assert set(open_maintenance.values_list("camera", flat=True)) == set(
        Camera.objects.filter(status=Status.IN_MAINTENANCE).values_list("pk", flat=True)
    ), "a camera is in maintenance exactly when it has an open maintenance record"
    assert not Camera.objects.filter(status__in=[Status.RETIRED, Status.LOST], pool=Camera.Pool.PERSONAL).exists()

    returned = Checkout.objects.returned()
    assert not returned.filter(checked_in_at__gt=now).exists()
    assert not Camera.objects.filter(last_returned_at__gt=now).exists()
    assert not MaintenanceRecord.objects.filter(closed_at__gt=now).exists()
    # No officer works two overlapping checkouts, and no camera is with two officers at once.
    for field in ("officer", "camera"):
        rows = list(
            Checkout.objects.order_by(field, "checked_out_at").values_list(field, "checked_out_at", "checked_in_at")
        )
        for (a, _, a_in), (b, b_out, _) in zip(rows, rows[1:], strict=False):
            if a == b:
                assert a_in is not None and a_in <= b_out, f"overlapping checkouts for {field} {a}"

    assert verify_chain() is None


def assert_planted_problems_are_real(planted: dict[str, list[str]], now: datetime) -> None:
    """Each planted tag exists and is in the state its flag describes, so the sweep will raise it."""
    tags = {tag for kind_tags in planted.values() for tag in kind_tags}
    cameras = {c.asset_tag: c for c in Camera.objects.filter(asset_tag__in=tags)}
    assert set(cameras) == tags, "every planted asset tag exists"

    for tag in planted.get(Flag.Kind.RETURN_OVERDUE, []):
        assert Checkout.objects.open().get(camera=cameras[tag]).due_back_at < now, tag
    for tag in planted.get(Flag.Kind.CHARGING_OVERDUE, []):
        camera = cameras[tag]
        assert camera.status == Status.AVAILABLE, tag
        assert camera.last_full_charge_at < now - timedelta(hours=settings.CHARGING_OVERDUE_HOURS), tag
    for tag in planted.get(Flag.Kind.NOT_DOCKED, []):
        camera = cameras[tag]
        assert camera.status == Status.AVAILABLE and camera.dock_id is None, tag
        assert camera.last_returned_at < now - timedelta(minutes=settings.NOT_DOCKED_AFTER_RETURN_MINUTES), tag
        assert camera.last_docked_at is None or camera.last_docked_at < camera.last_returned_at, tag
    for tag in planted.get(Flag.Kind.DAMAGED_NOT_IN_MAINTENANCE, []):
        record = MaintenanceRecord.objects.open().get(camera=cameras[tag])
        assert record.performed_by == MaintenanceRecord.PerformedBy.AWAITING_TRIAGE, tag
        assert record.opened_at < now - timedelta(hours=settings.DAMAGED_NOT_IN_MAINTENANCE_HOURS), tag
    for tag in planted.get(Flag.Kind.REPAIR_OVERDUE, []):
        record = MaintenanceRecord.objects.open().get(camera=cameras[tag])
        assert record.performed_by == MaintenanceRecord.PerformedBy.VENDOR and record.rma_number, tag
        assert record.started_at < now - timedelta(days=settings.VENDOR_REPAIR_OVERDUE_DAYS), tag
    for tag in planted.get(Flag.Kind.INSPECTION_DUE, []):
        age = now - cameras[tag].last_inspected_at
        assert (
            timedelta(days=settings.INSPECTION_INTERVAL_DAYS) < age < timedelta(days=settings.INSPECTION_OVERDUE_DAYS)
        )
    for tag in planted.get(Flag.Kind.INSPECTION_OVERDUE, []):
        assert now - cameras[tag].last_inspected_at > timedelta(days=settings.INSPECTION_OVERDUE_DAYS), tag
    for tag in planted.get(Flag.Kind.FIRMWARE_BELOW_MINIMUM, []):
        version = tuple(int(p) for p in cameras[tag].firmware_version.split("."))
        assert version < tuple(int(p) for p in settings.MINIMUM_FIRMWARE_VERSION.split(".")), tag
    for tag in planted.get(Flag.Kind.REFRESH_DUE, []):
        bought, today = cameras[tag].purchased_on, timezone.localdate(now)
        months = (today.year - bought.year) * 12 + today.month - bought.month - (today.day < bought.day)
        assert months >= settings.REFRESH_DUE_MONTHS, tag


def assert_demo_officer_can_check_out(badge: str) -> None:
    officer = Officer.objects.get(badge_number=badge)
    assert officer.is_active
    assert pin_matches(officer, services.DEMO_PIN)
    assert not Checkout.objects.open().filter(officer=officer).exists()
    camera = PersonalIssue.objects.current().get(officer=officer).camera
    checkout = check_out(camera=camera, officer=officer, by=Actor.system_process("tests"))
    assert checkout.camera == camera


def test_default_seed_is_the_hartford_fleet_in_a_consistent_state():
    output = seed()
    result_line = output.splitlines()[0]
    assert result_line.startswith("Seeded 475 cameras, 416 officers, ")

    assert Camera.objects.count() == 475
    assert Camera.objects.filter(purchase_batch=OLD_BATCH).count() == pytest.approx(325, abs=25)
    assert Officer.objects.count() == 416
    assert Camera.objects.filter(pool=Camera.Pool.SPARE).count() >= 475 * 0.1
    now = timezone.now()
    assert_consistent(now)
    assert Checkout.objects.filter(checked_out_at__lt=now - timedelta(days=25)).exists(), "weeks of history"
    badge = output.rsplit("badge ", 1)[1].split(",")[0]
    assert_demo_officer_can_check_out(badge)


def test_every_flag_kind_is_planted_and_real():
    result = services.seed_fleet(cameras=475)
    assert set(result.planted) == {
        Flag.Kind.CHARGING_OVERDUE,
        Flag.Kind.NOT_DOCKED,
        Flag.Kind.INSPECTION_DUE,
        Flag.Kind.INSPECTION_OVERDUE,
        Flag.Kind.RETURN_OVERDUE,
        Flag.Kind.DAMAGED_NOT_IN_MAINTENANCE,
        Flag.Kind.REPAIR_OVERDUE,
        Flag.Kind.FIRMWARE_BELOW_MINIMUM,
        Flag.Kind.REFRESH_DUE,
        Flag.Kind.NOT_SEEN,
    }
    assert_planted_problems_are_real(result.planted, timezone.now())


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 5, 12, 6, 50, tzinfo=NY),  # the morning line at the kiosk
        datetime(2026, 5, 12, 15, 30, tzinfo=NY),  # day shift just back
        datetime(2026, 5, 12, 23, 40, tzinfo=NY),  # midnight shift out
        datetime(2026, 3, 8, 3, 30, tzinfo=NY),  # just after spring forward
        datetime(2026, 11, 1, 1, 30, tzinfo=NY),  # inside the repeated hour of fall back
    ],
    ids=["0650", "1530", "2340", "spring-forward", "fall-back"],
)
@pytest.mark.parametrize("random_seed", [1, 2019])
def test_small_fleet_is_consistent_at_any_hour(at, random_seed):
    with time_machine.travel(at, tick=False):
        result = services.seed_fleet(cameras=40, days=10, seed=random_seed)
        assert Camera.objects.count() == 40
        assert_consistent(timezone.now())
        assert_planted_problems_are_real(result.planted, timezone.now())
        assert result.demo_badge, "a demo officer exists"
        assert_demo_officer_can_check_out(result.demo_badge)


def test_seed_refuses_to_overwrite_without_reset():
    seed("--cameras", "40", "--days", "3")
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        seed("--cameras", "40")
    assert str(refused.value) == (
        "The database already holds a fleet. Run with --reset to delete it and seed the demo again."
    )
    assert Camera.objects.count() == 40
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db(transaction=True)
def test_seed_with_reset_replaces_the_fleet():
    # Transactional like the real command: PostgreSQL will not TRUNCATE tables with deferred FK
    # checks pending in the same transaction, which a test wrapped in one transaction would have.
    seed("--cameras", "40", "--days", "3")
    write_checkpoint()  # as a sweep would: the old trail is anchored
    output = seed("--cameras", "48", "--days", "3", "--reset")
    assert output.startswith("Seeded 48 cameras")
    assert Camera.objects.count() == 48
    assert Camera.objects.order_by("pk").first().asset_tag == "HPD-BWC-0001"
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1, "the old trail went with the old fleet"
    assert_consistent(timezone.now())
    call_command("verify_audit", stdout=StringIO())  # the reset anchored the new, empty trail


def test_seed_on_an_empty_database_needs_no_reset_flag():
    assert not services.fleet_exists()
    seed("--cameras", "40", "--days", "0", "--reset")
    assert Camera.objects.count() == 40


@pytest.mark.parametrize("args", [["--cameras", "0"], ["--days", "-1"]])
def test_seed_refuses_nonsense_sizes(args):
    with pytest.raises(CommandError, match="Give at least one camera and zero or more days of history."):
        seed(*args)
    assert not Camera.objects.exists()


def test_a_tiny_fleet_still_seeds():
    result = services.seed_fleet(cameras=3, officers=2, days=2)
    assert result.cameras == 3
    assert_consistent(timezone.now())


def test_the_demo_certifies_every_officer_a_few_expiring_and_exempts_a_few(db):
    result = services.seed_fleet(cameras=120, days=3)
    today = timezone.localdate()
    assert Certification.objects.count() == Officer.objects.count()
    assert not Certification.objects.filter(expires_on__lt=today).exists()  # nobody is refused a camera
    soon = Certification.objects.filter(expires_on__lte=today + timedelta(days=30))
    assert sorted(soon.values_list("officer__badge_number", flat=True)) == sorted(result.certifications_expiring)
    assert len(result.certifications_expiring) >= 3
    exempt = DutyAssignment.objects.exemptions().in_force(today)
    assert sorted(exempt.values_list("officer__badge_number", flat=True)) == sorted(result.exemptions)
    assert exempt.filter(kind="undercover").count() >= 2
    assert all(row.approved_by.groups.filter(name="Supervisor").exists() for row in exempt)
    run_sweep()
    flagged = OfficerFlag.objects.open().values_list("officer__badge_number", flat=True)
    assert sorted(flagged) == sorted(result.certifications_expiring)


def test_the_demo_has_prices_suppliers_warranties_and_repair_costs():
    services.seed_fleet(cameras=120, days=60)
    assert not Camera.objects.filter(purchase_price__isnull=True).exists()
    assert not Camera.objects.filter(supplier="").exists()
    assert not Camera.objects.filter(warranty_ends_on__isnull=True).exists()
    assert Camera.objects.filter(warranty_ends_on__lt=timezone.localdate()).exists(), "some warranties have run out"
    assert Camera.objects.filter(warranty_ends_on__gte=timezone.localdate()).exists(), "some still run"
    closed = MaintenanceRecord.objects.closed().exclude(kind=MaintenanceRecord.Kind.INSPECTION)
    assert closed.exists() and not closed.filter(repair_cost__isnull=True).exists()
    assert not MaintenanceRecord.objects.open().filter(repair_cost__isnull=False).exists()


def test_the_seed_writes_each_return_s_first_dock_as_the_bulk_fill_works_it_out_and_counts_it_all():
    services.seed_fleet(cameras=160, days=10)
    docked = Checkout.objects.filter(first_docked_at__isnull=False)
    assert docked.count() > 100
    assert not docked.filter(first_docked_at__lt=F("checked_in_at")).exists()
    assert fill_first_docked_at() == 0, "the seed wrote every first dock the set-based fill works out, no other"
    days = sorted(CheckoutDay.objects.values_list("officer_id", "day", "camera_id", "checkouts", "returns", "held"))
    assert sum(n for *_, n, _, _ in days) == Checkout.objects.count()
    tallies.rebuild()
    assert (
        sorted(CheckoutDay.objects.values_list("officer_id", "day", "camera_id", "checkouts", "returns", "held"))
        == days
    )
    assert counts.counted() == counts.live()
