"""Device and vehicle flags on the console: the flags page's section (a fixed number of queries at any
fleet size) and the quartermasters' shift digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from accounts import roles
from devices.models import DeviceFlag
from hartford_bwc.factories import UserFactory
from inventory.flags.notify import build_digest

from .flag_fleet import local, plant_device_flags, sweep_at

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 15, 10, 0)
URL = "/inventory/flags/"


@pytest.fixture
def supervisor(client):
    user = UserFactory(username="sgt", role=roles.SUPERVISOR)
    client.force_login(user)
    return user


def test_the_flags_page_lists_open_device_and_vehicle_flags_most_severe_first(client, supervisor):
    plant_device_flags(1, NOW)
    sweep_at(NOW)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        response = client.get(URL)
    page = response.content.decode()
    assert "Signal devices and vehicles: open now 5" in page
    for label in DeviceFlag.Kind.labels:
        assert f"{label}: <strong>1</strong>" in page
    flags = response.context["device_flags"]
    # High first (out without replacement, vehicle without signal), then medium (not seen among them).
    assert [flag.severity_label for flag in flags] == ["High", "High", "Medium", "Medium", "Medium"]
    assert {flag.kind for flag in flags[:2]} == {
        DeviceFlag.Kind.OUT_WITHOUT_REPLACEMENT,
        DeviceFlag.Kind.VEHICLE_WITHOUT_SIGNAL,
    }
    assert "has no other signal weapon (conducted-energy) issued." in page
    assert "Never seen in a stocktake or hand-over; in the inventory since Mar 7, 2026." in page


def test_the_flags_page_says_when_no_device_flag_is_open(client, supervisor):
    response = client.get(URL)
    assert "No open device or vehicle flags." in response.content.decode()


@pytest.mark.parametrize("per_kind", [1, 4])
def test_the_flags_page_with_device_flags_runs_a_fixed_number_of_queries(
    per_kind, client, supervisor, django_assert_num_queries
):
    plant_device_flags(per_kind, NOW)
    sweep_at(NOW)
    # session, user, roles, open counts, units (filter form), count (no camera flag: no page to read),
    # the device flags' counts and their list, and the session's idle-timeout save (savepoint, UPDATE,
    # release)
    with django_assert_num_queries(11):
        response = client.get(URL)
    assert len(response.context["device_flags"]) == len(DeviceFlag.Kind.values) * per_kind


def test_the_digest_lists_the_open_device_and_vehicle_flags():
    plant_device_flags(1, NOW)
    sweep_at(NOW)
    digest = build_digest(now=NOW + timedelta(hours=1))
    assert digest.device_flags_total == 5
    body = digest.body()
    assert "SIGNAL DEVICES AND VEHICLES, OPEN: 5" in body
    assert "[High] Device out of service, no replacement issued: Lost (incident" in body
    assert "[High] Vehicle in service without a working signal unit: In service with no signal unit installed." in body
    assert "[Medium] Device battery due for replacement:" in body
    assert "[Medium] Device not seen in a stocktake or hand-over: Never seen" in body


@pytest.mark.parametrize("per_kind", [1, 4])
def test_the_digest_reads_the_device_flags_in_a_fixed_number_of_queries(per_kind, django_assert_num_queries):
    plant_device_flags(per_kind, NOW)
    sweep_at(NOW)
    # The open camera flags' counts, the camera flags raised and their count, the open ones, the coming
    # shift's spares and shifts (no officer on it here), the certifications and their count; then the
    # device flags (one query, with their devices, models, holders and vehicles) and their count.
    with django_assert_num_queries(8 + 2):
        digest = build_digest(now=NOW + timedelta(hours=1))
        digest.body()
    assert len(digest.device_flags) == digest.device_flags_total == len(DeviceFlag.Kind.values) * per_kind
