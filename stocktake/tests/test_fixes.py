"""Every kind of difference has its one-click fix, at a dock and at a named shelf; each is audited,
runs once however often it is clicked, and a check-in asks for a confirmation first."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts import roles
from assignments import services as assignments
from assignments.models import Checkout
from audit.actions import Action
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory
from hartford_bwc.testing import messages_of, sign_in
from inventory import shelves
from inventory.models import Camera, ChargeEvent, MaintenanceRecord, Shelf

from .. import services
from ..models import Stocktake, StocktakeLine
from .count import craft_count, quartermaster

pytestmark = pytest.mark.django_db
Outcome = StocktakeLine.Outcome


@dataclass
class ShelfCount:
    stocktake: Stocktake
    by: Actor
    shelf: Shelf
    other_shelf: Shelf
    dock_elsewhere: object


def craft_shelf_count(*, finish: bool = True) -> ShelfCount:
    """A count of shelf "Cabinet 1" with one camera of every kind of result."""
    by = quartermaster()
    shelf = shelves.add_shelf(name="Cabinet 1", location="HQ equipment room", by=by)
    other_shelf = shelves.add_shelf(name="Cabinet 2", by=by)
    dock = DockFactory(name="Bank B")
    for tag, where in (("HPD-BWC-0101", shelf), ("HPD-BWC-0102", shelf), ("HPD-BWC-0103", other_shelf)):
        shelves.shelve(camera=CameraFactory(asset_tag=tag), shelf=where, by=by)
    CameraFactory(asset_tag="HPD-BWC-0104", dock=dock, dock_bay=1)
    out = CameraFactory(asset_tag="HPD-BWC-0105")
    shelves.shelve(camera=out, shelf=shelf, by=by)
    assignments.check_out(camera=out, officer=OfficerFactory(badge_number="2231", last_name="Okafor"), by=by)
    CameraFactory(asset_tag="HPD-BWC-0106", status=Camera.Status.LOST, lost_incident_number="HPD-26-9")
    stocktake = services.start(place=Stocktake.Place.SHELF, shelf=shelf, by=by)
    for code in ("HPD-BWC-0101", "HPD-BWC-0103", "HPD-BWC-0104", "HPD-BWC-0105", "HPD-BWC-0106", "SN-77A"):
        services.scan(stocktake=stocktake, code=code, by=by)
    if finish:
        services.finish(stocktake=stocktake, by=by)
    return ShelfCount(stocktake, by, shelf, other_shelf, dock)


def line_of(stocktake, code) -> StocktakeLine:
    return StocktakeLine.objects.select_related("stocktake", "camera").get(stocktake=stocktake, code=code)


def camera(tag) -> Camera:
    return Camera.objects.get(asset_tag=tag)


def test_a_shelf_count_expects_the_cameras_recorded_on_that_shelf_and_sorts_the_rest():
    count = craft_shelf_count()
    result = dict(StocktakeLine.objects.filter(stocktake=count.stocktake).values_list("code", "outcome"))
    assert result == {
        "HPD-BWC-0101": Outcome.SEEN_EXPECTED,
        "HPD-BWC-0102": Outcome.NOT_SEEN,
        "HPD-BWC-0103": Outcome.SEEN_ELSEWHERE,
        "HPD-BWC-0104": Outcome.SEEN_ELSEWHERE,
        "HPD-BWC-0105": Outcome.SEEN_ELSEWHERE,  # checked out from this shelf: off it
        "HPD-BWC-0106": Outcome.SEEN_ELSEWHERE,
        "SN-77A": Outcome.UNKNOWN,
    }
    assert line_of(count.stocktake, "HPD-BWC-0103").recorded_label == "available, on shelf Cabinet 2"
    assert count.stocktake.place_label == "Shelf Cabinet 1 (HQ equipment room)"


def test_each_difference_at_a_shelf_offers_its_fix():
    count = craft_shelf_count()
    offered = {
        code: services.fixes_for(line_of(count.stocktake, code))
        for code in StocktakeLine.objects.filter(stocktake=count.stocktake).values_list("code", flat=True)
    }
    assert offered == {
        "HPD-BWC-0101": [],
        "HPD-BWC-0102": ["report-lost"],
        "HPD-BWC-0103": ["move-here"],
        "HPD-BWC-0104": ["move-here"],
        "HPD-BWC-0105": ["check-in"],
        "HPD-BWC-0106": ["report-found"],
        "SN-77A": [],
    }
    assert services.FIXES["move-here"].title_for(count.stocktake) == "Move to this shelf"


def test_move_here_records_a_camera_from_another_shelf_or_a_dock_on_this_shelf():
    count = craft_shelf_count()
    services.fix(line=line_of(count.stocktake, "HPD-BWC-0103"), fix="move-here", by=count.by)
    services.fix(line=line_of(count.stocktake, "HPD-BWC-0104"), fix="move-here", by=count.by)
    for tag in ("HPD-BWC-0103", "HPD-BWC-0104"):
        moved = camera(tag)
        assert (moved.shelf, moved.dock, moved.dock_bay) == (count.shelf, None, None)
        assert line_of(count.stocktake, tag).resolution == "moved to shelf Cabinet 1"
    # Out of the dock: the charge history says so, as an undock from the camera's page would.
    assert ChargeEvent.objects.filter(camera=camera("HPD-BWC-0104"), kind=ChargeEvent.Kind.UNDOCKED).exists()
    shelved = (
        AuditEvent.objects.filter(action=Action.CAMERA_SHELVED, camera=camera("HPD-BWC-0103")).order_by("pk").last()
    )
    assert shelved.before == {"shelf": count.other_shelf.pk} and shelved.after == {"shelf": count.shelf.pk}
    assert AuditEvent.objects.filter(action=Action.STOCKTAKE_FIX).count() == 2


def test_check_in_asks_for_a_confirmation_then_checks_in_and_shelves_the_camera():
    count = craft_shelf_count()
    with pytest.raises(DomainError, match="Confirm before you check in HPD-BWC-0105"):
        services.fix(line=line_of(count.stocktake, "HPD-BWC-0105"), fix="check-in", by=count.by)
    assert Checkout.objects.open().filter(camera__asset_tag="HPD-BWC-0105").exists()
    services.fix(line=line_of(count.stocktake, "HPD-BWC-0105"), fix="check-in", by=count.by, confirmed=True)
    back = camera("HPD-BWC-0105")
    assert (back.status, back.shelf) == (Camera.Status.AVAILABLE, count.shelf)
    assert not Checkout.objects.open().filter(camera=back).exists()
    resolution = line_of(count.stocktake, "HPD-BWC-0105").resolution
    assert resolution.startswith("checked in from ") and resolution.endswith(
        "(badge 2231) and moved to shelf Cabinet 1"
    )


def test_report_found_and_report_lost_at_a_shelf_go_through_their_services():
    count = craft_shelf_count()
    services.fix(line=line_of(count.stocktake, "HPD-BWC-0106"), fix="report-found", by=count.by)
    assert camera("HPD-BWC-0106").status == Camera.Status.IN_MAINTENANCE
    services.fix(
        line=line_of(count.stocktake, "HPD-BWC-0102"), fix="report-lost", by=count.by, incident_number="HPD-26-3"
    )
    lost = camera("HPD-BWC-0102")
    assert (lost.status, lost.shelf) == (Camera.Status.LOST, None)  # a lost camera is on no shelf


def test_an_unknown_code_offers_add_a_camera_with_the_code_prefilled(client):
    count = craft_shelf_count()
    assert services.add_camera_prefill("SN-77A") == {"serial_number": "SN-77A"}
    assert services.add_camera_prefill("HPD-BWC-9999") == {"asset_tag": "HPD-BWC-9999"}
    sign_in(client)
    page = client.get(count.stocktake.get_absolute_url()).content.decode()
    href = reverse("inventory:camera_add") + "?serial_number=SN-77A"
    assert f'href="{href}"' in page and "Add a camera with this code" in page
    form = client.get(href).content.decode()
    assert 'value="SN-77A"' in form
    # A hostile prefill is ignored, not echoed.
    assert "\x1b" not in client.get(reverse("inventory:camera_add") + "?asset_tag=%1B%5B2J").content.decode()


def test_a_second_click_changes_nothing_and_says_the_line_is_resolved(client):
    count = craft_shelf_count()
    sign_in(client)
    url = reverse("stocktake:fix", args=[line_of(count.stocktake, "HPD-BWC-0103").pk, "move-here"])
    assert messages_of(client.post(url, follow=True)) == ["HPD-BWC-0103: moved to shelf Cabinet 1."]
    events = AuditEvent.objects.count()
    assert messages_of(client.post(url, follow=True)) == ["HPD-BWC-0103 is already resolved: moved to shelf Cabinet 1."]
    assert AuditEvent.objects.count() == events


def test_the_check_in_button_shows_a_confirmation_page_first(client):
    count = craft_count()
    sign_in(client)
    line = line_of(count.stocktake, "HPD-BWC-0004")
    url = reverse("stocktake:fix", args=[line.pk, "check-in"])
    page = client.post(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Check in HPD-BWC-0004?" in text and "badge 4410" in text and 'name="confirm"' in text
    assert Checkout.objects.open().filter(camera=count.out).exists()
    done = client.post(url, {"confirm": "on"}, follow=True)
    assert messages_of(done)[0].startswith("HPD-BWC-0004: checked in from")
    assert messages_of(done)[0].endswith("and moved to dock Bank A.")
    assert not Checkout.objects.open().filter(camera=count.out).exists()


def test_a_supervisor_cannot_fix(client):
    count = craft_shelf_count()
    sign_in(client, roles.SUPERVISOR)
    url = reverse("stocktake:fix", args=[line_of(count.stocktake, "HPD-BWC-0103").pk, "move-here"])
    assert client.post(url).status_code == 403
    assert camera("HPD-BWC-0103").shelf == count.other_shelf


# --- places -----------------------------------------------------------------------------------------


def test_each_camera_is_expected_at_one_place_only():
    by = quartermaster()
    shelf = shelves.add_shelf(name="Cabinet 1", by=by)
    on_shelf = CameraFactory(asset_tag="ON-SHELF")
    shelves.shelve(camera=on_shelf, shelf=shelf, by=by)
    CameraFactory(asset_tag="SPARE")
    rma = CameraFactory(asset_tag="RMA")
    shelves.shelve(camera=rma, shelf=shelf, by=by)
    MaintenanceRecord.objects.create(camera=rma, kind="repair", performed_by="vendor", rma_number="RMA-1")
    Camera.objects.filter(pk=rma.pk).update(status=Camera.Status.IN_MAINTENANCE)
    expected = {}
    for place, kwargs in (
        (Stocktake.Place.SHELF, {"shelf": shelf}),
        (Stocktake.Place.SPARE_SHELF, {}),
        (Stocktake.Place.VENDOR_BOX, {}),
        (Stocktake.Place.MAINTENANCE_SHELF, {}),
    ):
        stocktake = services.finish(stocktake=services.start(place=place, by=by, **kwargs), by=by)
        expected[place] = set(stocktake.lines.values_list("code", flat=True))
    assert expected == {
        Stocktake.Place.SHELF: {"ON-SHELF"},
        Stocktake.Place.SPARE_SHELF: {"SPARE"},
        Stocktake.Place.VENDOR_BOX: {"RMA"},  # out under a vendor RMA, whatever shelf it was on
        Stocktake.Place.MAINTENANCE_SHELF: set(),
    }


def test_a_shelf_count_needs_an_active_shelf():
    by = quartermaster()
    with pytest.raises(InvalidInput, match="Choose the shelf"):
        services.start(place=Stocktake.Place.SHELF, by=by)
    shelf = shelves.add_shelf(name="Old cabinet", by=by)
    shelves.set_shelf_active(shelf=shelf, active=False, by=by)
    with pytest.raises(DomainError, match="retired"):
        services.start(place=Stocktake.Place.SHELF, shelf=shelf, by=by)


def test_docking_a_camera_takes_it_off_its_shelf():
    by = quartermaster()
    shelf = shelves.add_shelf(name="Cabinet 1", by=by)
    cam = CameraFactory()
    shelves.shelve(camera=cam, shelf=shelf, by=by)
    from inventory import services as inventory

    inventory.record_charge(camera=cam, kind=ChargeEvent.Kind.DOCKED, dock=DockFactory(), bay=1, by=by)
    cam.refresh_from_db()
    assert cam.shelf is None and cam.dock is not None
    docked = AuditEvent.objects.filter(action=Action.CAMERA_DOCKED, camera=cam).order_by("pk").last()
    assert docked.before["shelf"] == shelf.pk and docked.after["shelf"] is None


def test_the_database_refuses_a_camera_both_docked_and_on_a_shelf():
    from django.db import IntegrityError, transaction

    shelf = Shelf.objects.create(name="Cabinet 1")
    cam = CameraFactory(dock=DockFactory(), dock_bay=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Camera.objects.filter(pk=cam.pk).update(shelf=shelf)


# Session and user (2), the user's roles (1), the line with its count (1), the line again with its
# camera, recorded dock and shelf (1), the camera's open checkout with its officer (1).
@pytest.mark.parametrize("extra_lines", [0, 40])
def test_the_check_in_confirmation_runs_a_fixed_number_of_queries(extra_lines, client, django_assert_num_queries):
    count = craft_count(finish=False)
    for i in range(extra_lines):
        services.scan(stocktake=count.stocktake, code=f"EXTRA-{i}", by=count.by)
    services.finish(stocktake=count.stocktake, by=count.by)
    sign_in(client)
    url = reverse("stocktake:fix", args=[line_of(count.stocktake, "HPD-BWC-0004").pk, "check-in"])
    client.get(count.stocktake.get_absolute_url())
    with django_assert_num_queries(6):
        response = client.post(url)
    assert "Check in HPD-BWC-0004?" in response.content.decode()
