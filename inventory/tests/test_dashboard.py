"""The dashboard: counts that match the camera list they link to, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from accounts import roles
from assignments import services as assignment_services
from assignments.models import Checkout
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, OfficerFactory
from hartford_bwc.testing import page_tags, sign_in
from inventory import services
from inventory.models import Camera, Flag
from inventory.selectors import dashboard as selectors
from inventory.selectors.states import STATES

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system_process("tests")
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def qm(client):
    sign_in(client, roles.QUARTERMASTER)
    return client


def build_fleet(now, *, copies: int = 1) -> dict[str, list[str]]:
    """One camera (or `copies`) in each state the dashboard counts; returns the expected tags per state."""
    expected: dict[str, list[str]] = {name: [] for name in STATES}
    expected["lost"] = []
    hours = timedelta(hours=1)
    for n in range(copies):
        tag = f"C{n:03d}-"
        ready = CameraFactory(asset_tag=tag + "ready", last_full_charge_at=now - 2 * hours)
        expected["ready"].append(ready.asset_tag)

        out = CameraFactory(asset_tag=tag + "out")
        assignment_services.check_out(camera=out, officer=OfficerFactory(), by=SYSTEM)
        expected["checked_out"].append(out.asset_tag)

        late = CameraFactory(asset_tag=tag + "late")
        assignment_services.check_out(camera=late, officer=OfficerFactory(), by=SYSTEM)
        Checkout.objects.filter(camera=late).update(checked_out_at=now - 20 * hours, due_back_at=now - 2 * hours)
        expected["checked_out"].append(late.asset_tag)
        expected["overdue"].append(late.asset_tag)

        # Returned 2 h ago and never docked; its last full charge is from before the shift, so not ready.
        undocked = CameraFactory(
            asset_tag=tag + "undocked",
            last_returned_at=now - 2 * hours,
            last_docked_at=now - 14 * hours,
            last_full_charge_at=now - 13 * hours,
        )
        expected["not_docked"].append(undocked.asset_tag)
        # Returned 30 min ago: still inside the grace period.
        CameraFactory(
            asset_tag=tag + "justback",
            last_returned_at=now - hours / 2,
            last_docked_at=now - 14 * hours,
            last_full_charge_at=now - 13 * hours,
        )
        stale = CameraFactory(asset_tag=tag + "stale", last_full_charge_at=now - 80 * hours)
        expected["charging_overdue"].append(stale.asset_tag)
        expected["ready"].append(stale.asset_tag)  # still charged: nothing used it since

        due = CameraFactory(asset_tag=tag + "due", last_inspected_at=now - timedelta(days=95))
        overdue = CameraFactory(asset_tag=tag + "insp-late", last_inspected_at=now - timedelta(days=120))
        expected["inspection_due"].append(due.asset_tag)
        expected["inspection_overdue"].append(overdue.asset_tag)
        expected["ready"] += [due.asset_tag, overdue.asset_tag]

        for performed_by, state in (
            ("in_house", "maintenance_in_house"),
            ("vendor", "maintenance_vendor"),
            ("", "maintenance_triage"),
        ):
            camera = CameraFactory(asset_tag=f"{tag}m-{state}")
            services.open_maintenance(
                camera=camera, kind="repair", performed_by=performed_by, rma_number="RMA-1", by=SYSTEM
            )
            expected[state].append(camera.asset_tag)

        lost = CameraFactory(asset_tag=tag + "lost")
        services.report_lost(camera=lost, incident_number="HPD-26-1", by=SYSTEM)
        expected["lost"].append(lost.asset_tag)
        CameraFactory(asset_tag=tag + "retired", status=Camera.Status.RETIRED)

        for camera, kind in ((stale, Flag.Kind.CHARGING_OVERDUE), (due, Flag.Kind.INSPECTION_DUE)):
            Flag.objects.create(camera=camera, kind=kind)
    return expected


def tile_counts(html: str) -> dict[str, int]:
    """Each dashboard tile's link query and its number, as a person sees them."""
    pattern = r'href="/inventory/cameras/\?([^"]+)">\s*<span class="tile-count">([\d,]+)</span>'
    return {query: int(n.replace(",", "")) for query, n in re.findall(pattern, html)}


@pytest.mark.parametrize("copies", [1, 3])
def test_every_tile_counts_exactly_the_rows_its_link_lands_on(qm, copies):
    with time_machine.travel(NOW, tick=False):
        expected = build_fleet(NOW, copies=copies)
        tiles = tile_counts(qm.get("/").content.decode())
        assert len(tiles) == 11
        for query, count in tiles.items():
            tags = page_tags(qm.get(f"/inventory/cameras/?{query}&per_page=100"))
            assert len(tags) == count, query
            key = query.split("=")[1]
            want = expected["lost"] if key == "lost" else expected[key]
            assert sorted(tags) == sorted(want), query


