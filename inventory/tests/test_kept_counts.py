"""The counts the database keeps (inventory.counts): after every kind of write they equal counting the
rows, on SQLite and PostgreSQL alike, and the dashboard and the API lists read them."""

from __future__ import annotations

import importlib
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import roles
from assignments import services as assignment_services
from assignments.models import Checkout, Officer
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UserFactory
from inventory import counts, services
from inventory.models import Camera, ChargeEvent, KeptCount

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system_process("tests")


def assert_kept() -> None:
    assert counts.counted() == counts.live()


def test_every_kind_of_write_keeps_the_counts_equal_to_the_rows():
    now = timezone.now()
    fleet = [
        CameraFactory(last_full_charge_at=now - timedelta(hours=2)),
        CameraFactory(last_full_charge_at=None),
        CameraFactory(battery_percent=85),
        CameraFactory(battery_percent=40, last_full_charge_at=now),
        CameraFactory(),
    ]
    assert_kept()
    assert counts.counted()[counts.BATTERY_PREFIX + "85"] == 1

    officers = OfficerFactory.create_batch(2)
    assignment_services.check_out(camera=fleet[0], officer=officers[0], by=SYSTEM)
    assignment_services.check_out(camera=fleet[2], officer=officers[1], by=SYSTEM, allow_uncharged=True)
    assert_kept()
    assert counts.counted()[counts.OPEN_CHECKOUTS] == 2
    assignment_services.check_in(camera=fleet[0], by=SYSTEM)
    assignment_services.check_in(camera=fleet[2], by=SYSTEM, condition="damaged", damage_description="Cracked")
    assert_kept()
    assert counts.OPEN_CHECKOUTS not in counts.counted()

    services.record_charge(camera=fleet[0], kind=ChargeEvent.Kind.FULL_CHARGE, by=SYSTEM)
    services.record_charge(
        camera=fleet[1], kind=ChargeEvent.Kind.DOCKED, dock=DockFactory(), bay=1, battery_percent=None, by=SYSTEM
    )
    services.record_charge(camera=fleet[3], kind=ChargeEvent.Kind.BATTERY, battery_percent=100, by=SYSTEM)
    services.retire(camera=fleet[4], reason="End of life", by=SYSTEM)
    assert_kept()

    # Writes around the services count too: a bulk UPDATE, a DELETE.
    Camera.objects.filter(pk=fleet[1].pk).update(battery_percent=90)
    CameraFactory().delete()
    leaver = OfficerFactory()
    leaver.certifications.all().delete()
    leaver.delete()
    assert_kept()
    assert counts.counted()[counts.OFFICERS] == len(officers)


def test_the_sweeps_recount_folds_the_rows_into_one_a_key_and_mends_drift():
    cameras = CameraFactory.create_batch(4, battery_percent=90)
    assignment_services.check_out(camera=cameras[0], officer=OfficerFactory(), by=SYSTEM)
    KeptCount.objects.create(key="checked_out", n=5)  # drift: a row no write explains
    before = KeptCount.objects.count()

    counts.recount()

    assert KeptCount.objects.count() < before
    assert sorted(KeptCount.objects.values_list("key", flat=True)) == sorted(counts.live())
    assert_kept()


def test_ready_follows_the_battery_setting_without_a_recount(settings):
    CameraFactory(battery_percent=70)
    CameraFactory(battery_percent=85)
    CameraFactory(battery_percent=None, last_full_charge_at=timezone.now())
    for minimum, ready in ((80, 2), (60, 3), (90, 1)):
        settings.MIN_CHECKOUT_BATTERY_PERCENT = minimum
        assert counts.total(counts.ready_keys()) == Camera.objects.ready().count() == ready


def test_the_migrations_triggers_compute_the_key_the_code_reads():
    migration = importlib.import_module("inventory.migrations.0011_kept_counts")
    assert migration.key_sql("NEW") == counts.key_sql("NEW")
    assert ", ".join(counts.KEY_COLUMNS) == migration.COLUMNS


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=roles.SUPERVISOR))
    return client


def test_the_api_lists_count_from_the_kept_counts_not_the_tables(api):
    cameras = CameraFactory.create_batch(5)
    CameraFactory(asset_tag="HPD-FIND-0001")
    for camera in cameras[:3]:
        assignment_services.check_out(camera=camera, officer=OfficerFactory(), by=SYSTEM)
    assignment_services.check_in(camera=cameras[0], by=SYSTEM)

    assert (Camera.objects.count(), Checkout.objects.count(), Officer.objects.count()) == (6, 3, 3)
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/cameras/").data["count"] == 6
        assert api.get("/api/v1/cameras/?status=checked_out").data["count"] == 2
        assert api.get("/api/v1/checkouts/").data["count"] == 3
        assert api.get("/api/v1/checkouts/?open=true").data["count"] == 2
        assert api.get("/api/v1/officers/").data["count"] == 3
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]

    # A search is counted: the kept counts know no asset tags.
    assert api.get("/api/v1/cameras/?q=FIND").data["count"] == 1


def test_the_demo_seed_leaves_one_row_a_key():
    from demo.services import seed_fleet

    seed_fleet(cameras=12, days=1)
    assert_kept()
    assert KeptCount.objects.count() == len(counts.live())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two connections at once")
def test_two_recounts_at_once_count_each_camera_once():
    CameraFactory.create_batch(6, battery_percent=95)
    first_has_counted, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            counts.recount()
            first_has_counted.set()
            release.wait(timeout=10)  # commit only once the second recount waits on it

    def second():
        first_has_counted.wait(timeout=10)
        with transaction.atomic():
            threading.Timer(0.5, release.set).start()
            counts.recount()

    threads = [threading.Thread(target=lambda f=f: (f(), connections.close_all())) for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert counts.counted() == counts.live() == {counts.BATTERY_PREFIX + "95": 6}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the block is a no-op elsewhere")
def test_check_outs_written_in_bulk_are_counted_once_at_the_end_and_the_trigger_counts_again_after():
    from demo.bulk import insert_rows
    from demo.history import CHECKOUT_ROW

    now = timezone.now()
    officer = OfficerFactory()
    rows = [(CameraFactory().pk, officer.pk, now - timedelta(hours=h), now, now, "working", "") for h in (3, 4, 5)]
    counts.recount()
    before = KeptCount.objects.count()
    with counts.checkouts_counted_at_end():
        insert_rows(Checkout, CHECKOUT_ROW, rows)
        assert KeptCount.objects.count() == before, "no row of KeptCount a check-out written"
    assert counts.counted()[counts.CHECKOUTS] == 3
    assert_kept()
    camera = CameraFactory()
    assignment_services.check_out(camera=camera, officer=OfficerFactory(), by=SYSTEM)
    assert counts.counted()[counts.OPEN_CHECKOUTS] == 1  # the trigger counts again
    assert_kept()
