"""Control characters in form fields and query strings are stripped before any view sees them (tab
and line breaks stay), and no form, kiosk step or filter answers 500 to junk: NUL, escapes, 10 MB."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from accounts import roles
from assignments import services as assignments
from audit.models import AuditEvent
from hartford_bwc.control_characters import strip as strip_control_characters
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from hartford_bwc.testing import PIN, enroll
from inventory.models import Camera, MaintenanceRecord

from .test_bad_input import _post_targets, admin_client, fleet  # noqa: F401 - fixtures

KIOSK_STEPS = {
    "/kiosk/sign-in/": ["badge", "pin"],
    "/kiosk/check-out/": ["barcode"],
    "/kiosk/done/": ["outcome", "item"],
    "/kiosk/return/": ["barcode", "condition", "damage_description"],
    "/kiosk/sign-out/": ["reason"],
}
JUNK = {
    "nul": "\x00",
    "controls": "a\x01b\x07c\x1b[31md\x7f\x00e",
    "ten megabytes": "x" * (10 * 1024 * 1024),
}


def test_only_tab_and_line_breaks_survive():
    assert strip_control_characters("Cracked\x00 le\x07ns\r\n\tstrap\x1b loose\x7f") == "Cracked lens\r\n\tstrap loose"
    assert strip_control_characters("HPD-BWC-0412 ñ ✓") == "HPD-BWC-0412 ñ ✓"


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_console_reason_with_a_nul_byte_is_stored_without_it(encoding):
    # Before: Django's form refused the whole reason ("Null characters are not allowed.").
    client = Client()
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    camera = CameraFactory()
    url, data = (
        f"/inventory/cameras/{camera.asset_tag}/retire/",
        {"retire-reason": "Crack\x00ed hou\x1bsing", "confirm": "yes"},
    )

    if encoding == "urlencoded":  # what a browser sends
        response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(url, data)

    assert response.status_code == 302
    assert Camera.objects.get(pk=camera.pk).status == Camera.Status.RETIRED
    assert AuditEvent.objects.filter(camera=camera).latest("pk").reason == "Cracked housing"


@pytest.fixture
def kiosk(db, system_actor):
    client = Client()
    enroll(client)
    officer = OfficerFactory(badge_number="5150")
    assignments.set_officer_pin(officer=officer, pin=PIN, by=system_actor)
    return client, officer


def test_a_scanner_suffix_on_a_barcode_does_not_stop_a_check_out(kiosk):
    # Scanners send group separators (GS, \x1d) and other controls in GS1 codes.
    client, officer = kiosk
    camera = CameraFactory(asset_tag="HPD-BWC-0777")
    client.post("/kiosk/sign-in/", {"badge": "\x025150\x03", "pin": PIN})

    client.post("/kiosk/check-out/", {"barcode": "HPD-BWC-0777\x1d\x04"})

    camera.refresh_from_db()
    assert camera.status == Camera.Status.CHECKED_OUT


def test_a_damage_description_keeps_its_line_breaks_and_loses_its_controls(kiosk, system_actor):
    client, officer = kiosk
    camera = CameraFactory(asset_tag="HPD-BWC-0778")
    assignments.check_out(camera=camera, officer=officer, by=system_actor)

    client.post(
        "/kiosk/return/",
        {
            "barcode": camera.asset_tag,
            "condition": "damaged",
            "damage_description": "Cracked\x00 lens\nstrap\x07 loose",
        },
    )

    assert MaintenanceRecord.objects.get(camera=camera).problem == "Cracked lens\nstrap loose"


@pytest.mark.django_db
def test_a_filter_with_control_characters_searches_for_the_text_without_them(admin_client):  # noqa: F811
    CameraFactory(asset_tag="HPD-BWC-0779")
    response = admin_client.get("/inventory/cameras/", {"q": "0779\x01\x1b"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "HPD-BWC-0779" in page and "\x1b" not in page and "\x01" not in page


@pytest.mark.parametrize("junk", JUNK.values(), ids=JUNK.keys())
def test_no_form_answers_500_to_junk(fleet, admin_client, junk):  # noqa: F811
    failures = []
    for path, fields in _post_targets(fleet):
        response = admin_client.post(path, {name: junk for name in fields} or {"junk": junk})
        if response.status_code >= 500:
            failures.append(f"POST {path}: {response.status_code}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("junk", JUNK.values(), ids=JUNK.keys())
def test_no_kiosk_step_answers_500_to_junk(kiosk, junk):
    client, _ = kiosk
    failures = []
    for path, fields in KIOSK_STEPS.items():
        response = client.post(path, {name: junk for name in fields})
        if response.status_code >= 500:
            failures.append(f"POST {path}: {response.status_code}")
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_ten_megabytes_of_form_data_is_a_400_not_a_500(admin_client):  # noqa: F811
    camera = CameraFactory()
    response = admin_client.post(
        f"/inventory/cameras/{camera.asset_tag}/retire/", {"retire-reason": JUNK["ten megabytes"]}
    )
    assert response.status_code == 400
    assert Camera.objects.get(pk=camera.pk).status != Camera.Status.RETIRED
