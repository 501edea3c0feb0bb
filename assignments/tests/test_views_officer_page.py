"""One officer's page and its actions: PIN reset (shown once), activation, personal camera; badge cards."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from accounts import roles
from assignments.models import Checkout, Officer, PersonalIssue
from assignments.services import validate_pin
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, DeviceFactory, OfficerFactory, PairingFactory, UserFactory
from inventory.models import Camera


@pytest.fixture
def qm_client(client, db):
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    return client


@pytest.fixture
def officer(db):
    return OfficerFactory(badge_number="4001", first_name="Rosa", last_name="Vega", rank="sergeant")


def _checkout(officer, camera, *, due_in=timedelta(hours=6), out_for=timedelta(hours=1)):
    now = timezone.now()
    camera.status = Camera.Status.CHECKED_OUT
    camera.save(update_fields=["status"])
    return Checkout.objects.create(
        camera=camera, officer=officer, checked_out_at=now - out_for, due_back_at=now + due_in
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_page_shows_details_current_checkout_personal_camera_history_and_events(qm_client, officer, staff_actor):
    from assignments import services

    personal = CameraFactory(asset_tag="HPD-BWC-0301")
    services.issue_personal(officer=officer, camera=personal, by=staff_actor)
    old = Checkout.objects.create(
        camera=CameraFactory(asset_tag="HPD-BWC-0302"),
        officer=officer,
        checked_out_at=timezone.now() - timedelta(days=3),
        due_back_at=timezone.now() - timedelta(days=3) + timedelta(hours=9),
        checked_in_at=timezone.now() - timedelta(days=3) + timedelta(hours=8),
        condition="working",
    )
    _checkout(officer, CameraFactory(asset_tag="HPD-BWC-0303"))
    response = qm_client.get("/assignments/officers/4001/")
    assert response.status_code == 200
    html = _text(response)
    assert "Sgt. Rosa Vega" in html
    assert '<a href="/inventory/cameras/HPD-BWC-0301/"><strong>HPD-BWC-0301</strong></a>' in html
    assert '<a href="/inventory/cameras/HPD-BWC-0303/"><strong>HPD-BWC-0303</strong></a>' in html
    history = [row.record for row in response.context["history"].page.object_list]
    assert old in history and len(history) == 2
    assert "Issued as a personal camera" in html  # the audit event, by its title
    assert "Overdue" not in html


def test_overdue_current_checkout_is_highlighted(qm_client, officer):
    _checkout(officer, CameraFactory(asset_tag="HPD-BWC-0304"), due_in=timedelta(minutes=-10))
    html = _text(qm_client.get("/assignments/officers/4001/"))
    assert 'class="overdue-box"' in html
    assert '<span class="badge bad">Overdue</span>' in html


def test_history_is_paginated(qm_client, officer):
    start = timezone.now() - timedelta(days=40)
    for day in range(20):
        out = start + timedelta(days=day)
        Checkout.objects.create(
            camera=CameraFactory(),
            officer=officer,
            checked_out_at=out,
            due_back_at=out + timedelta(hours=9),
            checked_in_at=out + timedelta(hours=8),
            condition="working",
        )
    first = qm_client.get("/assignments/officers/4001/")
    second = qm_client.get("/assignments/officers/4001/?co-page=2")
    assert len(first.context["history"].page.object_list) == 15
    assert len(second.context["history"].page.object_list) == 5


def test_unknown_badge_is_404(qm_client, db):
    assert qm_client.get("/assignments/officers/nope/").status_code == 404


def test_reset_pin_shows_a_valid_pin_once_and_stores_only_its_hash(qm_client, officer, caplog):
    caplog.set_level(logging.DEBUG)
    response = qm_client.post("/assignments/officers/4001/reset-pin/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [pin] = re.findall(r'<p class="pin"[^>]*>(\d+)</p>', response.content.decode())
    validate_pin(pin)
    officer.refresh_from_db()
    assert officer.pin_hash and pin not in officer.pin_hash
    assert check_password(pin, officer.pin_hash)
    event = AuditEvent.objects.get(action="officer.set_pin", officer=officer)
    assert pin not in str(event.before) + str(event.after) + event.reason
    assert pin not in caplog.text
    # Shown once: the officer's page afterwards does not hold it.
    assert pin not in qm_client.get("/assignments/officers/4001/").content.decode()


def test_officer_page_lists_audit_events_by_their_titles_not_their_codes(qm_client, officer):
    qm_client.post("/assignments/officers/4001/reset-pin/")

    html = qm_client.get("/assignments/officers/4001/").content.decode()

    assert "<td>Kiosk PIN set</td>" in html
    assert "officer.set_pin" not in html


def test_two_resets_give_different_pins(qm_client, officer):
    pins = {
        re.search(r'class="pin"[^>]*>(\d+)<', qm_client.post("/assignments/officers/4001/reset-pin/").content.decode())[
            1
        ]
        for _ in range(3)
    }
    assert len(pins) > 1


def test_get_on_an_action_is_not_allowed(qm_client, officer):
    assert qm_client.get("/assignments/officers/4001/reset-pin/").status_code == 405


def test_deactivate_and_activate(qm_client, officer):
    response = qm_client.post("/assignments/officers/4001/active/", {"active": "0", "reason": "Retired"}, follow=True)
    officer.refresh_from_db()
    assert not officer.is_active
    assert "is deactivated" in _text(response)
    assert AuditEvent.objects.get(action="officer.deactivate", officer=officer).reason == "Retired"
    qm_client.post("/assignments/officers/4001/active/", {"active": "1"})
    officer.refresh_from_db()
    assert officer.is_active


def test_deactivating_an_officer_who_holds_a_camera_warns_on_the_page(qm_client, officer):
    _checkout(officer, CameraFactory(asset_tag="HPD-BWC-0305"))
    response = qm_client.post("/assignments/officers/4001/active/", {"active": "0"}, follow=True)
    html = _text(response)
    assert "still holds HPD-BWC-0305" in html
    assert "is deactivated but still holds" in html


def test_refused_activation_shows_the_services_message(qm_client, officer):
    response = qm_client.post("/assignments/officers/4001/active/", {"active": "1"}, follow=True)
    assert "Sgt. Rosa Vega is already active." in _text(response)


def test_issue_and_revoke_personal_camera(qm_client, officer):
    camera = CameraFactory(asset_tag="HPD-BWC-0306")
    response = qm_client.post(
        "/assignments/officers/4001/personal-camera/issue/", {"asset_tag": "hpd-bwc-0306"}, follow=True
    )
    assert "HPD-BWC-0306 is now Sgt. Rosa Vega&#x27;s personal camera." in _text(response)
    camera.refresh_from_db()
    assert camera.pool == Camera.Pool.PERSONAL
    assert PersonalIssue.objects.current().filter(officer=officer, camera=camera).exists()
    response = qm_client.post("/assignments/officers/4001/personal-camera/revoke/", {"reason": "Broken"}, follow=True)
    assert "joins the spare pool" in _text(response)
    camera.refresh_from_db()
    assert camera.pool == Camera.Pool.SPARE


def test_issuing_someone_elses_personal_camera_is_refused_with_the_reason(qm_client, officer, staff_actor):
    from assignments import services

    other = OfficerFactory(badge_number="4002", first_name="Tom", last_name="Ng")
    camera = CameraFactory(asset_tag="HPD-BWC-0307")
    services.issue_personal(officer=other, camera=camera, by=staff_actor)
    response = qm_client.post(
        "/assignments/officers/4001/personal-camera/issue/", {"asset_tag": "HPD-BWC-0307"}, follow=True
    )
    assert "already the personal camera of Ofc. Tom Ng" in _text(response)
    assert not PersonalIssue.objects.filter(officer=officer).exists()


def test_issuing_an_unknown_asset_tag_says_so(qm_client, officer):
    response = qm_client.post(
        "/assignments/officers/4001/personal-camera/issue/", {"asset_tag": "HPD-BWC-9999"}, follow=True
    )
    assert "No camera has the asset tag HPD-BWC-9999." in _text(response)


def test_revoking_without_a_personal_camera_is_refused(qm_client, officer):
    response = qm_client.post("/assignments/officers/4001/personal-camera/revoke/", follow=True)
    assert "has no personal camera to revoke" in _text(response)


def test_supervisor_sees_the_page_without_actions_and_cannot_post(client, officer):
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    html = _text(client.get("/assignments/officers/4001/"))
    assert "Reset kiosk PIN" not in html and "Deactivate" not in html
    assert client.post("/assignments/officers/4001/reset-pin/").status_code == 403
    assert client.post("/assignments/officers/4001/active/", {"active": "0"}).status_code == 403
    officer.refresh_from_db()
    assert officer.is_active and not officer.pin_hash


@pytest.mark.parametrize("checkouts", [3, 30])
def test_detail_query_count_does_not_grow_with_history(qm_client, officer, django_assert_num_queries, checkouts):
    for day in range(checkouts):
        out = timezone.now() - timedelta(days=day + 1)
        Checkout.objects.create(
            camera=CameraFactory(),
            officer=officer,
            checked_out_at=out,
            due_back_at=out + timedelta(hours=9),
            checked_in_at=out + timedelta(hours=8),
            condition="working",
        )
    for _ in range(checkouts // 3):
        device = DeviceFactory(status="issued", officer=officer, issued_at=timezone.now())
        PairingFactory(device=device)
    # Session, user, role, officer, current checkout, personal camera, signal devices (with their
    # paired cameras), kiosk badge lock, outstanding PIN letter, duty and exemption in force, latest
    # certification, checkout count and page, event count and page, session save (3).
    with django_assert_num_queries(17):
        qm_client.get("/assignments/officers/4001/")


def test_badge_cards_carry_a_code128_barcode_name_rank_and_unit(qm_client, officer):
    other = OfficerFactory(badge_number="4003", first_name="Lee", last_name="Park")
    response = qm_client.get(f"/assignments/officers/badge-cards/?badge=4001&badge={other.badge_number}&badge=nope")
    html = _text(response)
    assert response.status_code == 200
    assert html.count('<div class="label badge-card">') == 2
    assert 'aria-label="Code 128 barcode: 4001"' in html
    assert 'aria-label="Code 128 barcode: 4003"' in html
    assert "Rosa Vega" in html and "Sergeant · Patrol District 1" in html
    assert "No officer has the badge number nope" in html


def test_badge_cards_accept_a_pasted_list_and_a_card_size(qm_client, officer):
    response = qm_client.get("/assignments/officers/badge-cards/", {"badge": "4001\n", "size": "cr80"})
    assert '<div class="sheet cr80"' in _text(response)
    assert Officer.objects.count() == 1
