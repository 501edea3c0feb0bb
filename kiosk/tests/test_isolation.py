"""A kiosk browser never reaches the console, the admin, or another officer's data."""

from __future__ import annotations

import pytest

from accounts import roles
from assignments import services as assignments
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db
STAFF_URLS = ["/", "/inventory/cameras/", "/assignments/officers/", "/kiosks/", "/admin/", "/admin/login/"]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_a_signed_in_kiosk_session_gets_403_from_staff_urls(kiosk_browser, officer, url):
    kiosk_browser.sign_in(officer.badge_number)
    response = kiosk_browser.get(url)
    assert response.status_code == 403
    assert "Only the camera kiosk opens here" in response.content.decode()


def test_a_staff_login_made_on_the_pc_before_enrollment_does_not_open_the_console(client, django_user_model):
    from .conftest import enroll

    user = UserFactory(role=roles.ADMINISTRATOR)
    client.force_login(user)
    enroll(client)
    assert client.get("/admin/").status_code == 403
    assert client.get("/kiosks/").status_code == 403


def test_an_officer_session_is_not_a_django_login(kiosk_browser, officer):
    kiosk_browser.sign_in(officer.badge_number)
    assert "_auth_user_id" not in kiosk_browser.client.session


def test_a_revoked_kiosk_browser_is_an_ordinary_browser_again(kiosk_browser, staff_actor):
    from kiosk import services

    services.revoke_kiosk(kiosk=kiosk_browser.kiosk, by=staff_actor)
    response = kiosk_browser.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_officer_screen_shows_only_their_own_data(kiosk_browser, officer, system_actor):
    colleague = OfficerFactory(first_name="Sam", last_name="Lee")
    theirs = CameraFactory(asset_tag="HPD-BWC-0700")
    assignments.check_out(camera=theirs, officer=colleague, by=system_actor)
    page = kiosk_browser.sign_in(officer.badge_number).content.decode()
    assert "Sam Lee" not in page and "HPD-BWC-0700" not in page and colleague.badge_number not in page


def test_static_files_and_the_kiosk_itself_stay_reachable(kiosk_browser):
    assert kiosk_browser.get("/kiosk/").status_code == 200
    assert kiosk_browser.get("/healthz").status_code in (200, 503)
    assert kiosk_browser.get("/favicon.ico").status_code == 302
