"""Bulk actions on the ticked cameras: a confirmation page listing every camera and what will change (or
why it would be refused), then one all-or-nothing run through the services, audited per camera."""

from __future__ import annotations

import pytest

from accounts import roles
from assignments import services as assignment_services
from assignments.models import Checkout
from audit.actions import Action
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory
from hartford_bwc.testing import fleet_state, messages_of, sign_in
from inventory import bulk
from inventory.models import Camera, MaintenanceRecord

pytestmark = pytest.mark.django_db
LIST = "/inventory/cameras/"
SYSTEM = Actor.system_process("tests")


def bulk_url(slug: str) -> str:
    return f"/inventory/cameras/bulk/{slug}/"


@pytest.fixture
def qm(client):
    sign_in(client, roles.QUARTERMASTER)
    return client


def out_to(camera, **officer):
    return assignment_services.check_out(camera=camera, officer=OfficerFactory(**officer), by=SYSTEM)


def rows(response) -> dict[str, str]:
    """Asset tag -> what the confirmation page says will happen to it."""
    forecast = response.context["forecast"]
    found = {c.camera.asset_tag: c.refusal and f"Refused: {c.refusal}" or c.change for c in forecast.changes}
    found.update({tag: "Refused: unknown" for tag in forecast.unknown})
    return found


# --- the confirmation page ---------------------------------------------------------------------------


def test_check_in_lists_every_camera_and_what_will_change_and_changes_nothing_yet(qm):
    out = CameraFactory(asset_tag="HPD-BWC-0001")
    out_to(out, first_name="Emily", last_name="Murphy")
    CameraFactory(asset_tag="HPD-BWC-0002")
    before = fleet_state()

    response = qm.post(bulk_url("check-in"), {"camera": ["HPD-BWC-0001", "HPD-BWC-0002", "HPD-NOPE"], "next": LIST})

    assert response.status_code == 200
    assert rows(response) == {
        "HPD-BWC-0001": "Checked in from Ofc. Emily Murphy as working; available",
        "HPD-BWC-0002": "Refused: It is not checked out, so there is nothing to check in.",
        "HPD-NOPE": "Refused: unknown",
    }
    html = response.content.decode()
    assert "Checked out to Ofc. Emily Murphy" in html
    assert 'value="confirm"' not in html  # refusals first: nothing can be confirmed
    assert "Continue without the refused cameras (1 left)" in html
    assert fleet_state() == before


def test_the_page_offers_confirm_when_every_camera_can_change(qm):
    for n in (1, 2):
        out_to(CameraFactory(asset_tag=f"HPD-BWC-000{n}"))
    response = qm.post(bulk_url("check-in"), {"camera": ["HPD-BWC-0001", "HPD-BWC-0002"]})
    assert "Confirm: check in 2 cameras" in response.content.decode()


# --- all or nothing ------------------------------------------------------------------------------------


