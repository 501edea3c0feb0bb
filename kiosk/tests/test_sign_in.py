"""Sign-in with badge and PIN, the per-badge lock-out and its expiry, and sign-out."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from assignments import services as assignments
from audit.models import AuditEvent
from hartford_bwc.factories import OfficerFactory
from kiosk.models import BadgeLockout

from .conftest import PIN, KioskBrowser, alert, enroll, status

pytestmark = pytest.mark.django_db
WRONG = "That badge number and PIN do not match"


def test_an_officer_signs_in_with_badge_and_pin(kiosk_browser, officer):
    response = kiosk_browser.sign_in(officer.badge_number)
    page = response.content.decode()
    assert officer.display_name in page
    assert "Camera barcode" in page and ">Check out<" in page and ">Sign out<" in page
    event = AuditEvent.objects.get(action="kiosk.sign_in")
    assert event.kiosk == kiosk_browser.kiosk and event.officer == officer


def test_badge_with_spaces_from_a_scanner_still_signs_in(kiosk_browser, officer):
    response = kiosk_browser.sign_in(f"  {officer.badge_number}\n")
    assert officer.display_name in response.content.decode()


def test_wrong_pin_and_unknown_badge_get_the_same_refusal(kiosk_browser, officer):
    wrong_pin = alert(kiosk_browser.sign_in(officer.badge_number, pin="135799"))
    unknown = alert(kiosk_browser.sign_in("99999", pin="135799"))
    assert WRONG in wrong_pin
    assert wrong_pin == unknown  # nothing tells whether the badge exists


def test_an_unknown_badge_still_runs_the_pin_hasher(kiosk_browser):
    with mock.patch("assignments.services.make_password") as hasher:
        kiosk_browser.sign_in("99999", pin="135799")
    assert hasher.called


def test_the_refusal_keeps_the_badge_but_never_echoes_the_pin(kiosk_browser, officer):
    page = kiosk_browser.sign_in(officer.badge_number, pin="975319").content.decode()
    assert f'value="{officer.badge_number}"' in page
    assert "975319" not in page


def test_empty_fields_ask_for_badge_and_pin(kiosk_browser):
    assert "Enter your badge number and your PIN" in alert(kiosk_browser.sign_in("", pin=""))
    assert not BadgeLockout.objects.exists()


def test_five_wrong_pins_lock_the_badge_even_for_the_right_pin(kiosk_browser, officer, settings):
    settings.KIOSK_LOCKOUT_FAILURES, settings.KIOSK_LOCKOUT_MINUTES = 5, 10
    for attempt in range(4):
        message = alert(kiosk_browser.sign_in(officer.badge_number, pin="135799"))
        assert f"{4 - attempt} tr" in message
    fifth = alert(kiosk_browser.sign_in(officer.badge_number, pin="135799"))
    assert "locked until" in fifth
    refused = kiosk_browser.sign_in(officer.badge_number, pin=PIN)
    assert "locked until" in alert(refused)
    assert officer.display_name not in refused.content.decode()
    assert AuditEvent.objects.filter(action="kiosk.badge_locked", kiosk=kiosk_browser.kiosk).count() == 1


def test_the_lock_is_per_badge_so_the_queue_behind_can_still_sign_in(kiosk_browser, officer, system_actor):
    colleague = OfficerFactory()
    assignments.set_officer_pin(officer=colleague, pin="864202", by=system_actor)
    for _ in range(5):
        kiosk_browser.sign_in(officer.badge_number, pin="135799")
    response = kiosk_browser.sign_in(colleague.badge_number, pin="864202")
    assert colleague.display_name in response.content.decode()


def test_the_lock_is_per_badge_not_per_kiosk(kiosk_browser, officer):
    for _ in range(5):
        kiosk_browser.sign_in(officer.badge_number, pin="135799")
    other = Client()
    enroll(other, name="District 2 desk")
    assert "locked until" in alert(KioskBrowser(other, None).sign_in(officer.badge_number))


def test_an_unknown_badge_locks_the_same_way(kiosk_browser):
    for _ in range(5):
        kiosk_browser.sign_in("99999", pin="135799")
    assert "locked until" in alert(kiosk_browser.sign_in("99999", pin="135799"))


def test_the_lock_expires_after_the_lockout_minutes(kiosk_browser, officer, settings):
    settings.KIOSK_LOCKOUT_MINUTES = 10
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            kiosk_browser.sign_in(officer.badge_number, pin="135799")
        traveller.shift(timedelta(minutes=9, seconds=59))
        assert "locked until" in alert(kiosk_browser.sign_in(officer.badge_number))
        traveller.shift(timedelta(seconds=2))
        response = kiosk_browser.sign_in(officer.badge_number)
    assert officer.display_name in response.content.decode()
    assert not BadgeLockout.objects.filter(badge=officer.badge_number).exists()


def test_after_the_lock_expires_a_wrong_pin_starts_a_fresh_count(kiosk_browser, officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            kiosk_browser.sign_in(officer.badge_number, pin="135799")
        traveller.shift(timedelta(minutes=11))
        message = alert(kiosk_browser.sign_in(officer.badge_number, pin="135799"))
    assert "4 tries left" in message


def test_a_success_resets_the_count_of_failures(kiosk_browser, officer):
    for _ in range(4):
        kiosk_browser.sign_in(officer.badge_number, pin="135799")
    kiosk_browser.sign_in(officer.badge_number)
    kiosk_browser.sign_out()
    assert "4 tries left" in alert(kiosk_browser.sign_in(officer.badge_number, pin="135799"))


def test_an_inactive_officer_cannot_sign_in(kiosk_browser, officer, system_actor):
    assignments.set_officer_active(officer=officer, active=False, by=system_actor)
    response = kiosk_browser.sign_in(officer.badge_number)
    assert "suspended" in alert(response)
    assert "Camera barcode" not in response.content.decode().split("Return a camera")[0]
    assert kiosk_browser.check_out("HPD-BWC-0001").redirect_chain[-1][0] == "/kiosk/"


def test_an_inactive_officer_with_a_wrong_pin_gets_the_usual_refusal(kiosk_browser, officer, system_actor):
    assignments.set_officer_active(officer=officer, active=False, by=system_actor)
    assert WRONG in alert(kiosk_browser.sign_in(officer.badge_number, pin="135799"))


def test_sign_out_ends_the_session_and_is_audited(kiosk_browser, officer):
    kiosk_browser.sign_in(officer.badge_number)
    response = kiosk_browser.sign_out()
    assert "You are signed out" in status(response)
    assert "Badge number" in response.content.decode()
    assert AuditEvent.objects.filter(action="kiosk.sign_out", officer=officer, kiosk=kiosk_browser.kiosk).exists()


def test_signing_in_replaces_the_session_so_nothing_from_before_survives(kiosk_browser, officer):
    kiosk_browser.get()
    before = kiosk_browser.client.session.session_key
    kiosk_browser.sign_in(officer.badge_number)
    assert kiosk_browser.client.session.session_key != before
