"""Returning a camera without signing in: working (which dock) or damaged (to the supervisor)."""

from __future__ import annotations

import pytest

from assignments import services as assignments
from assignments.models import Checkout
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, DockFactory
from inventory.models import Camera, MaintenanceRecord

from .conftest import alert, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def out_camera(officer, spare, system_actor):
    assignments.check_out(camera=spare, officer=officer, by=system_actor)
    spare.refresh_from_db()
    return spare


def test_scanning_a_camera_that_is_out_asks_working_or_damaged(kiosk_browser, out_camera):
    response = kiosk_browser.return_camera("HPD-BWC-0100")
    page = response.content.decode()
    assert "Return a camera" in page and ">Working<" in page and ">Damaged<" in page
    assert '<label for="id_damage_description">What is wrong</label>' in page
    assert Checkout.objects.get(camera=out_camera).checked_in_at is None  # nothing changed yet


def test_a_working_return_checks_in_and_names_a_dock_with_a_free_bay(kiosk_browser, out_camera, dock):
    CameraFactory(asset_tag="HPD-BWC-0600", dock=dock, dock_bay=1)
    response = kiosk_browser.return_camera("HPD-BWC-0100", condition="working")
    # Bay 1 is taken; the camera that left bay 2 freed it.
    assert "HPD-BWC-0100 is checked in. Put it in Dock 01, bay 2." in status(response)
    checkout = Checkout.objects.get(camera=out_camera)
    assert checkout.condition == "working" and checkout.in_kiosk == kiosk_browser.kiosk
    assert Camera.objects.get(pk=out_camera.pk).status == Camera.Status.AVAILABLE
    event = AuditEvent.objects.get(action="checkout.check_in")
    assert event.kiosk == kiosk_browser.kiosk and event.actor_kind == "kiosk"


def test_the_dock_suggestion_prefers_docks_where_the_kiosk_stands(
    kiosk_browser, out_camera, dock, officer, system_actor
):
    for bay in range(1, 9):
        if bay != 2:
            CameraFactory(dock=dock, dock_bay=bay)
    DockFactory(name="Dock 00", location="District 2 station", bays=8)
    DockFactory(name="Dock 02", location="HQ equipment room", bays=8)
    response = kiosk_browser.return_camera("HPD-BWC-0100", condition="working")
    assert "Put it in Dock 01, bay 2" in status(response)
    CameraFactory(dock=dock, dock_bay=2, asset_tag="HPD-BWC-0999")
    # Dock 01 is now full: the next free bay is in the other dock at the kiosk's location, not District 2.
    assignments.check_out(camera=out_camera, officer=officer, by=system_actor, allow_uncharged=True)
    response = kiosk_browser.return_camera("HPD-BWC-0100", condition="working")
    assert "Put it in Dock 02, bay 1" in status(response)


def test_a_damaged_return_opens_maintenance_and_sends_it_to_the_supervisor(kiosk_browser, out_camera):
    response = kiosk_browser.return_camera("HPD-BWC-0100", condition="damaged", damage_description="Cracked lens")
    message = status(response)
    assert "checked in as damaged" in message and "Hand it to the supervisor" in message
    assert Camera.objects.get(pk=out_camera.pk).status == Camera.Status.IN_MAINTENANCE
    record = MaintenanceRecord.objects.open().get(camera=out_camera)
    assert record.problem == "Cracked lens"
    assert Checkout.objects.get(camera=out_camera).condition == "damaged"


def test_damaged_without_saying_what_is_wrong_asks_for_it_and_changes_nothing(kiosk_browser, out_camera):
    response = kiosk_browser.return_camera("HPD-BWC-0100", condition="damaged", damage_description="  ")
    assert "Say what is wrong" in alert(response)
    assert ">Damaged<" in response.content.decode()  # still on the same step
    assert Checkout.objects.get(camera=out_camera).checked_in_at is None


def test_a_camera_with_no_open_checkout_gets_a_clear_message_and_nothing_changes(kiosk_browser, spare):
    before = Camera.objects.values().get(pk=spare.pk)
    events = AuditEvent.objects.count()
    response = kiosk_browser.return_camera("HPD-BWC-0100")
    assert "not checked out, so there is nothing to return and nothing was changed" in alert(response)
    assert Camera.objects.values().get(pk=spare.pk) == before
    assert AuditEvent.objects.count() == events
    # The second step, posted directly, is refused by the service too.
    response = kiosk_browser.return_camera("HPD-BWC-0100", condition="working")
    assert "not checked out" in alert(response)
    assert Camera.objects.values().get(pk=spare.pk) == before


def test_an_unknown_camera_cannot_be_returned(kiosk_browser):
    assert "No camera has the barcode" in alert(kiosk_browser.return_camera("NOPE-1"))


def test_returning_needs_no_sign_in_and_does_not_sign_anyone_in(kiosk_browser, out_camera, officer):
    response = kiosk_browser.return_camera("HPD-BWC-0100", condition="working")
    page = response.content.decode()
    assert "Badge number" in page and officer.display_name not in page