def test_confirmed_check_in_checks_in_every_camera_each_audited(qm):
    cameras = [CameraFactory(asset_tag=f"HPD-BWC-000{n}") for n in (1, 2, 3)]
    for camera in cameras:
        out_to(camera)

    response = qm.post(
        bulk_url("check-in"),
        {"camera": [c.asset_tag for c in cameras], "step": "confirm", "next": f"{LIST}?status=checked_out"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"{LIST}?status=checked_out"
    assert "Checked in 3 cameras: HPD-BWC-0001, HPD-BWC-0002, HPD-BWC-0003." in messages_of(response)
    assert not Checkout.objects.open().exists()
    assert set(Camera.objects.values_list("status", flat=True)) == {Camera.Status.AVAILABLE}
    events = AuditEvent.objects.filter(action=Action.CHECKOUT_CHECK_IN)
    assert sorted(events.values_list("camera__asset_tag", flat=True)) == [c.asset_tag for c in cameras]
    assert set(events.values_list("actor_label", flat=True)) == {"quartermaster-user"}


def test_one_refusal_at_confirmation_changes_nothing_and_names_the_camera_and_why(qm):
    ok = CameraFactory(asset_tag="HPD-BWC-0001")
    out = CameraFactory(asset_tag="HPD-BWC-0002")
    out_to(out, first_name="Lee", last_name="Ames")
    before, audited = fleet_state(), AuditEvent.objects.count()

    # The forecast would have refused it too; a confirm posted anyway (or after a race) reaches the services.
    response = qm.post(bulk_url("send-to-inspection"), {"camera": [ok.asset_tag, out.asset_tag], "step": "confirm"})

    assert response.status_code == 409
    assert fleet_state() == before
    assert AuditEvent.objects.count() == audited
    assert response.context["refusals"] == [
        ("HPD-BWC-0002", "HPD-BWC-0002 is checked out to Ofc. Lee Ames; check it in first.")
    ]
    html = response.content.decode()
    assert "Nothing was changed: 1 of the 2 cameras was refused." in html
    assert "<strong>HPD-BWC-0002</strong>: HPD-BWC-0002 is checked out to Ofc. Lee Ames; check it in first." in html


def test_send_to_inspection_opens_an_in_house_inspection_per_camera(qm):
    cameras = [CameraFactory(asset_tag=f"HPD-BWC-000{n}") for n in (1, 2)]
    response = qm.post(
        bulk_url("send-to-inspection"),
        {"camera": [c.asset_tag for c in cameras], "step": "confirm", "problem": "Lens check after the storm"},
        follow=True,
    )
    assert "Sent to inspection 2 cameras: HPD-BWC-0001, HPD-BWC-0002." in messages_of(response)
    records = MaintenanceRecord.objects.open().filter(kind="inspection", performed_by="in_house")
    assert set(records.values_list("problem", flat=True)) == {"Lens check after the storm"}
    assert records.count() == 2
    assert AuditEvent.objects.filter(action=Action.MAINTENANCE_OPEN).count() == 2


# --- retire ------------------------------------------------------------------------------------------


def test_retire_asks_for_a_reason_before_anything_changes(qm):
    camera = CameraFactory(asset_tag="HPD-BWC-0001")
    first = qm.post(bulk_url("retire"), {"camera": [camera.asset_tag]})
    assert first.status_code == 200
    assert not first.context["form"].errors  # straight from the list: asked, not scolded
    assert rows(first) == {"HPD-BWC-0001": "Retired; spare pool, no personal issue"}

    response = qm.post(bulk_url("retire"), {"camera": [camera.asset_tag], "step": "confirm", "reason": "  "})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    camera.refresh_from_db()
    assert camera.status == Camera.Status.AVAILABLE


def test_bulk_retire_records_the_reason_on_each_cameras_audit_event(qm):
    cameras = [CameraFactory(asset_tag=f"HPD-BWC-000{n}") for n in (1, 2)]
    qm.post(
        bulk_url("retire"),
        {"camera": [c.asset_tag for c in cameras], "step": "confirm", "reason": "End of the 2019 contract"},
    )
    assert set(Camera.objects.values_list("status", flat=True)) == {Camera.Status.RETIRED}
    events = AuditEvent.objects.filter(action=Action.CAMERA_RETIRE)
    assert list(events.values_list("reason", flat=True)) == ["End of the 2019 contract"] * 2


def test_retire_refuses_a_checked_out_camera_in_the_forecast(qm):
    out = CameraFactory(asset_tag="HPD-BWC-0001")
    out_to(out, first_name="Ana", last_name="Baker")
    response = qm.post(bulk_url("retire"), {"camera": [out.asset_tag]})
    assert rows(response) == {
        "HPD-BWC-0001": "Refused: Checked out to Ofc. Ana Baker; check it in before it can be retired."
    }


# --- move to a dock ---------------------------------------------------------------------------------------


def test_move_to_a_dock_shows_the_free_bays_each_camera_takes_then_docks_them(qm):
    dock = DockFactory(name="Dock 001", bays=4)
    CameraFactory(asset_tag="HPD-BWC-0009", dock=dock, dock_bay=1)
    there = CameraFactory(asset_tag="HPD-BWC-0003", dock=dock, dock_bay=3)
    moving = [CameraFactory(asset_tag=f"HPD-BWC-000{n}", dock=None, dock_bay=None) for n in (1, 2)]
    tags = [moving[0].asset_tag, there.asset_tag, moving[1].asset_tag]

    chosen = qm.post(bulk_url("move-to-dock"), {"camera": tags})
    assert 'value="confirm"' not in chosen.content.decode()  # the dock first
    preview = qm.post(bulk_url("move-to-dock"), {"camera": tags, "dock": dock.name, "step": "preview"})

    assert rows(preview) == {
        "HPD-BWC-0001": "Docked in Dock 001, bay 2",
        "HPD-BWC-0003": "Already in Dock 001, bay 3: unchanged",
        "HPD-BWC-0002": "Docked in Dock 001, bay 4",
    }
    qm.post(bulk_url("move-to-dock"), {"camera": tags, "dock": dock.name, "step": "confirm"})
    placed = dict(Camera.objects.filter(dock=dock).values_list("asset_tag", "dock_bay"))
    assert placed == {"HPD-BWC-0009": 1, "HPD-BWC-0001": 2, "HPD-BWC-0003": 3, "HPD-BWC-0002": 4}
    assert AuditEvent.objects.filter(action=Action.CAMERA_DOCKED).count() == 2


def test_a_dock_without_enough_free_bays_refuses_the_rest_and_docks_none(qm):
    dock = DockFactory(name="Dock 002", bays=2)
    cameras = [CameraFactory(asset_tag=f"HPD-BWC-000{n}", dock=None, dock_bay=None) for n in (1, 2, 3)]
    tags = [c.asset_tag for c in cameras]
    before = fleet_state()

    preview = qm.post(bulk_url("move-to-dock"), {"camera": tags, "dock": dock.name, "step": "preview"})
    confirmed = qm.post(bulk_url("move-to-dock"), {"camera": tags, "dock": dock.name, "step": "confirm"})

    refusal = "No free bay left in Dock 002 (2 bays). Choose another dock or fewer cameras."
    assert rows(preview)["HPD-BWC-0003"] == f"Refused: {refusal}"
    assert confirmed.status_code == 409
    assert confirmed.context["refusals"] == [("HPD-BWC-0003", refusal)]
    assert fleet_state() == before


def test_move_to_a_dock_refuses_an_unknown_or_inactive_dock(qm):
    camera = CameraFactory()
    inactive = DockFactory(is_active=False)
    for dock in ("999999", "x; DROP", str(inactive.pk)):
        response = qm.post(bulk_url("move-to-dock"), {"camera": [camera.asset_tag], "dock": dock, "step": "confirm"})
        assert response.status_code == 422
    camera.refresh_from_db()
    assert camera.dock_id != inactive.pk


# --- the selection ------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(bulk.ACTIONS))
def test_nothing_ticked_goes_back_to_the_list_saying_so(qm, slug):
    response = qm.post(bulk_url(slug), {"next": f"{LIST}?page=2"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{LIST}?page=2"
    assert "Tick at least one camera first." in messages_of(response)


def test_print_labels_with_nothing_ticked_says_so_instead_of_an_empty_sheet(qm):
    response = qm.get("/inventory/labels/", {"csrfmiddlewaretoken": "x", "next": f"{LIST}?q=a"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{LIST}?q=a"
    assert "Tick at least one camera first." in messages_of(response)


def test_more_than_the_cap_is_refused_with_how_many_and_the_limit(qm):
    tags = [f"HPD-BWC-{n:05d}" for n in range(bulk.MAX_SELECTION + 1)]
    response = qm.post(bulk_url("retire"), {"camera": tags}, follow=True)
    assert f"{bulk.MAX_SELECTION + 1} cameras were selected; act on at most {bulk.MAX_SELECTION} at a time." in (
        " ".join(messages_of(response))
    )


def test_thirty_thousand_ids_posted_is_a_clear_400_not_a_crash(qm):
    response = qm.post(bulk_url("retire"), {"camera": [f"HPD-BWC-{n:05d}" for n in range(30_000)]})
    assert response.status_code == 400
    assert "too many cameras or officers were selected at once" in response.content.decode()


def test_hostile_tags_and_next_are_harmless(qm):
    camera = CameraFactory(asset_tag="HPD-BWC-0001")
    response = qm.post(
        bulk_url("check-in"),
        {
            "camera": ["<script>alert(1)</script>", "HPD\x00BWC", "' OR 1=1 --", "x" * 5000],
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert response.context["next"] == LIST
    response = qm.post(
        bulk_url("check-in"), {"camera": [camera.asset_tag], "step": "confirm", "next": "//evil.example/x"}
    )
    assert response.status_code == 409
    assert qm.post(bulk_url("explode"), {"camera": [camera.asset_tag]}).status_code == 404


# --- queries --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "extra", "expected"),
    [
        # session, user, roles; the cameras, their open checkouts, their open maintenance.
        ("check-in", {}, 6),
        ("retire", {}, 6),
        # ... and the dock (typed by its name), its taken bays.
        ("move-to-dock", {"step": "preview"}, 8),
    ],
)
def test_the_confirmation_page_reads_a_fixed_number_of_queries(qm, django_assert_num_queries, slug, extra, expected):
    dock = DockFactory(bays=200)
    officers = iter(OfficerFactory.create_batch(130))

    def selection(n):
        cameras = CameraFactory.create_batch(n, dock=None, dock_bay=None)
        if slug == "check-in":
            for camera in cameras:
                assignment_services.check_out(camera=camera, officer=next(officers), by=SYSTEM)
        return {"camera": [c.asset_tag for c in cameras], "dock": dock.name, **extra}

    small, large = selection(4), selection(120)
    qm.get(LIST)  # the session's refresh after sign-in is not the page's cost
    with django_assert_num_queries(expected):
        response = qm.post(bulk_url(slug), small)
    assert response.context["can_confirm"]
    with django_assert_num_queries(expected):
        response = qm.post(bulk_url(slug), large)
    assert response.context["can_confirm"] and len(response.context["forecast"].to_change) == 120


@pytest.mark.parametrize("docks", [3, 300])
def test_the_move_to_a_dock_page_reads_as_many_queries_however_many_docks(qm, django_assert_num_queries, docks):
    """Straight from the list (the dock not yet typed) and with the bays shown: the docks are never listed."""
    DockFactory.create_batch(docks - 1)
    dock = DockFactory(bays=10)
    tags = [c.asset_tag for c in CameraFactory.create_batch(3, dock=None, dock_bay=None)]
    qm.get(LIST)
    # session, user, roles; the cameras, their open checkouts, their open maintenance.
    with django_assert_num_queries(6):
        chosen = qm.post(bulk_url("move-to-dock"), {"camera": tags})
    # ... and the dock typed, its taken bays.
    with django_assert_num_queries(8):
        preview = qm.post(bulk_url("move-to-dock"), {"camera": tags, "dock": dock.name, "step": "preview"})
    assert chosen.context["choose_first"] and preview.context["can_confirm"]


def test_the_move_to_a_dock_page_does_not_list_every_dock(qm):
    tags = [c.asset_tag for c in CameraFactory.create_batch(2, dock=None, dock_bay=None)]
    DockFactory.create_batch(3)
    qm.get(LIST)
    few = qm.post(bulk_url("move-to-dock"), {"camera": tags})
    DockFactory.create_batch(297)
    many = qm.post(bulk_url("move-to-dock"), {"camera": tags})
    assert len(many.content) == len(few.content)
    assert "<option" not in many.content.decode()


def test_a_dock_name_no_dock_has_is_refused_on_the_form(qm):
    DockFactory(name="Dock 001")
    tags = [CameraFactory(dock=None, dock_bay=None).asset_tag]
    response = qm.post(bulk_url("move-to-dock"), {"camera": tags, "dock": "Dock 999", "step": "confirm"})
    assert response.status_code == 422
    assert "No dock in service is named “Dock 999”" in response.content.decode()
