"""The kiosk console at /kiosks/: quartermasters list, register, re-link and revoke kiosks."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts import roles
from assignments.models import Checkout
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, KioskFactory, OfficerFactory, UserFactory
from kiosk.models import Kiosk, KioskAlert

pytestmark = pytest.mark.django_db


@pytest.fixture
def quartermaster(client):
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    return client


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get("/kiosks/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_supervisors_may_not_manage_kiosks(client):
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    assert client.get("/kiosks/").status_code == 403
    assert client.post("/kiosks/register/", {"name": "X"}).status_code == 403
    assert not Kiosk.objects.exists()


def test_registering_shows_a_one_time_link_that_enrolls_a_browser(quartermaster):
    response = quartermaster.post("/kiosks/register/", {"name": "HQ front desk", "location": "HQ lobby"})
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    url = re.search(r'id="enroll-url"[^>]*>(http://testserver/kiosk/enroll/[^<]+)<', page).group(1)
    assert "<svg" in page  # the QR code of the link
    kiosk = Kiosk.objects.get(name="HQ front desk")
    assert kiosk.location == "HQ lobby" and kiosk.state == "Awaiting enrollment"
    device = Client()
    device.get(url.removeprefix("http://testserver"))
    assert device.get("/kiosk/").status_code == 200
    listing = quartermaster.get("/kiosks/").content.decode()
    assert "HQ front desk" in listing and "Enrolled" in listing
    assert AuditEvent.objects.filter(action="kiosk.register", actor_user__isnull=False).exists()


def test_a_duplicate_name_is_refused_on_the_form(quartermaster):
    KioskFactory(name="Front")
    response = quartermaster.post("/kiosks/register/", {"name": "front"})
    assert "already registered" in response.content.decode()
    assert Kiosk.objects.count() == 1


def test_revoking_from_the_console(quartermaster, kiosk_browser):
    kiosk = kiosk_browser.kiosk
    assert "Revoke kiosk" in quartermaster.get(f"/kiosks/{kiosk.pk}/revoke/").content.decode()
    response = quartermaster.post(f"/kiosks/{kiosk.pk}/revoke/", {"reason": "Replaced"}, follow=True)
    assert f"Kiosk {kiosk.name} is revoked" in response.content.decode()
    assert kiosk_browser.get().status_code == 403
    again = quartermaster.post(f"/kiosks/{kiosk.pk}/revoke/", {"reason": "x"}, follow=True)
    assert "already revoked" in again.content.decode()


def test_a_new_link_from_the_console(quartermaster, kiosk_browser):
    response = quartermaster.post(f"/kiosks/{kiosk_browser.kiosk.pk}/link/")
    url = re.search(r'id="enroll-url"[^>]*>http://testserver(/kiosk/enroll/[^<]+)<', response.content.decode()).group(1)
    new_pc = Client()
    new_pc.get(url)
    assert new_pc.get("/kiosk/").status_code == 200
    assert kiosk_browser.get().status_code == 403


@pytest.mark.parametrize("count", [2, 30])
def test_the_kiosk_list_uses_a_fixed_number_of_queries(quartermaster, django_assert_num_queries, count):
    KioskFactory.create_batch(count)
    quartermaster.get("/kiosks/")  # warm the role cache path
    # session, user, groups (role check), kiosks with their last use; the session was saved by the
    # warm-up request (at most once every SESSION_REFRESH_SECONDS)
    with django_assert_num_queries(4):
        response = quartermaster.get("/kiosks/")
    assert response.content.decode().count("Awaiting enrollment") == count


@pytest.mark.parametrize("open_alerts", [1, 60])
def test_the_alerts_page_reads_the_same_queries_however_many_alerts_are_open(
    quartermaster, django_assert_num_queries, open_alerts
):
    kiosk = KioskFactory(name="HQ front desk")
    for n in range(open_alerts):
        checkout = Checkout.objects.create(
            camera=CameraFactory(), officer=OfficerFactory(), due_back_at=timezone.now() + timedelta(hours=9)
        )
        KioskAlert.objects.create(
            kind=KioskAlert.Kind.TYPED_RETURN, kiosk=kiosk, officer=checkout.officer, checkout=checkout, detail=f"n{n}"
        )
    quartermaster.get("/kiosks/alerts/")  # the session's sliding refresh
    # session, user, roles, the open alerts with their kiosk, officer and checkout's camera
    with django_assert_num_queries(4):
        page = quartermaster.get("/kiosks/alerts/").content.decode()
    assert page.count("HQ front desk") == open_alerts
