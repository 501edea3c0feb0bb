"""Enrollment, the device cookie, revocation and the enroll_kiosk command."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.actor import Actor
from audit.models import AuditEvent
from kiosk import services
from kiosk.device import COOKIE_NAME
from kiosk.models import Kiosk

from .conftest import enroll

pytestmark = pytest.mark.django_db
NOT_ENROLLED = "This device is not an enrolled kiosk"


def test_a_browser_that_is_not_enrolled_sees_only_that_it_is_not_a_kiosk(client):
    response = client.get("/kiosk/")
    assert response.status_code == 403
    html = response.content.decode()
    assert NOT_ENROLLED in html
    assert "Badge number" not in html and "Return a camera" not in html and "<form" not in html


def test_kiosk_actions_from_a_browser_that_is_not_enrolled_are_refused(client, officer):
    for path in ("/kiosk/sign-in/", "/kiosk/check-out/", "/kiosk/return/", "/kiosk/done/"):
        response = client.post(path, {"badge": officer.badge_number, "pin": "246810", "barcode": "HPD-BWC-0001"})
        assert response.status_code == 403
        assert NOT_ENROLLED in response.content.decode()
    assert not AuditEvent.objects.filter(action="kiosk.sign_in").exists()


def test_opening_the_link_sets_a_signed_httponly_long_lived_cookie_and_shows_the_kiosk(client):
    kiosk = enroll(client, name="District 1 desk")
    cookie = client.cookies[COOKIE_NAME]
    assert cookie["httponly"]
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    secret = cookie.value.split(":")[1]
    # Only the hash is stored: neither the secret nor the cookie value is in the row.
    assert secret not in kiosk.secret_hash and len(kiosk.secret_hash) == 64
    assert kiosk.enrolled_at is not None and kiosk.enrollment_token_hash == ""
    page = client.get("/kiosk/").content.decode()
    assert "Badge number" in page and "Kiosk District 1 desk" in page
    event = AuditEvent.objects.get(action="kiosk.enroll")
    assert event.kiosk == kiosk


def test_the_enrollment_link_works_once(client):
    kiosk, token = services.register_kiosk(name="Front", by=Actor.system_process("tests"))
    url = reverse("kiosk:enroll", args=[token])
    assert client.get(url).status_code == 302
    other = Client()
    response = other.get(url)
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert COOKIE_NAME not in other.cookies
    assert other.get("/kiosk/").status_code == 403


def test_an_expired_enrollment_link_is_refused(client, settings):
    settings.KIOSK_ENROLLMENT_LINK_HOURS = 24
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _, token = services.register_kiosk(name="Front", by=Actor.system_process("tests"))
        traveller.shift(timedelta(hours=24, seconds=1))
        response = client.get(reverse("kiosk:enroll", args=[token]))
    assert response.status_code == 404
    assert client.get("/kiosk/").status_code == 403


def test_a_forged_or_tampered_cookie_is_not_a_kiosk(client, kiosk_browser):
    good = kiosk_browser.client.cookies[COOKIE_NAME].value
    client.cookies[COOKIE_NAME] = f"{kiosk_browser.kiosk.pk}:guessed-secret"
    assert client.get("/kiosk/").status_code == 403
    client.cookies[COOKIE_NAME] = good.replace(good[-3:], "AAA")
    assert client.get("/kiosk/").status_code == 403
    # The genuine cookie still works.
    assert kiosk_browser.get().status_code == 200


def test_a_revoked_kiosk_stops_working_at_once_even_mid_session(kiosk_browser, officer, staff_actor):
    kiosk_browser.sign_in(officer.badge_number)
    services.revoke_kiosk(kiosk=kiosk_browser.kiosk, by=staff_actor, reason="PC stolen")
    response = kiosk_browser.get()
    assert response.status_code == 403
    assert NOT_ENROLLED in response.content.decode()
    kiosk = Kiosk.objects.get(pk=kiosk_browser.kiosk.pk)
    assert kiosk.revoked_at is not None and kiosk.secret_hash == ""
    assert AuditEvent.objects.filter(action="kiosk.revoke", object_id=str(kiosk.pk), reason="PC stolen").exists()


def test_a_new_link_moves_the_kiosk_to_a_new_browser_and_the_old_one_stops(kiosk_browser, staff_actor):
    token = services.issue_enrollment_link(kiosk=kiosk_browser.kiosk, by=staff_actor)
    new_pc = Client()
    assert new_pc.get(reverse("kiosk:enroll", args=[token])).status_code == 302
    assert new_pc.get("/kiosk/").status_code == 200
    assert kiosk_browser.get().status_code == 403


def test_a_revoked_kiosk_gets_no_new_link(kiosk_browser, staff_actor):
    from hartford_bwc.errors import DomainError

    services.revoke_kiosk(kiosk=kiosk_browser.kiosk, by=staff_actor)
    with pytest.raises(DomainError, match="revoked"):
        services.issue_enrollment_link(kiosk=kiosk_browser.kiosk, by=staff_actor)


def test_enroll_kiosk_command_prints_a_url_that_enrolls_the_browser(client, settings):
    settings.SITE_URL = "http://kiosk.example:8000"
    out = StringIO()
    call_command("enroll_kiosk", "Traffic office", "--location", "Traffic", stdout=out, stderr=StringIO())
    url = out.getvalue().strip()
    assert url.startswith("http://kiosk.example:8000/kiosk/enroll/")
    kiosk = Kiosk.objects.get(name="Traffic office")
    assert kiosk.location == "Traffic" and kiosk.enrolled_at is None
    assert client.get(url.removeprefix("http://kiosk.example:8000")).status_code == 302
    assert client.get("/kiosk/").status_code == 200


def test_enroll_kiosk_command_on_an_existing_kiosk_prints_a_new_link(client):
    first, second = StringIO(), StringIO()
    call_command("enroll_kiosk", "Front", stdout=first, stderr=StringIO())
    call_command("enroll_kiosk", "Front", stdout=second, stderr=StringIO())
    assert Kiosk.objects.count() == 1
    old, new = (s.getvalue().strip().split("8000", 1)[1] for s in (first, second))
    assert old != new
    assert client.get(old).status_code == 404  # the first link was replaced
    assert client.get(new).status_code == 302


def test_enroll_kiosk_command_refuses_a_revoked_kiosk(staff_actor):
    kiosk, _ = services.register_kiosk(name="Old desk", by=staff_actor)
    services.revoke_kiosk(kiosk=kiosk, by=staff_actor)
    with pytest.raises(CommandError, match="revoked"):
        call_command("enroll_kiosk", "Old desk", stdout=StringIO(), stderr=StringIO())


def test_registering_a_duplicate_name_is_refused(staff_actor):
    from hartford_bwc.errors import DomainError

    services.register_kiosk(name="Front", by=staff_actor)
    with pytest.raises(DomainError, match="already registered"):
        services.register_kiosk(name="front", by=staff_actor)
