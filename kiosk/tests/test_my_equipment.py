""" "My equipment" at the kiosk: the signed-in officer sees what they hold, their own check-outs and
returns of the last 30 days and the open flags on their cameras, and nothing of any other officer."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assignments import services as assignments
from assignments.models import Checkout
from hartford_bwc.factories import CameraFactory, OfficerFactory
from inventory.models import Flag
from kiosk.selectors import my_equipment

from .conftest import PIN
from .test_queries import build_fleet

pytestmark = pytest.mark.django_db

MY_EQUIPMENT = reverse("kiosk:my_equipment")


def past_checkout(camera, officer, *, days_ago: float, returned: bool = True) -> Checkout:
    out = timezone.now() - timedelta(days=days_ago)
    return Checkout.objects.create(
        camera=camera,
        officer=officer,
        checked_out_at=out,
        due_back_at=out + timedelta(hours=10),
        checked_in_at=out + timedelta(hours=9) if returned else None,
        condition=Checkout.Condition.WORKING if returned else "",
    )


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_signed_in_screen_links_to_my_equipment(kiosk_browser, officer):
    page = page_of(kiosk_browser.sign_in(officer.badge_number))
    assert f'href="{MY_EQUIPMENT}"' in page


def test_it_shows_the_cameras_held_now_the_personal_camera_and_their_flags(
    kiosk_browser, officer, personal_camera, spare, system_actor
):
    assignments.check_out(camera=spare, officer=officer, by=system_actor)
    Flag.objects.create(camera=spare, kind=Flag.Kind.RETURN_OVERDUE, detail="Due back from Reyes")
    Flag.objects.create(camera=personal_camera, kind=Flag.Kind.INSPECTION_DUE, detail="Last inspected long ago")
    kiosk_browser.sign_in(officer.badge_number)

    page = page_of(kiosk_browser.get(MY_EQUIPMENT))

    assert "<strong>HPD-BWC-0100</strong> checked out" in page
    assert "<strong>HPD-BWC-0412</strong> my personal-issue camera" in page
    assert "Return overdue" in page and "Inspection due" in page


def test_it_shows_the_last_30_days_of_check_outs_and_returns_and_no_older(kiosk_browser, officer, dock):
    recent, old = CameraFactory(asset_tag="HPD-BWC-0201"), CameraFactory(asset_tag="HPD-BWC-0202")
    past_checkout(recent, officer, days_ago=3)
    past_checkout(old, officer, days_ago=45)
    kiosk_browser.sign_in(officer.badge_number)

    page = page_of(kiosk_browser.get(MY_EQUIPMENT))

    assert "HPD-BWC-0201" in page and "(working)" in page
    assert "HPD-BWC-0202" not in page
    assert "You hold no camera." in page and "No open flag." in page


def test_the_30_days_end_exactly_30_days_back_from_now(officer, dock):

    now = timezone.now().replace(microsecond=0)
    edge = now - timedelta(days=30)

    def checkout(tag, out, back):
        return Checkout.objects.create(
            camera=CameraFactory(asset_tag=tag), officer=officer, checked_out_at=out,
            due_back_at=out + timedelta(hours=10), checked_in_at=back, condition=Checkout.Condition.WORKING,
        )  # fmt: skip

    checkout("HPD-BWC-0501", edge, edge + timedelta(hours=8))  # out at the very edge: shown
    checkout("HPD-BWC-0502", edge - timedelta(hours=9), edge + timedelta(minutes=1))  # back inside: shown
    checkout("HPD-BWC-0503", edge - timedelta(hours=9), edge - timedelta(seconds=1))  # back just before: gone
    with time_machine.travel(now, tick=False):
        shown = [row.camera.asset_tag for row in my_equipment(officer, now=timezone.now()).history]
    assert shown == ["HPD-BWC-0501", "HPD-BWC-0502"]


def test_it_never_shows_another_officers_cameras_history_or_flags(kiosk_browser, officer, system_actor, dock):
    other = OfficerFactory(first_name="Morgan", last_name="Castillo")
    theirs, returned_by_them = CameraFactory(asset_tag="HPD-BWC-0301"), CameraFactory(asset_tag="HPD-BWC-0302")
    assignments.check_out(camera=theirs, officer=other, by=system_actor)
    past_checkout(returned_by_them, other, days_ago=2)
    Flag.objects.create(camera=theirs, kind=Flag.Kind.RETURN_OVERDUE, detail="Due back from Castillo")
    # A flag on my camera raised while Castillo held it: its kind shows, its detail (naming them) never.
    mine = CameraFactory(asset_tag="HPD-BWC-0303")
    assignments.check_out(camera=mine, officer=officer, by=system_actor)
    Flag.objects.create(camera=mine, kind=Flag.Kind.CHARGING_OVERDUE, detail="Last held by Castillo, badge 4411")
    kiosk_browser.sign_in(officer.badge_number)

    page = page_of(kiosk_browser.get(MY_EQUIPMENT))

    assert "HPD-BWC-0303" in page and "Charging overdue" in page
    for foreign in ("HPD-BWC-0301", "HPD-BWC-0302", "Castillo", "Morgan", other.badge_number, "Return overdue"):
        assert foreign not in page


def test_without_a_signed_in_officer_it_sends_the_kiosk_home(kiosk_browser):
    response = kiosk_browser.get(MY_EQUIPMENT)
    assert response.status_code == 302 and response["Location"] == reverse("kiosk:home")


def test_a_browser_that_is_not_an_enrolled_kiosk_sees_nothing(client, officer):
    response = client.get(MY_EQUIPMENT)
    assert response.status_code == 403
    assert officer.display_name not in response.content.decode()


@pytest.fixture(params=[475, 5000], ids=["fleet475", "fleet5000"])
def fleet(request, db):
    build_fleet(request.param)
    return request.param


def test_my_equipment_runs_a_fixed_number_of_queries(
    fleet, kiosk_browser, officer, personal_camera, spare, system_actor, django_assert_num_queries
):
    assignments.check_out(camera=spare, officer=officer, by=system_actor)
    Flag.objects.create(camera=spare, kind=Flag.Kind.RETURN_OVERDUE)
    for days_ago in range(1, 20):
        past_checkout(CameraFactory(), officer, days_ago=days_ago)
    kiosk_browser.sign_in(officer.badge_number, PIN)
    # kiosk, session, officer; held checkouts, personal issue, 30 days of history, open flags;
    # session save in a savepoint
    with django_assert_num_queries(10):
        page = page_of(kiosk_browser.get(MY_EQUIPMENT))
    assert page.count("<tr>") == 1 + 20
