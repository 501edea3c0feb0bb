"""Taking a camera: the offer, scanning, every refusal, the confirmation, sign-out and idle sign-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from assignments import services as assignments
from assignments.models import Checkout
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, OfficerFactory
from inventory import services as inventory
from inventory.models import Camera, MaintenanceRecord

from .conftest import PIN, alert, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(kiosk_browser, officer):
    kiosk_browser.sign_in(officer.badge_number)
    return kiosk_browser


def test_a_docked_charged_personal_camera_is_offered_with_one_big_button(signed_in, personal_camera, spare):
    page = signed_in.get().content.decode()
    assert "Take my camera HPD-BWC-0412" in page
    assert "Take spare" not in page


def test_taking_my_camera_checks_it_out_shows_the_confirmation_and_signs_out(signed_in, officer, personal_camera):
    response = signed_in.check_out("HPD-BWC-0412")
    assert response.redirect_chain[-1][0] == "/kiosk/done/"
    assert "HPD-BWC-0412 is checked out to" in status(response)
    page = response.content.decode()
    checkout = Checkout.objects.open().get(officer=officer)
    assert checkout.camera == personal_camera and checkout.out_kiosk == signed_in.kiosk
    assert officer.display_name in page and "Expected return" in page
    assert timezone.localtime(checkout.due_back_at).strftime("%H:%M").lstrip("0") in page
    assert "from Dock 01, bay 1" in page
    # Signed out at once: the start screen, not the officer's screen.
    after = signed_in.get().content.decode()
    assert "Badge number" in after and "Camera barcode" in after and officer.display_name not in after
    assert signed_in.check_out("HPD-BWC-0100").redirect_chain[-1][0] == "/kiosk/"
    event = AuditEvent.objects.get(action="checkout.check_out")
    assert event.kiosk == signed_in.kiosk and event.actor_officer == officer


def test_when_the_personal_camera_is_not_charged_the_spare_rested_longest_is_offered(
    signed_in, personal_camera, dock, system_actor
):
    Camera.objects.filter(pk=personal_camera.pk).update(last_full_charge_at=None)
    now = timezone.now()
    CameraFactory(asset_tag="HPD-BWC-0200", dock=dock, dock_bay=3, last_returned_at=now - timedelta(hours=3))
    CameraFactory(asset_tag="HPD-BWC-0201", dock=dock, dock_bay=4, last_returned_at=now - timedelta(hours=30))
    CameraFactory(
        asset_tag="HPD-BWC-0202",
        dock=dock,
        dock_bay=5,
        last_returned_at=now - timedelta(hours=50),
        last_full_charge_at=now - timedelta(hours=60),
    )  # not charged since it came back
    page = signed_in.get().content.decode()
    assert "Your camera HPD-BWC-0412 is not ready (not charged)" in page
    assert "Take spare HPD-BWC-0201" in page
    assert "Take my camera" not in page


def test_any_camera_can_be_scanned_or_its_number_typed(signed_in, officer, spare):
    response = signed_in.check_out("100")
    assert "HPD-BWC-0100 is checked out" in status(response)
    assert Checkout.objects.get(officer=officer).camera == spare


def test_unknown_camera_is_refused_with_what_to_do(signed_in):
    response = signed_in.check_out("HPD-XYZ")
    assert "No camera has the barcode “HPD-XYZ”" in alert(response)
    assert "Scan the label again" in alert(response)
    assert not Checkout.objects.exists()


def test_camera_in_maintenance_is_refused_and_a_spare_offered(signed_in, spare, dock, system_actor):
    broken = CameraFactory(asset_tag="HPD-BWC-0300")
    inventory.open_maintenance(camera=broken, kind=MaintenanceRecord.Kind.REPAIR, by=system_actor, problem="lens")
    response = signed_in.check_out("HPD-BWC-0300")
    assert "in maintenance" in alert(response) and "Take a spare" in alert(response)
    assert "Take spare HPD-BWC-0100" in response.content.decode()
    assert not Checkout.objects.exists()


def test_retired_camera_is_refused(signed_in, system_actor):
    old = CameraFactory(asset_tag="HPD-BWC-0301")
    inventory.retire(camera=old, by=system_actor, reason="end of life")
    assert "retired" in alert(signed_in.check_out("HPD-BWC-0301"))
    assert not Checkout.objects.exists()


def test_lost_camera_is_refused(signed_in, system_actor):
    lost = CameraFactory(asset_tag="HPD-BWC-0302")
    inventory.report_lost(camera=lost, incident_number="HPD-26-1234", by=system_actor)
    message = alert(signed_in.check_out("HPD-BWC-0302"))
    assert "reported lost" in message and "HPD-26-1234" in message and "quartermaster" in message


def test_uncharged_camera_is_refused_with_a_charged_spare_suggested(signed_in, spare):
    CameraFactory(asset_tag="HPD-BWC-0303", last_full_charge_at=None)
    response = signed_in.check_out("HPD-BWC-0303")
    assert "not charged enough" in alert(response)
    assert "Take spare HPD-BWC-0100" in response.content.decode()
    taken = signed_in.check_out("HPD-BWC-0100")
    assert "HPD-BWC-0100 is checked out" in status(taken)


def test_camera_out_with_someone_else_is_refused_naming_whom_and_since_when(signed_in, spare, system_actor):
    colleague = OfficerFactory(first_name="Sam", last_name="Lee")
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        assignments.check_out(camera=spare, officer=colleague, by=system_actor)
    message = alert(signed_in.check_out("HPD-BWC-0100"))
    since = timezone.localtime(timezone.now() - timedelta(hours=2)).strftime("%H:%M")
    assert f"already checked out to Ofc. Sam Lee (badge {colleague.badge_number})" in message
    assert since in message


def test_an_officer_who_already_holds_a_camera_is_told_which(signed_in, officer, spare, system_actor):
    held = CameraFactory(asset_tag="HPD-BWC-0304")
    assignments.check_out(camera=held, officer=officer, by=system_actor)
    page = signed_in.get().content.decode()
    assert "You hold <strong>HPD-BWC-0304</strong>" in page and "Take spare" not in page
    message = alert(signed_in.check_out("HPD-BWC-0100"))
    assert "already holds HPD-BWC-0304" in message and "Return it" in message


def test_someone_elses_personal_camera_is_refused(signed_in, dock, system_actor):
    colleague = OfficerFactory()
    theirs = CameraFactory(asset_tag="HPD-BWC-0305", dock=dock, dock_bay=6)
    assignments.issue_personal(officer=colleague, camera=theirs, by=system_actor)
    assert "personal camera of" in alert(signed_in.check_out("HPD-BWC-0305"))


def test_an_empty_scan_asks_for_the_barcode(signed_in):
    assert "Scan the camera's barcode" in alert(signed_in.check_out(""))


def test_check_out_without_signing_in_goes_back_to_the_start(kiosk_browser, spare):
    response = kiosk_browser.check_out("HPD-BWC-0100")
    assert "Sign in with your badge number and PIN first" in alert(response)
    assert not Checkout.objects.exists()


# --- idle -----------------------------------------------------------------------------------------


def test_the_server_signs_out_an_officer_idle_longer_than_the_limit(kiosk_browser, officer, spare, settings):
    settings.KIOSK_IDLE_SECONDS = 20
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        kiosk_browser.sign_in(officer.badge_number)
        traveller.shift(timedelta(seconds=19))
        assert officer.display_name in kiosk_browser.get().content.decode()  # a request keeps it alive
        traveller.shift(timedelta(seconds=21))
        response = kiosk_browser.check_out("HPD-BWC-0100")
    assert "signed out after 20 seconds" in status(response)
    assert officer.display_name not in response.content.decode()
    assert not Checkout.objects.exists()
    assert AuditEvent.objects.filter(action="kiosk.sign_out", reason="idle", officer=officer).exists()


def test_the_page_submits_an_idle_sign_out(kiosk_browser, officer):
    kiosk_browser.sign_in(officer.badge_number)
    response = kiosk_browser.post("/kiosk/sign-out/", {"reason": "idle"}, follow=True)
    assert "signed out after" in status(response)
    assert AuditEvent.objects.filter(action="kiosk.sign_out", reason="idle").exists()


def test_the_pre_shift_check_stays_open_its_own_minute_then_expires(kiosk_browser, officer, spare, settings):
    # docs/domain.md: the pre-shift check screen closes after 60 s; it closed after 10 s (the page) and
    # 20 s (the server), too short to power a camera on and record a test clip.
    settings.KIOSK_IDLE_SECONDS, settings.KIOSK_PRESHIFT_SECONDS = 20, 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        kiosk_browser.sign_in(officer.badge_number)
        page = kiosk_browser.check_out("HPD-BWC-0100").content.decode()
        assert "Closes in <span data-countdown>60</span> s" in page
        traveller.shift(timedelta(seconds=59))
        response = kiosk_browser.get("/kiosk/done/", follow=True)
        assert response.redirect_chain == [] and "Pre-shift check" in response.content.decode()
        traveller.shift(timedelta(seconds=61))
        response = kiosk_browser.get("/kiosk/done/", follow=True)
    assert response.redirect_chain[-1][0] == "/kiosk/"
    assert officer.display_name not in response.content.decode()


# --- pre-shift check --------------------------------------------------------------------------------


def test_passing_the_pre_shift_check_is_recorded_and_ends_the_visit(kiosk_browser, officer, spare):
    kiosk_browser.sign_in(officer.badge_number)
    page = kiosk_browser.check_out("HPD-BWC-0100").content.decode()
    for item in ("Powers on", "Records a test clip", "Mount and clip intact"):
        assert f"{item}: failed, swap camera" in page
    response = kiosk_browser.post("/kiosk/done/", {"outcome": "passed"}, follow=True)
    assert "Pre-shift check passed for HPD-BWC-0100" in status(response)
    event = AuditEvent.objects.get(action="checkout.preshift_passed")
    assert event.kiosk == kiosk_browser.kiosk and event.officer == officer
    assert kiosk_browser.get("/kiosk/done/", follow=True).redirect_chain[-1][0] == "/kiosk/"


def test_a_failed_check_swaps_the_camera_in_one_tap(kiosk_browser, officer, personal_camera, spare):
    kiosk_browser.sign_in(officer.badge_number)
    kiosk_browser.check_out("HPD-BWC-0412")
    response = kiosk_browser.post("/kiosk/done/", {"outcome": "failed", "item": "1"}, follow=True)
    assert "HPD-BWC-0412 is checked in as damaged: hand it to the supervisor. Take HPD-BWC-0100" in status(response)
    assert "HPD-BWC-0100 is checked out to" in status(response)
    faulty = Checkout.objects.get(camera=personal_camera)
    assert faulty.condition == "damaged" and "Records a test clip" in faulty.damage_description
    assert Camera.objects.get(pk=personal_camera.pk).status == Camera.Status.IN_MAINTENANCE
    assert MaintenanceRecord.objects.open().get(camera=personal_camera)
    assert Checkout.objects.open().get(officer=officer).camera == spare


def test_a_failed_check_with_no_spare_left_returns_the_camera_and_says_so(kiosk_browser, officer, personal_camera):
    kiosk_browser.sign_in(officer.badge_number)
    kiosk_browser.check_out("HPD-BWC-0412")
    response = kiosk_browser.post("/kiosk/done/", {"outcome": "failed", "item": "0"}, follow=True)
    assert "No charged spare is ready" in alert(response)
    assert not Checkout.objects.open().filter(officer=officer).exists()


def test_the_pre_shift_swap_only_touches_this_sessions_checkout(kiosk_browser, officer, spare, system_actor):
    other = OfficerFactory()
    theirs = CameraFactory(asset_tag="HPD-BWC-0500")
    assignments.check_out(camera=theirs, officer=other, by=system_actor)
    kiosk_browser.post("/kiosk/done/", {"outcome": "failed", "item": "0"})
    assert Checkout.objects.open().get(officer=other).camera == theirs


def test_an_officer_without_a_current_certification_is_refused_with_what_to_do(kiosk_browser, spare, system_actor):
    officer = OfficerFactory(certified=False, first_name="Lee", last_name="Park", badge_number="5150")
    assignments.set_officer_pin(officer=officer, pin=PIN, by=system_actor)
    kiosk_browser.sign_in(officer.badge_number)

    response = kiosk_browser.check_out("HPD-BWC-0100")

    assert alert(response) == (
        "Ofc. Lee Park (badge 5150) has no body-worn camera certification on record, so no camera can be issued. "
        "Complete BWC training and have the training record given to the quartermaster, then try again."
    )
    assert not Checkout.objects.exists()
