"""No camera goes out to an officer without a current body-worn-camera certification (issue 13):
the rule at its boundaries in the service, and the message the console shows (the kiosk's:
kiosk/tests/test_check_out.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import roles
from assignments.models import Checkout
from assignments.services import check_out
from audit.actor import Actor
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import CameraFactory, CertificationFactory, OfficerFactory
from hartford_bwc.testing import messages_of, sign_in
from inventory.models import Camera

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system_process("tests")
TODAY = date(2026, 6, 15)
NOON = timezone.make_aware(datetime(2026, 6, 15, 12))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOON, tick=False):
        yield


def _officer(**certification):
    officer = OfficerFactory(certified=False, first_name="Lee", last_name="Park", badge_number="5150")
    if certification:
        CertificationFactory(officer=officer, **certification)
    return officer


def test_an_officer_with_no_certification_is_refused_with_what_to_do():
    camera = CameraFactory()
    with pytest.raises(DomainError) as refused:
        check_out(camera=camera, officer=_officer(), by=SYSTEM)
    assert refused.value.code == "not_certified"
    assert refused.value.message == (
        "Ofc. Lee Park (badge 5150) has no body-worn camera certification on record, so no camera can be issued. "
        "Complete BWC training and have the training record given to the quartermaster, then try again."
    )
    assert not Checkout.objects.exists()
    assert Camera.objects.get(pk=camera.pk).status == Camera.Status.AVAILABLE


def test_a_certification_expiring_today_is_still_current():
    officer = _officer(certified_on=date(2024, 6, 15), expires_on=TODAY)
    assert check_out(camera=CameraFactory(), officer=officer, by=SYSTEM).officer == officer


def test_a_certification_that_expired_yesterday_is_refused_naming_the_date():
    officer = _officer(certified_on=date(2024, 6, 14), expires_on=TODAY - timedelta(days=1))
    with pytest.raises(DomainError, match="certification expired on Jun 14, 2026") as refused:
        check_out(camera=CameraFactory(), officer=officer, by=SYSTEM)
    assert refused.value.code == "certification_expired"


def test_a_certification_taken_tomorrow_does_not_count_yet():
    officer = _officer(certified_on=TODAY + timedelta(days=1), expires_on=date(2028, 6, 16))
    with pytest.raises(DomainError, match="no body-worn camera certification on record"):
        check_out(camera=CameraFactory(), officer=officer, by=SYSTEM)


def test_the_latest_certification_counts_when_an_older_one_has_expired():
    officer = _officer(certified_on=date(2022, 1, 1), expires_on=date(2024, 1, 1))
    CertificationFactory(officer=officer, certified_on=date(2024, 1, 2), expires_on=date(2027, 1, 1))
    assert check_out(camera=CameraFactory(), officer=officer, by=SYSTEM)


def test_the_rule_can_be_turned_off(settings):
    settings.REQUIRE_BWC_CERTIFICATION = False
    assert check_out(camera=CameraFactory(), officer=_officer(), by=SYSTEM)


def test_the_console_check_out_shows_the_refusal(client):
    sign_in(client, roles.QUARTERMASTER)
    camera = CameraFactory()
    _officer(certified_on=date(2024, 1, 1), expires_on=date(2026, 1, 31))
    response = client.post(f"/inventory/cameras/{camera.asset_tag}/check-out/", {"check-out-officer": "5150"})
    assert response.status_code == 409
    assert "Ofc. Lee Park (badge 5150)'s body-worn camera certification expired on Jan 31, 2026" in " ".join(
        messages_of(response)
    )
    assert not Checkout.objects.exists()
