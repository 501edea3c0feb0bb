"""The start screen and a scanner: a refused return wants the rescan in the return field, and a camera
label scanned into the badge field is a return, not a sign-in (issue 14, items 1 and 2)."""

from __future__ import annotations

import re

import pytest

from assignments import services as assignments
from audit.models import AuditEvent
from kiosk.models import BadgeLockout

from .conftest import alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def out_camera(officer, spare, system_actor):
    assignments.check_out(camera=spare, officer=officer, by=system_actor)
    return spare


def _input(page: str, element_id: str) -> str:
    return re.search(rf'<input id="{element_id}"[^>]*>', page).group(0)


def test_a_refused_return_empties_and_focuses_the_return_field(kiosk_browser):
    response = kiosk_browser.return_camera("HPD-BWC-9999")
    page = response.content.decode()
    assert "No camera has the barcode “HPD-BWC-9999”" in alert(response)
    returned = _input(page, "id_return_barcode")
    assert "autofocus" in returned and 'value=""' in returned
    assert "autofocus" not in _input(page, "id_badge")


def test_a_return_refused_at_its_second_step_focuses_the_return_field(kiosk_browser, spare):
    response = kiosk_browser.return_camera("HPD-BWC-0100", condition="working")
    assert "not checked out" in alert(response)
    assert "autofocus" in _input(response.content.decode(), "id_return_barcode")


def test_a_camera_label_in_the_badge_field_starts_its_return(kiosk_browser, out_camera):
    events = AuditEvent.objects.count()
    response = kiosk_browser.post("/kiosk/sign-in/", {"badge": "hpd-bwc-0100", "pin": "", "entry_method": "scanned"})
    page = response.content.decode()
    assert "Enter your badge number" not in page
    assert ">Working<" in page and ">Damaged<" in page and "HPD-BWC-0100" in page
    # The scan's entry method travels on to the working-or-damaged step.
    assert '<input type="hidden" name="entry_method" value="scanned">' in page
    # Nobody signed in, no failed PIN counted, nothing changed yet.
    assert AuditEvent.objects.count() == events
    assert not BadgeLockout.objects.exists()
    home = kiosk_browser.get().content.decode()
    assert "Badge number" in home


def test_an_unknown_camera_label_in_the_badge_field_is_refused_as_a_return(kiosk_browser):
    response = kiosk_browser.sign_in("HPD-BWC-9999", pin="")
    assert "No camera has the barcode" in alert(response)
    page = response.content.decode()
    assert "autofocus" in _input(page, "id_return_barcode")
    assert not BadgeLockout.objects.exists()


def test_a_badge_number_still_signs_in(kiosk_browser, officer):
    response = kiosk_browser.sign_in(officer.badge_number)
    assert officer.display_name in response.content.decode()
