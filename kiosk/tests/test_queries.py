"""Each kiosk step runs a fixed number of SQL queries, whatever the size of the fleet (475 and 5,000)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from assignments import services as assignments
from assignments.models import Checkout, Officer
from hartford_bwc.factories import CameraModelFactory, DeviceFactory, PairingFactory, VehicleFactory
from inventory.models import Camera, Dock
from kiosk.models import BadgeLockout, KioskLockout

from .conftest import PIN, status

pytestmark = pytest.mark.django_db

# PostgreSQL serializes appends to the audit chain with an advisory lock: one more query per event.
AUDIT_LOCK = 1 if connection.vendor == "postgresql" else 0


def build_fleet(size: int) -> None:
    """`size` cameras in docks, half of them out with officers; bulk-created so a 5,000 fleet takes a second."""
    now = timezone.now()
    model = CameraModelFactory()
    docks = Dock.objects.bulk_create(
        [Dock(name=f"Fleet dock {i:04d}", location="District 1 station", bays=8) for i in range(size // 8 + 1)]
    )
    officers = Officer.objects.bulk_create(
        [Officer(badge_number=str(50000 + i), first_name="Pat", last_name=f"Fleet{i}") for i in range(size)],
        batch_size=2000,
    )
    cameras = []
    for i in range(size):
        out = i % 2 == 1
        cameras.append(
            Camera(
                asset_tag=f"HPD-BWC-F{i:05d}",
                serial_number=f"FLEET{i:07d}",
                model=model,
                status=Camera.Status.CHECKED_OUT if out else Camera.Status.AVAILABLE,
                dock=None if out else docks[i // 8],
                dock_bay=None if out else i % 8 + 1,
                last_full_charge_at=now - timedelta(hours=30),
                last_returned_at=now - timedelta(hours=40 + i % 50),
            )
        )
    cameras = Camera.objects.bulk_create(cameras, batch_size=2000)
    Checkout.objects.bulk_create(
        [
            Checkout(
                camera=camera,
                officer=officers[i],
                checked_out_at=now - timedelta(hours=3),
                due_back_at=now + timedelta(hours=9),
            )
            for i, camera in enumerate(cameras)
            if i % 2 == 1
        ],
        batch_size=2000,
    )


@pytest.fixture(params=[475, 5000], ids=["fleet475", "fleet5000"])
def fleet(request, db):
    build_fleet(request.param)
    return request.param


def test_sign_in_and_the_officer_screen(fleet, kiosk_browser, officer, personal_camera, django_assert_num_queries):
    # The kiosk's and the badge's lock-out rows are created by their first sign-in; the pin is for
    # every later one (the queue at shift change).
    KioskLockout.objects.create(kiosk=kiosk_browser.kiosk)
    BadgeLockout.objects.create(badge=officer.badge_number)
    kiosk_browser.get()
    # kiosk; in one transaction (savepoint ... release): the kiosk's and the badge's lock-out rows
    # locked, officer, audit ([PG lock], last hash, insert); the officer's untold kiosk alerts;
    # the fresh session (key exists?, savepoint, insert, release)
    with django_assert_num_queries(13 + AUDIT_LOCK):
        response = kiosk_browser.sign_in(officer.badge_number, PIN, follow=False)
    assert response.status_code == 302
    # kiosk, session, officer, holding, personal camera; session save in a savepoint
    with django_assert_num_queries(8):
        page = kiosk_browser.get().content.decode()
    assert "Take my camera HPD-BWC-0412" in page


def test_check_out(fleet, kiosk_browser, officer, django_assert_num_queries):
    kiosk_browser.sign_in(officer.badge_number)
    page = kiosk_browser.get().content.decode()
    assert "Take spare HPD-BWC-F" in page  # the spare rested longest, found in one query
    # The officer's own triggers and one paired with the camera: the confirmation lists them in one query.
    for _ in range(2):
        DeviceFactory(status="issued", officer=officer, issued_at=timezone.now())
    in_a_vehicle = DeviceFactory(status="issued", vehicle=VehicleFactory(), issued_at=timezone.now())
    PairingFactory(camera=Camera.objects.get(asset_tag="HPD-BWC-F00000"), device=in_a_vehicle)
    PairingFactory(camera=Camera.objects.get(asset_tag="HPD-BWC-F00000"))  # on the shelf: not listed
    # session, kiosk, officer, camera by barcode; check_out: camera and officer locked, certification,
    # held, shift, insert checkout, the reports' counts (day, officer-camera total, hour: one upsert
    # each; the officer's shift day, new today, and its weekday count: two more), update camera
    # (savepoints), audit; session save
    with django_assert_num_queries(25 + AUDIT_LOCK):
        response = kiosk_browser.check_out("HPD-BWC-F00000", follow=False)
    assert response.status_code == 302
    # kiosk, session, the checkout with camera and officer; the signal triggers paired with the camera
    # or issued to the officer; session save in a savepoint
    with django_assert_num_queries(7):
        done = kiosk_browser.get("/kiosk/done/")
    assert "HPD-BWC-F00000 is checked out" in status(done)
    assert done.content.decode().count("HPD-SIG-") == 3


def test_check_in(fleet, kiosk_browser, django_assert_num_queries):
    # Step 1: kiosk, camera by barcode, its open checkout (changes nothing; no session needed).
    with django_assert_num_queries(3):
        page = kiosk_browser.return_camera("HPD-BWC-F00001", follow=False).content.decode()
    assert ">Working<" in page
    # Step 2, scanned: check_in (camera locked, open checkout locked, update both, the reports' counts:
    # day and officer-camera total, one upsert each, audit: the checkout named by the locked camera,
    # not a third read of it), the return's
    # entry method and its audit event, all in one savepoint; then the free dock bay: the first dock
    # with room where the kiosk stands (none here), else the first anywhere, then its taken bays.
    with django_assert_num_queries(20 + 2 * AUDIT_LOCK):
        response = kiosk_browser.post(
            "/kiosk/return/",
            {"barcode": "HPD-BWC-F00001", "condition": "working", "entry_method": "scanned"},
            follow=False,
        )
    assert response.status_code == 302
    assert Checkout.objects.get(camera__asset_tag="HPD-BWC-F00001").checked_in_at is not None


def test_pre_shift_pass(fleet, kiosk_browser, officer, personal_camera, django_assert_num_queries):
    kiosk_browser.sign_in(officer.badge_number)
    kiosk_browser.check_out(personal_camera.asset_tag)
    # kiosk, session, checkout; audit (savepoint, last hash, insert); session save in a savepoint
    with django_assert_num_queries(10 + AUDIT_LOCK):
        response = kiosk_browser.post("/kiosk/done/", {"outcome": "passed"})
    assert response.status_code == 302


def test_the_fixture_fleets_have_their_size(fleet):
    assert Camera.objects.count() == fleet
    assert assignments.Checkout.objects.open().count() == fleet // 2
