"""The officer's duty page and the officer page's duty facts: a supervisor grants and ends camera
exemptions there; the exemption and the certification show on the officer page."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import roles
from assignments.duty import grant_exemption
from assignments.models import DutyAssignment
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc.factories import CertificationFactory, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
URL = "/assignments/officers/4001/duty/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(timezone.make_aware(datetime(2026, 6, 15, 12)), tick=False):
        yield


@pytest.fixture
def officer():
    officer = OfficerFactory(badge_number="4001", first_name="Rosa", last_name="Vega", certified=False)
    CertificationFactory(officer=officer, certified_on=date(2024, 7, 1), expires_on=date(2026, 7, 1))
    return officer


@pytest.fixture
def sergeant():
    return UserFactory(username="sgt.hale", first_name="Jo", last_name="Hale", role=roles.SUPERVISOR)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _grant(officer, user, **fields):
    data = {"kind": "undercover", "starts_on": TODAY, "ends_on": TODAY + timedelta(days=20), "reason": "Op Nightjar"}
    return grant_exemption(officer=officer, by=Actor.staff(user), **(data | fields))


def test_the_officer_page_shows_duty_exemption_and_certification(client, officer, sergeant):
    _grant(officer, sergeant)
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    html = _text(client.get("/assignments/officers/4001/"))
    assert "<dt>Duty</dt><dd>Uniform patrol</dd>" in html
    assert (
        '<span class="badge warn">Undercover operation</span> to Jul 5, 2026 '
        "(since Jun 15, 2026; Op Nightjar; approved by Jo Hale)" in html
    )
    assert '<span class="badge warn">expires Jul 1, 2026</span>' in html  # within 30 days
    assert 'href="/assignments/officers/4001/duty/"' in html


def test_the_officer_page_says_when_no_certification_is_on_record(client):
    OfficerFactory(badge_number="4002", certified=False)
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    html = _text(client.get("/assignments/officers/4002/"))
    assert '<span class="badge bad">none on record</span> No camera may be issued.' in html
    assert '<dd>Uniform patrol <span class="badge ok">camera required</span></dd>' in html


def test_a_supervisor_grants_an_exemption_on_the_duty_page(client, officer, sergeant):
    client.force_login(sergeant)
    response = client.post(
        URL + "exemptions/",
        {"exempt-kind": "leave", "exempt-starts_on": "2026-06-20", "exempt-ends_on": "", "exempt-reason": "Paternity"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == URL
    assert "Ofc. Rosa Vega: leave from Jun 20, 2026, no end set recorded." in _text(response)
    row = DutyAssignment.objects.get()
    assert (row.kind, row.starts_on, row.ends_on, row.approved_by) == ("leave", date(2026, 6, 20), None, sergeant)


def test_an_overlap_re_renders_the_form_with_the_refusal_and_writes_nothing(client, officer, sergeant):
    _grant(officer, sergeant)
    client.force_login(sergeant)
    response = client.post(
        URL + "exemptions/",
        {"exempt-kind": "leave", "exempt-starts_on": "2026-06-30", "exempt-reason": "Leave"},
    )
    assert response.status_code == 409
    assert "already has an exemption (undercover operation, Jun 15, 2026 to Jul 5, 2026)" in _text(response)
    assert 'value="2026-06-30"' in response.content.decode()
    assert DutyAssignment.objects.count() == 1


def test_a_bad_form_is_422_naming_the_field(client, officer, sergeant):
    client.force_login(sergeant)
    response = client.post(URL + "exemptions/", {"exempt-kind": "vacation", "exempt-starts_on": "soon"})
    assert response.status_code == 422
    html = _text(response)
    assert "Select a valid choice" in html and "Enter a valid date" in html and "This field is required" in html
    assert not DutyAssignment.objects.exists()


def test_ending_an_exemption_on_the_duty_page(client, officer, sergeant):
    row = _grant(officer, sergeant)
    client.force_login(sergeant)
    response = client.post(
        f"{URL}exemptions/{row.pk}/end/", {f"end-{row.pk}-ends_on": "2026-06-18", f"end-{row.pk}-reason": "Op ended"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.ends_on == date(2026, 6, 18)
    assert AuditEvent.objects.get(action="duty.exemption_end").reason == "Op ended"


def test_ending_before_it_starts_is_422_with_the_message(client, officer, sergeant):
    row = _grant(officer, sergeant)
    client.force_login(sergeant)
    response = client.post(f"{URL}exemptions/{row.pk}/end/", {f"end-{row.pk}-ends_on": "2026-06-01"})
    assert response.status_code == 422
    assert "it cannot end before that" in _text(response)


def test_assigning_detective_duty(client, officer, sergeant):
    client.force_login(sergeant)
    client.post(URL + "assign/", {"duty-kind": "detective", "duty-starts_on": "2026-06-15"})
    assert "<dt>Duty</dt><dd>Detective" in _text(client.get(URL))


@pytest.mark.parametrize("role", [roles.QUARTERMASTER])
def test_a_quartermaster_reads_the_page_but_cannot_grant_or_end(client, officer, sergeant, role):
    row = _grant(officer, sergeant)
    client.force_login(UserFactory(role=role))
    html = _text(client.get(URL))
    assert "Undercover operation" in html and "Grant exemption" not in html and "End exemption" not in html
    assert client.post(URL + "exemptions/", {}).status_code == 403
    assert client.post(f"{URL}exemptions/{row.pk}/end/", {}).status_code == 403
    assert client.post(URL + "assign/", {}).status_code == 403


def test_another_officers_exemption_cannot_be_ended_through_this_page(client, officer, sergeant):
    other = _grant(OfficerFactory(), sergeant)
    client.force_login(sergeant)
    assert client.post(f"{URL}exemptions/{other.pk}/end/", {}).status_code == 404


@pytest.mark.parametrize("rows", [2, 20])
def test_duty_page_query_count_does_not_grow_with_history(client, officer, sergeant, rows, django_assert_num_queries):
    for n in range(rows):
        start = TODAY - timedelta(days=30 * (n + 1))
        _grant(officer, sergeant, starts_on=start, ends_on=start + timedelta(days=10))
        CertificationFactory(officer=officer, certified_on=start, expires_on=start + timedelta(days=700))
    client.force_login(sergeant)
    # Session, user, role, officer; the history with approvers; the duty in force, the latest
    # certification; the certifications; session save (3).
    with django_assert_num_queries(11):
        response = client.get(URL)
    assert response.status_code == 200
