"""Stocktake at the kiosk: only an officer whose staff account is a quartermaster's gets it; the same
stocktake services as the console; a fixed number of queries per screen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import roles
from assignments import services as assignments
from audit.actions import Action
from audit.models import AuditEvent
from devices import services as devices
from devices.models import Device, DeviceKind
from hartford_bwc.factories import (
    CameraFactory,
    CameraModelFactory,
    DeviceFactory,
    DeviceModelFactory,
    DockFactory,
    OfficerFactory,
    UserFactory,
    VehicleFactory,
)
from inventory import shelves
from inventory.models import Camera
from stocktake.models import Stocktake, StocktakeLine

from .conftest import PIN

pytestmark = pytest.mark.django_db
CHOOSE = reverse("kiosk:stocktake")


@pytest.fixture
def quartermaster_officer(system_actor):
    user = UserFactory(username="qm", role=roles.QUARTERMASTER)
    officer = OfficerFactory(first_name="Quinn", last_name="Marsh", user=user)
    assignments.set_officer_pin(officer=officer, pin=PIN, by=system_actor)
    return officer


def messages_in(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_an_officer_who_is_not_a_quartermaster_gets_no_stocktake(kiosk_browser, officer, system_actor):
    home = kiosk_browser.sign_in(officer.badge_number).content.decode()
    assert "Stocktake" not in home
    refused = kiosk_browser.get(CHOOSE, follow=True)
    assert "Stocktake is for a quartermaster" in refused.content.decode()
    # A staff account without the role is not enough either.
    officer.user = UserFactory(role=roles.SUPERVISOR)
    officer.save()
    assert "Stocktake is for a quartermaster" in kiosk_browser.get(CHOOSE, follow=True).content.decode()
    assert not Stocktake.objects.exists()


def test_signed_out_or_not_enrolled_gets_no_stocktake(client, kiosk_browser):
    assert kiosk_browser.get(CHOOSE)["Location"] == reverse("kiosk:home")
    assert client.get(CHOOSE).status_code == 403  # not an enrolled kiosk


def test_a_quartermaster_counts_a_dock_at_the_kiosk(kiosk_browser, quartermaster_officer):
    dock = DockFactory(name="Bank A")
    CameraFactory(asset_tag="HPD-BWC-0001", dock=dock, dock_bay=1)
    CameraFactory(asset_tag="HPD-BWC-0002", dock=dock, dock_bay=2)
    CameraFactory(asset_tag="HPD-BWC-0003")
    home = kiosk_browser.sign_in(quartermaster_officer.badge_number).content.decode()
    assert f'href="{CHOOSE}"' in home
    choose = kiosk_browser.get(CHOOSE).content.decode()
    assert 'name="dock"' in choose and "Vendor box" in choose and "Spare shelf" in choose
    started = kiosk_browser.post(CHOOSE, {"place": "dock", "dock": "bank a"})  # as typed: letter case aside
    stocktake = Stocktake.objects.get()
    assert started["Location"] == reverse("kiosk:stocktake_count", args=[stocktake.pk])
    assert stocktake.started_by.username == "qm" and stocktake.dock == dock

    scan = reverse("kiosk:stocktake_scan", args=[stocktake.pk])
    for code in ("HPD-BWC-0001", "hpd-bwc-0003", "HPD-BWC-0001", "JUNK-1"):
        page = kiosk_browser.post(scan, {"code": code}, follow=True)
    assert messages_in(page) == ["JUNK-1 (unknown here): counted."]
    assert "Counted: <strong>3</strong>" in page.content.decode()
    refused = kiosk_browser.post(scan, {"code": "=1+1"}, follow=True)
    assert messages_in(refused) == [
        "A code is letters and digits (with . - / _ inside); that scan is not one: scan again."
    ]

    done = kiosk_browser.post(reverse("kiosk:stocktake_finish", args=[stocktake.pk]), follow=True).content.decode()
    assert "Count finished" in done
    assert "http://testserver" + stocktake.get_absolute_url() in done
    for label, n in (
        ("Seen and expected", 1),
        ("Recorded elsewhere", 1),
        ("Expected, not seen", 1),
        ("Unknown codes", 1),
    ):
        assert f"<dt>{label}</dt><dd>{n}</dd>" in done
    scan_event = AuditEvent.objects.filter(action=Action.STOCKTAKE_SCAN).order_by("pk").first()
    assert scan_event.kiosk is not None and scan_event.actor_officer == quartermaster_officer
    # A finished count takes no more scans, and says so.
    again = kiosk_browser.post(scan, {"code": "HPD-BWC-0002"}, follow=True)
    assert messages_in(again) == [f"Stocktake {stocktake.pk} is finished; start a new count to scan again."]
    assert StocktakeLine.objects.filter(stocktake=stocktake, code="HPD-BWC-0002", outcome="not_seen").exists()


def test_a_shelf_count_and_an_open_count_to_carry_on(kiosk_browser, quartermaster_officer, system_actor):
    shelf = shelves.add_shelf(name="Cabinet 1", by=system_actor)
    kiosk_browser.sign_in(quartermaster_officer.badge_number)
    kiosk_browser.post(CHOOSE, {"place": "shelf", "shelf": str(shelf.pk)})
    stocktake = Stocktake.objects.get()
    assert stocktake.shelf == shelf
    assert f"Count #{stocktake.pk}: Shelf Cabinet 1" in kiosk_browser.get(CHOOSE).content.decode()
    bad = kiosk_browser.post(CHOOSE, {"place": "dock", "dock": "Bank Z"}, follow=True)
    assert messages_in(bad) == ["No dock in service is named “Bank Z”. Type the name on its label."]
    empty = kiosk_browser.post(CHOOSE, {"place": "dock", "dock": ""}, follow=True)
    assert messages_in(empty) == ["Choose the dock to count."]
    assert Stocktake.objects.count() == 1


def test_the_choose_screen_does_not_grow_with_the_docks(kiosk_browser, quartermaster_officer):
    """The dock is typed from its label: the screen is the same size with 3 docks or 300."""
    DockFactory.create_batch(3)
    kiosk_browser.sign_in(quartermaster_officer.badge_number)
    few = len(kiosk_browser.get(CHOOSE).content)
    DockFactory.create_batch(297)
    assert len(kiosk_browser.get(CHOOSE).content) == few


def test_a_device_scanned_at_the_kiosk_is_counted_and_shown_by_its_tag(kiosk_browser, quartermaster_officer):
    device = DeviceFactory(asset_tag="HPD-SIG-0001", serial_number="SS-0001")
    DeviceFactory(asset_tag="HPD-SIG-0002")  # in stock too: expected on the spare shelf, not scanned
    kiosk_browser.sign_in(quartermaster_officer.badge_number)
    kiosk_browser.post(CHOOSE, {"place": "spare_shelf"})
    stocktake = Stocktake.objects.get()
    page = kiosk_browser.post(reverse("kiosk:stocktake_scan", args=[stocktake.pk]), {"code": "ss-0001"}, follow=True)
    assert messages_in(page) == ["HPD-SIG-0001 (Axon Signal Sidearm, recorded as in stock): counted."]
    html = page.content.decode()
    assert "<li>HPD-SIG-0001</li>" in html and "unknown" not in html
    device.refresh_from_db()
    assert device.last_seen_at is not None

    done = kiosk_browser.post(reverse("kiosk:stocktake_finish", args=[stocktake.pk]), follow=True).content.decode()
    assert "<dt>Expected, not seen</dt><dd>1</dd>" in done
    line = StocktakeLine.objects.get(stocktake=stocktake, code="HPD-SIG-0002")
    assert (line.device.asset_tag, line.outcome) == ("HPD-SIG-0002", "not_seen")


def test_a_vehicle_is_counted_at_the_kiosk_by_its_unit_number(kiosk_browser, quartermaster_officer, system_actor):
    vehicle = VehicleFactory(unit_number="P-412")
    unit = DeviceFactory(asset_tag="HPD-SIG-0101", model=DeviceModelFactory(kind=DeviceKind.VEHICLE_UNIT))
    devices.install_in_vehicle(device=unit, vehicle=vehicle, by=system_actor)
    kiosk_browser.sign_in(quartermaster_officer.badge_number)
    choose = kiosk_browser.get(CHOOSE).content.decode()
    assert 'name="vehicle"' in choose and 'value="vehicle">A vehicle</button>' not in choose

    unknown = kiosk_browser.post(CHOOSE, {"place": "vehicle", "vehicle": "P-999"}, follow=True)
    assert messages_in(unknown) == ["No vehicle has unit number P-999."]
    empty = kiosk_browser.post(CHOOSE, {"place": "vehicle", "vehicle": " "}, follow=True)
    assert messages_in(empty) == ["Name the vehicle to count (its unit number)."]
    assert not Stocktake.objects.exists()

    kiosk_browser.post(CHOOSE, {"place": "vehicle", "vehicle": "p-412"})
    stocktake = Stocktake.objects.get()
    assert stocktake.vehicle == vehicle
    counting = kiosk_browser.get(reverse("kiosk:stocktake_count", args=[stocktake.pk])).content.decode()
    assert f"Counting <strong>{vehicle}</strong>" in counting
    kiosk_browser.post(reverse("kiosk:stocktake_scan", args=[stocktake.pk]), {"code": "HPD-SIG-0101"})
    done = kiosk_browser.post(reverse("kiosk:stocktake_finish", args=[stocktake.pk]), follow=True).content.decode()
    assert "<dt>Seen and expected</dt><dd>1</dd>" in done
    assert Device.objects.get(pk=unit.pk).last_seen_at is not None


def build(size: int, stocktake_by) -> Stocktake:
    model = CameraModelFactory()
    Camera.objects.bulk_create(
        [Camera(asset_tag=f"HPD-BWC-K{i:05d}", serial_number=f"K{i:07d}", model=model) for i in range(size)]
    )
    for i in range(size // 10):
        DockFactory(name=f"Bank {i}")
    return Stocktake.objects.create(place=Stocktake.Place.SPARE_SHELF, started_by=stocktake_by)


# kiosk, session, officer (with shift), the officer's staff user with the role; then the screen's reads:
# choose: open counts, docks, shelves; count: the count, the number counted, the last few; and the
# session's save (savepoint, update, release).
@pytest.mark.parametrize("size", [20, 400])
@pytest.mark.parametrize(("screen", "reads"), [("choose", 3), ("count", 3)])
def test_the_stocktake_screens_run_a_fixed_number_of_queries(
    size, screen, reads, kiosk_browser, quartermaster_officer, django_assert_num_queries
):
    stocktake = build(size, quartermaster_officer.user)
    kiosk_browser.sign_in(quartermaster_officer.badge_number)
    for i in range(0, size, 3):
        kiosk_browser.post(reverse("kiosk:stocktake_scan", args=[stocktake.pk]), {"code": f"HPD-BWC-K{i:05d}"})
    url = CHOOSE if screen == "choose" else reverse("kiosk:stocktake_count", args=[stocktake.pk])
    with django_assert_num_queries(4 + reads + 3):
        response = kiosk_browser.get(url)
    assert response.status_code == 200
