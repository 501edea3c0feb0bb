"""The audit log shows a short hash (whole on hover and on the event's own page), and each event has a page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from audit.models import AuditEvent

from .test_query_counts import grow

pytestmark = pytest.mark.django_db


def _docked(fleet, **extra) -> AuditEvent:
    camera = fleet.cameras["C1"]
    return audit.record(
        by=Actor.system_process("tests"),
        action=Action.CAMERA_DOCKED,
        obj=camera,
        camera=camera,
        officer=fleet.officers["E1"],
        before={"dock": None},
        after={"dock": "Dock 01", "bay": 3},
        **extra,
    )


def test_audit_log_shows_the_first_12_hex_digits_with_the_whole_hash_on_hover(fleet, supervisor_client):
    event = _docked(fleet)

    html = supervisor_client.get("/reports/audit-log/?action=camera.docked").content.decode()

    link = f'<a href="/reports/audit-log/{event.pk}/" title="{event.hash}"><code>{event.hash[:12]}</code></a>'
    assert link in html
    # The whole hash is only in the title: no cell spells all 64 digits.
    assert not re.search(rf">\s*{event.hash}\s*<", html)


def test_audit_log_export_keeps_the_whole_hash(fleet, supervisor_client):
    event = _docked(fleet)

    export = supervisor_client.get("/reports/audit-log/?action=camera.docked&_export=csv").content.decode()

    assert event.hash in export


def test_event_page_shows_who_what_and_the_whole_hash_and_its_chain(fleet, supervisor_client):
    first = _docked(fleet)
    event = _docked(fleet, reason="Bay 3 swapped")
    after = _docked(fleet)

    response = supervisor_client.get(reverse("reports:audit_event", args=[event.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Audit event {event.pk}: Docked" in html
    assert event.hash in html and event.prev_hash == first.hash and first.hash in html
    assert "Hash matches the event" in html
    assert "Bay 3 swapped" in html
    assert '<th scope="row">dock</th><td>None</td><td>Dock 01</td>' in html
    assert f'href="/reports/audit-log/{first.pk}/">Previous event' in html
    assert f'href="/reports/audit-log/{after.pk}/">Next event' in html
    assert f'href="{fleet.cameras["C1"].get_absolute_url()}"' in html


def test_an_unknown_event_is_404_not_500(fleet, supervisor_client):
    assert supervisor_client.get("/reports/audit-log/999999/").status_code == 404
    assert supervisor_client.get("/reports/audit-log/99999999999999999999999/").status_code == 404


def test_event_page_needs_a_signed_in_staff_user(fleet, client):
    event = _docked(fleet)

    response = client.get(reverse("reports:audit_event", args=[event.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_event_page_query_count_is_pinned_at_two_sizes(fleet, supervisor_client, django_assert_num_queries):
    event = _docked(fleet)
    url = reverse("reports:audit_event", args=[event.pk])
    supervisor_client.get(url)  # the session's refresh after sign-in

    # Session, user, roles; the event with its kiosk, camera, officer and actors; previous; next.
    with django_assert_num_queries(6):
        assert supervisor_client.get(url).status_code == 200
    grow(fleet)
    with django_assert_num_queries(6):
        assert supervisor_client.get(url).status_code == 200
