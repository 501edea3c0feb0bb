"""The kiosk's badge lock-out names who can lift it, and an unlock lets the officer sign in (issue 14, item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assignments import services
from hartford_bwc.factories import OfficerFactory
from kiosk import services as kiosk_services
from kiosk.models import BadgeLockout

from .conftest import PIN, alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db, staff_actor):
    officer = OfficerFactory(badge_number="4001", first_name="Rosa", last_name="Vega")
    services.set_officer_pin(officer=officer, pin=PIN, by=staff_actor)
    return officer


def test_the_kiosk_lock_message_names_who_can_unlock(kiosk_browser, officer, settings):
    settings.KIOSK_LOCKOUT_FAILURES = 1
    message = alert(kiosk_browser.sign_in("4001", pin="135792"))
    assert "ask a supervisor or the quartermaster to unlock it" in message
    assert "desk sergeant" not in message


def test_after_an_unlock_the_officer_signs_in(kiosk_browser, officer, staff_actor):
    BadgeLockout.objects.create(badge="4001", locked_until=timezone.now() + timedelta(minutes=9))
    assert "locked until" in alert(kiosk_browser.sign_in("4001"))
    kiosk_services.unlock_badge(badge="4001", by=staff_actor)
    assert "Rosa Vega" in kiosk_browser.sign_in("4001").content.decode()