def test_not_docked_turns_on_once_the_grace_period_has_passed(qm):
    # The dashboard uses the sweep's own rule: "older than" the grace period, strictly.
    grace = timedelta(minutes=settings.NOT_DOCKED_AFTER_RETURN_MINUTES)
    with time_machine.travel(NOW, tick=False):
        CameraFactory(last_returned_at=NOW - grace, last_full_charge_at=NOW - timedelta(hours=9))
        assert selectors.dashboard().counts["not_docked"] == 0
    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
        assert selectors.dashboard().counts["not_docked"] == 1


def test_inspection_due_then_overdue_at_the_configured_days(qm):
    interval, overdue = settings.INSPECTION_INTERVAL_DAYS, settings.INSPECTION_OVERDUE_DAYS
    CameraFactory(last_inspected_at=NOW - timedelta(days=interval))
    second = timedelta(seconds=1)
    for moment, (due, late) in (
        (NOW, (0, 0)),
        (NOW + second, (1, 0)),
        (NOW + timedelta(days=overdue - interval), (1, 0)),
        (NOW + timedelta(days=overdue - interval) + second, (0, 1)),
    ):
        with time_machine.travel(moment, tick=False):
            counts = selectors.dashboard().counts
            assert (counts["inspection_due"], counts["inspection_overdue"]) == (due, late), moment


def test_open_flags_by_kind_link_to_the_list(qm):
    cameras = CameraFactory.create_batch(3)
    for camera in cameras:
        Flag.objects.create(camera=camera, kind=Flag.Kind.REFRESH_DUE)
    Flag.objects.create(camera=cameras[0], kind=Flag.Kind.NOT_DOCKED)
    Flag.objects.create(
        camera=cameras[1],
        kind=Flag.Kind.NOT_DOCKED,
        raised_at=NOW - timedelta(days=1),
        resolved_at=NOW - timedelta(hours=1),
    )
    response = qm.get("/")
    assert response.context["data"].open_flags == [
        ("not_docked", "Not docked after return", 1),
        ("refresh_due", "Refresh due", 3),
    ]
    assert 'href="/inventory/cameras/?flag=refresh_due"' in response.content.decode()


def test_deactivated_officer_holding_a_camera_is_a_warning(qm):
    officer = OfficerFactory(first_name="Rory", last_name="Dunne")
    camera = CameraFactory(asset_tag="HPD-BWC-0777")
    assignment_services.check_out(camera=camera, officer=officer, by=SYSTEM)
    assignment_services.set_officer_active(officer=officer, active=False, by=SYSTEM)

    html = qm.get("/").content.decode()

    assert "Deactivated officers holding a camera" in html
    assert "Ofc. Rory Dunne" in html and "HPD-BWC-0777" in html


def test_no_warning_when_every_holder_is_active(qm):
    assignment_services.check_out(camera=CameraFactory(), officer=OfficerFactory(), by=SYSTEM)
    assert "Deactivated officers" not in qm.get("/").content.decode()


@pytest.mark.parametrize("copies", [1, 4])
def test_dashboard_query_count_does_not_grow_with_the_fleet(qm, django_assert_num_queries, copies):
    build_fleet(timezone.now(), copies=copies)
    # session, user, roles; cameras, open flags by kind, inactive holders, events needing attention, open kiosk alerts
    # (the supervisor's link to /kiosks/alerts/); the session's idle refresh, first request after
    # sign-in (savepoint, update, release).
    with django_assert_num_queries(11):
        response = qm.get("/")
    assert response.status_code == 200


def test_counts_are_cached_for_a_few_seconds_and_the_page_says_since_when(qm, settings, django_assert_num_queries):
    settings.DASHBOARD_CACHE_SECONDS = 10
    camera = CameraFactory(asset_tag="HPD-BWC-0901")
    with time_machine.travel(NOW, tick=False):
        qm.get("/")
        assignment_services.check_out(camera=camera, officer=OfficerFactory(), by=SYSTEM)
        # Session, user, roles, inactive holders, events, open kiosk alerts: the two counting queries
        # are not run.
        with django_assert_num_queries(6):
            response = qm.get("/")
    assert response.context["data"].counts["checked_out"] == 0
    assert response.context["data"].counted_at == NOW
    assert "(refreshed at most every 10 s)" in response.content.decode()

    with time_machine.travel(NOW + timedelta(seconds=11), tick=False):
        assert qm.get("/").context["data"].counts["checked_out"] == 1


def test_deactivated_holders_are_never_cached(qm, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    officer = OfficerFactory(first_name="Rory", last_name="Dunne")
    assignment_services.check_out(camera=CameraFactory(), officer=officer, by=SYSTEM)
    qm.get("/")
    assignment_services.set_officer_active(officer=officer, active=False, by=SYSTEM)
    assert "Ofc. Rory Dunne" in qm.get("/").content.decode()


def test_counts_are_read_fresh_when_the_cache_is_off(qm, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    qm.get("/")
    assignment_services.check_out(camera=CameraFactory(), officer=OfficerFactory(), by=SYSTEM)
    response = qm.get("/")
    assert response.context["data"].counts["checked_out"] == 1
    assert "refreshed at most" not in response.content.decode()
