"""The flags page: open flags and history, filters, acknowledge, roles, query count."""

from __future__ import annotations

import pytest
import time_machine

from accounts import roles
from assignments.models import PersonalIssue
from audit.models import AuditEvent
from hartford_bwc.factories import OfficerFactory, UnitFactory, UserFactory
from inventory.models import Camera, Flag

from .flag_fleet import local, plant_every_kind, sweep_at

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 15, 10, 0)
URL = "/inventory/flags/"


def staff_without_role():
    user = UserFactory(username="norole")
    user.save()  # the factory skips the save after setting the password
    return user


@pytest.fixture
def supervisor(client):
    user = UserFactory(username="sgt", first_name="Sam", last_name="Ortega", role=roles.SUPERVISOR)
    client.force_login(user)
    return user


@pytest.fixture
def flagged():
    with time_machine.travel(NOW, tick=False):
        planted = plant_every_kind(1, NOW)
    sweep_at(NOW)
    return planted


def test_the_flags_page_needs_a_staff_role(client):
    assert client.get(URL).status_code == 302
    client.force_login(staff_without_role())
    assert client.get(URL).status_code == 403


def test_a_supervisor_sees_every_open_flag_with_its_detail(client, supervisor, flagged):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Open now: {len(Flag.Kind.values)}" in html
    for kind, label in Flag.Kind.choices:
        (tag,) = flagged[kind]
        assert tag in html and label in html
    assert "is below the department minimum 3.2.0" in html
    assert html.count(">Acknowledge</button>") == len(Flag.Kind.values)
    # Asset tags and times never break over two lines.
    for kind in Flag.Kind.values:
        (tag,) = flagged[kind]
        assert f'<td class="nowrap"><a href="/inventory/cameras/{tag}/">{tag}</a></td>' in html


def test_filtering_by_kind_unit_and_acknowledged(client, supervisor, flagged):
    (firmware_tag,) = flagged[Flag.Kind.FIRMWARE_BELOW_MINIMUM]
    response = client.get(URL, {"kind": Flag.Kind.FIRMWARE_BELOW_MINIMUM})
    assert [f.camera.asset_tag for f in response.context["table"].data] == [firmware_tag]

    traffic = UnitFactory(name="Traffic Division")
    PersonalIssue.objects.create(
        officer=OfficerFactory(unit=traffic), camera=Camera.objects.get(asset_tag=firmware_tag)
    )
    response = client.get(URL, {"unit": traffic.pk})
    rows = list(response.context["table"].data)
    assert [f.camera.asset_tag for f in rows] == [firmware_tag]
    assert "Traffic Division" in response.content.decode()

    Flag.objects.filter(kind=Flag.Kind.REFRESH_DUE).update(acknowledged_at=NOW, acknowledged_by=supervisor)
    acknowledged = client.get(URL, {"acknowledged": "yes"}).context["table"].data
    assert [f.kind for f in acknowledged] == [Flag.Kind.REFRESH_DUE]
    assert len(client.get(URL, {"acknowledged": "no"}).context["table"].data) == len(Flag.Kind.values) - 1


def test_history_shows_resolved_flags_with_their_reason(client, supervisor, flagged):
    Camera.objects.filter(firmware_version="3.1.7").update(firmware_version="4.1.0")
    sweep_at(NOW.replace(hour=11))
    response = client.get(URL, {"state": "resolved"})
    html = response.content.decode()
    assert "Flag history" in html
    assert [f.kind for f in response.context["table"].data] == [Flag.Kind.FIRMWARE_BELOW_MINIMUM]
    assert "firmware updated to 4.1.0" in html


def test_bad_filter_values_never_break_the_page(client, supervisor, flagged):
    for params in ({"kind": "nonsense"}, {"unit": "x"}, {"state": "??"}, {"page": "999"}, {"sort": "bogus"}):
        assert client.get(URL, params).status_code in (200, 404), params


def test_acknowledging_a_flag_records_who_and_is_audited(client, supervisor, flagged):
    flag = Flag.objects.get(kind=Flag.Kind.REPAIR_OVERDUE)
    response = client.post(f"{URL}{flag.pk}/acknowledge/", {"next": f"{URL}?kind=repair_overdue"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{URL}?kind=repair_overdue"
    assert f"Acknowledged: Repair overdue at vendor on {flag.camera.asset_tag}." in response.content.decode()
    flag.refresh_from_db()
    assert flag.acknowledged_by == supervisor and flag.acknowledged_at is not None
    assert flag.resolved_at is None  # the sweep still resolves it when the repair is done
    assert AuditEvent.objects.filter(action="flag.acknowledge", actor_user=supervisor).count() == 1

    again = client.post(f"{URL}{flag.pk}/acknowledge/", {"next": "https://evil.example/"}, follow=True)
    assert again.redirect_chain[-1][0] == "/inventory/flags/"
    assert "This flag is already acknowledged." in again.content.decode()


def test_acknowledge_is_post_only_and_for_staff_roles(client, flagged):
    flag = Flag.objects.first()
    client.force_login(staff_without_role())
    assert client.post(f"{URL}{flag.pk}/acknowledge/").status_code == 403
    client.force_login(UserFactory(username="qm", role=roles.QUARTERMASTER))
    assert client.get(f"{URL}{flag.pk}/acknowledge/").status_code == 405
    assert client.post(f"{URL}{flag.pk}/acknowledge/").status_code == 302


@pytest.mark.parametrize("per_kind", [1, 4])
def test_the_flags_page_runs_a_fixed_number_of_queries(per_kind, client, supervisor, django_assert_num_queries):
    with time_machine.travel(NOW, tick=False):
        plant_every_kind(per_kind, NOW)
    sweep_at(NOW)
    Flag.objects.update(acknowledged_at=NOW, acknowledged_by=supervisor)
    # session, user, roles, open counts, units (filter form), count, page of flags, the open device
    # flags' counts (none open: no list), and the session's idle-timeout save (savepoint, UPDATE, release)
    with django_assert_num_queries(11):
        response = client.get(URL)
    assert len(response.context["table"].page.object_list) == len(Flag.Kind.values) * per_kind
