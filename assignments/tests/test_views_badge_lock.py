"""A badge locked at the kiosk (too many wrong PINs): the officer page shows it, a supervisor or the
quartermaster lifts it, and a PIN reset lifts it too; each unlock is audited (issue 14, item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from assignments import services
from audit.models import AuditEvent
from hartford_bwc.factories import OfficerFactory, UserFactory
from hartford_bwc.testing import PIN
from kiosk.models import BadgeLockout

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return OfficerFactory(badge_number="4001", first_name="Rosa", last_name="Vega")


@pytest.fixture
def locked(officer):
    return BadgeLockout.objects.create(
        badge="4001", failures=0, last_failure_at=timezone.now(), locked_until=timezone.now() + timedelta(minutes=9)
    )


def _as(client, role):
    client.force_login(UserFactory(role=role))
    return client


def _page(client, officer) -> str:
    return client.get(reverse("assignments:officer_detail", args=[officer.badge_number])).content.decode()


def _unlock(client, officer, reason="Officer at the desk with ID"):
    url = reverse("assignments:officer_unlock_badge", args=[officer.badge_number])
    return client.post(url, {"reason": reason}, follow=True)


@pytest.mark.parametrize("role", [roles.SUPERVISOR, roles.QUARTERMASTER, roles.ADMINISTRATOR])
def test_a_supervisor_or_quartermaster_sees_the_lock_and_unlocks_it(client, officer, locked, role):
    client = _as(client, role)
    page = _page(client, officer)
    assert "Locked out of the kiosk until" in page and "Unlock kiosk sign-in" in page
    events = AuditEvent.objects.count()

    response = _unlock(client, officer)

    assert "Rosa Vega can sign in at the kiosk again." in response.content.decode()
    assert not BadgeLockout.objects.exists()
    assert "Locked out of the kiosk" not in _page(client, officer)
    [event] = AuditEvent.objects.order_by("pk")[events:]
    assert event.action == "kiosk.badge_unlocked" and event.officer == officer
    assert event.reason == "Officer at the desk with ID"
    assert event.before["badge"] == "4001"


def test_an_officer_page_without_a_lock_shows_none(client, officer):
    page = _page(_as(client, roles.SUPERVISOR), officer)
    assert "Locked out of the kiosk" not in page and "Unlock kiosk sign-in" not in page


def test_an_expired_lock_is_not_shown_and_unlocking_it_changes_nothing(client, officer, locked):
    locked.locked_until = timezone.now() - timedelta(seconds=1)
    locked.save()
    client = _as(client, roles.QUARTERMASTER)
    assert "Locked out of the kiosk" not in _page(client, officer)
    events = AuditEvent.objects.count()
    response = _unlock(client, officer)
    assert "Badge 4001 is not locked at the kiosk; nothing was changed." in response.content.decode()
    assert AuditEvent.objects.count() == events


def test_a_user_without_a_role_cannot_unlock(client, officer, locked):
    client.force_login(UserFactory())
    assert _unlock(client, officer).status_code == 403
    assert BadgeLockout.objects.get().is_locked()


def test_resetting_the_pin_lifts_the_lock_and_audits_it(client, officer, locked):
    client = _as(client, roles.QUARTERMASTER)
    events = AuditEvent.objects.count()
    response = client.post(reverse("assignments:officer_reset_pin", args=[officer.badge_number]))
    assert response.status_code == 200
    assert not BadgeLockout.objects.exists()
    actions = list(AuditEvent.objects.order_by("pk")[events:].values_list("action", "reason"))
    assert actions == [("officer.set_pin", ""), ("kiosk.badge_unlocked", "kiosk PIN reset")]


def test_a_new_pin_forgets_the_old_wrong_tries_without_an_unlock_event(officer, staff_actor):
    BadgeLockout.objects.create(badge="4001", failures=3, last_failure_at=timezone.now())
    events = AuditEvent.objects.count()
    services.set_officer_pin(officer=officer, pin=PIN, by=staff_actor)
    assert not BadgeLockout.objects.exists()
    assert [e.action for e in AuditEvent.objects.order_by("pk")[events:]] == ["officer.set_pin"]
