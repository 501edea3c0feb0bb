"""Officer history, camera custody (with the audit chain check) and the audit log search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from audit.models import AuditEvent
from kiosk.models import Kiosk

pytestmark = pytest.mark.django_db


def test_officer_history_lists_every_checkout_in_the_range(fleet, supervisor_client):
    response = supervisor_client.get("/reports/officer-history/?badge=101&start=2026-02-16&end=2026-03-01")

    assert response.context["officer"] == fleet.officers["E1"]
    assert response.context["figures"] == {
        "checkouts": 8,
        "cameras": 1,
        "hours": 69.2,
        "late": 1,
        "overdue": 0,
        "damaged": 0,
    }
    rows = [
        (row.get_cell_value("checked_out_at"), row.get_cell_value("checked_in_at"), row.get_cell_value("late"))
        for row in response.context["tables"]["checkouts"].rows
    ]
    assert rows[0] == ("2026-02-16 14:50", "2026-02-16 23:20", "No")
    assert ("2026-02-24 14:50", "2026-02-25 00:30", "Yes") in rows
    assert len(rows) == 8


def test_officer_history_with_an_unknown_badge_says_so(fleet, supervisor_client):
    response = supervisor_client.get("/reports/officer-history/?badge=999")

    assert response.status_code == 200
    assert "No officer has badge number 999." in response.content.decode()


def test_bad_dates_are_a_400_with_the_forms_message_and_no_report(fleet, supervisor_client):
    response = supervisor_client.get("/reports/utilization/?start=2026-03-05&end=2026-03-01")

    assert response.status_code == 400
    assert "The start date is after the end date." in response.content.decode()
    assert "period" not in response.context

    response = supervisor_client.get("/reports/coverage/?start=not-a-date")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def _events(fleet):
    by = Actor.system_process("tests")
    c1, c2 = fleet.cameras["C1"], fleet.cameras["C2"]
    audit.record(by=by, action="camera.docked", obj=c1, camera=c1, after={"dock": 1})
    audit.record(by=by, action="camera.docked", obj=c2, camera=c2, after={"dock": 1})
    audit.record(by=by, action="maintenance.open", obj=c1, camera=c1, officer=fleet.officers["E1"], reason="Lens")


def test_camera_custody_shows_holders_and_verifies_the_events_shown(fleet, supervisor_client):
    _events(fleet)

    response = supervisor_client.get("/reports/camera-custody/?asset_tag=c1&start=2026-02-16&end=2026-03-04")

    assert response.context["camera"] == fleet.cameras["C1"]
    custody = response.context["tables"]["custody"]
    assert len(custody.rows) == 8
    assert {row.get_cell_value("badge") for row in custody.rows} == {"101"}
    audit_rows = response.context["tables"]["audit"].rows
    assert [row.get_cell_value("action") for row in audit_rows] == ["Docked", "Maintenance opened"]
    assert response.context["chain_ok"] is True
    html = response.content.decode()
    assert "Audit chain verified" in html
    assert AuditEvent.objects.filter(camera=fleet.cameras["C1"]).first().hash in html


def test_camera_custody_flags_an_event_whose_hash_does_not_match(fleet, supervisor_client):
    _events(fleet)
    last = AuditEvent.objects.order_by("-pk").first()
    forged = AuditEvent(
        occurred_at=timezone.now(),
        actor_kind="staff",
        actor_label="someone",
        action="checkout.check_in",
        object_type="inventory.Camera",
        object_id=str(fleet.cameras["C1"].pk),
        object_repr="C1",
        camera=fleet.cameras["C1"],
        prev_hash=last.hash,
        hash="0" * 64,
    )
    AuditEvent.objects.bulk_create([forged])

    response = supervisor_client.get("/reports/camera-custody/?asset_tag=C1")

    assert response.context["chain_ok"] is False
    assert [row.get_cell_value("verified") for row in response.context["tables"]["audit"].rows] == [
        "Yes",
        "Yes",
        "NO: content changed",
    ]
    assert "does NOT verify" in response.content.decode()


def test_camera_custody_flags_a_broken_link(fleet, supervisor_client):
    _events(fleet)
    orphan = AuditEvent(
        occurred_at=timezone.now(),
        actor_kind="system",
        actor_label="tests",
        action="camera.docked",
        object_type="inventory.Camera",
        object_id=str(fleet.cameras["C1"].pk),
        object_repr="C1",
        camera=fleet.cameras["C1"],
        prev_hash="f" * 64,
    )
    orphan.hash = orphan.compute_hash()
    AuditEvent.objects.bulk_create([orphan])

    response = supervisor_client.get("/reports/camera-custody/?asset_tag=C1")

    assert [row.get_cell_value("verified") for row in response.context["tables"]["audit"].rows][-1] == "NO: link broken"


def test_audit_log_searches_by_camera_officer_action_actor_kiosk_and_date(fleet, supervisor_client):
    _events(fleet)
    kiosk = Kiosk.objects.create(name="HQ lobby")
    officer = fleet.officers["E2"]
    audit.record(by=Actor.at_kiosk(kiosk, officer), action="checkout.check_out", obj=officer, officer=officer)

    def actions(query):
        response = supervisor_client.get(f"/reports/audit-log/?{query}")
        assert response.status_code == 200
        return [row.get_cell_value("action_code") for row in response.context["tables"]["events"].rows]

    # Newest first; registering the kiosk is itself an event (audit.signals), the fleet's set-up before it too.
    assert actions("")[:5] == [
        "checkout.check_out",
        "kiosk.create",
        "maintenance.open",
        "camera.docked",
        "camera.docked",
    ]
    assert actions("camera=c1") == ["maintenance.open", "camera.docked"]
    assert actions("officer=101") == ["maintenance.open"]
    assert actions("officer=102") == ["checkout.check_out"]
    assert actions("action=camera.docked") == ["camera.docked", "camera.docked"]
    assert actions("actor=Bob") == ["checkout.check_out"]
    assert actions(f"kiosk={kiosk.pk}") == ["checkout.check_out"]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert actions(f"start={yesterday}&end={yesterday}") == []
    assert actions(f"end={timezone.localdate().isoformat()}") != []


def test_audit_log_is_paginated(fleet, supervisor_client):
    by = Actor.system_process("tests")
    camera = fleet.cameras["C1"]
    for n in range(55):
        audit.record(by=by, action="camera.battery", obj=camera, camera=camera, after={"n": n})

    # Filtered to these 55: setting up the fleet (users, units, docks) is audited too.
    first = supervisor_client.get("/reports/audit-log/?action=camera.battery")
    second = supervisor_client.get("/reports/audit-log/?action=camera.battery&events-page=2")

    assert len(first.context["tables"]["events"].page.object_list) == 50
    assert len(second.context["tables"]["events"].page.object_list) == 5


def test_audit_log_shows_each_action_by_its_title_and_exports_its_code(fleet, supervisor_client):
    officer = fleet.officers["E1"]
    audit.record(by=Actor.system_process("tests"), action=Action.OFFICER_SET_PIN, obj=officer, officer=officer)

    response = supervisor_client.get("/reports/audit-log/?action=officer.set_pin")
    export = supervisor_client.get("/reports/audit-log/?action=officer.set_pin&_export=csv")

    [row] = response.context["tables"]["events"].rows
    assert row.get_cell_value("action") == "Kiosk PIN set"
    html = response.content.decode()
    assert "<td >Kiosk PIN set</td>" in html or ">Kiosk PIN set</td>" in html
    assert "officer.set_pin</td>" not in html
    header, line = export.content.decode().splitlines()[:2]
    assert "Action,Action code" in header
    assert "Kiosk PIN set,officer.set_pin" in line


def test_audit_log_action_filter_is_a_list_of_the_actions_by_title(fleet, supervisor_client):
    response = supervisor_client.get("/reports/audit-log/")

    html = response.content.decode()
    assert '<option value="kiosk.sign_in_failed">Kiosk sign-in failed: badge and PIN did not match</option>' in html
    assert '<optgroup label="Import">' in html
    assert '<option value="import.upload">Import file uploaded</option>' in html


def test_audit_log_refuses_an_action_not_in_the_list_without_crashing(fleet, supervisor_client):
    response = supervisor_client.get("/reports/audit-log/?action=camera.")

    assert response.status_code == 200
    assert "Select a valid choice. camera. is not one of the available choices." in response.content.decode()
