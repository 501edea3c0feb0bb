"""Every name in docs/contract.md, in one place: this module fails if someone renames one.

Scripts, integrations and runbooks outside the repository rely on these names; other test modules
check the behaviour in depth, this one checks that each name is there and does what the contract says.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client

from accounts import roles
from assignments import services as assignment_services
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UserFactory
from inventory.models import Camera

pytestmark = pytest.mark.django_db

PIN = "246810"


class AccessibleNames(HTMLParser):
    """Labels (with the id of the field they name), button texts, headings and roles of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.labels: dict[str, str] = {}  # label text -> the id in its for=
        self.ids: set[str] = set()
        self.buttons: list[str] = []
        self.headings: list[str] = []
        self.roles: set[str] = set()
        self._open: list[tuple[str, dict]] = []
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs and tag in ("input", "textarea", "select"):
            self.ids.add(attrs["id"])
        if attrs.get("role"):
            self.roles.add(attrs["role"])
        if tag in ("label", "button", "h1", "h2", "h3"):
            self._open.append((tag, attrs))
            self._text = []

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self._open or self._open[-1][0] != tag:
            return
        _, attrs = self._open.pop()
        text = " ".join("".join(self._text).split())
        if tag == "label":
            self.labels[text] = attrs.get("for", "")
        elif tag == "button":
            self.buttons.append(text)
        else:
            self.headings.append(text)

    def has_field(self, label: str) -> bool:
        return self.labels.get(label, None) in self.ids


def names(response) -> AccessibleNames:
    return AccessibleNames(response.content.decode())


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    return client


# --- models and fields ----------------------------------------------------------------------------

MODELS = {
    "inventory.Camera": ["serial_number", "asset_tag", "status"],
    "assignments.Officer": ["badge_number", "is_active"],
    "assignments.Checkout": ["camera", "officer", "checked_out_at", "due_back_at", "checked_in_at"],
    "inventory.Flag": ["camera", "kind", "raised_at", "resolved_at"],
}


@pytest.mark.parametrize(("label", "fields"), MODELS.items())
def test_contract_models_and_fields_exist(label, fields):
    model = apps.get_model(label)
    assert [model._meta.get_field(name).name for name in fields] == fields


# --- commands -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # --reset TRUNCATEs, which PostgreSQL refuses inside a test transaction
def test_seed_demo_takes_its_flags_and_refuses_a_second_seed_without_reset():
    out = io.StringIO()
    call_command("seed_demo", "--cameras", "6", "--officers", "4", "--days", "1", stdout=out)
    assert "Seeded 6 cameras, 4 officers" in out.getvalue()
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", "--cameras", "6", stdout=io.StringIO())
    call_command("seed_demo", "--cameras", "5", "--officers", "3", "--days", "0", "--reset", stdout=io.StringIO())
    assert Camera.objects.count() == 5


def test_sweep_flags_prints_one_line_per_kind_raised_resolved_open():
    out = io.StringIO()
    call_command("sweep_flags", stdout=out)
    lines = out.getvalue().splitlines()
    # Every camera flag kind, then every officer flag kind (certifications expiring), then every signal
    # device and vehicle flag kind, in the same form.
    kinds = (
        apps.get_model("inventory.Flag").Kind.values
        + apps.get_model("assignments.OfficerFlag").Kind.values
        + apps.get_model("devices.DeviceFlag").Kind.values
    )
    assert len(lines) == len(kinds)
    for kind, line in zip(kinds, lines, strict=True):
        assert line.startswith(f"{kind}: raised ")
        assert ", resolved " in line and ", open " in line


def test_enroll_kiosk_prints_a_one_time_url_that_enrolls_a_browser():
    out = io.StringIO()
    call_command("enroll_kiosk", "HQ front desk", stdout=out, stderr=io.StringIO())
    url = out.getvalue().strip()
    path = url[url.index("/kiosk/enroll/") :]
    browser = Client()
    assert browser.get(path).status_code == 302
    assert browser.get("/kiosk/").status_code == 200
    assert Client().get(path).status_code == 404  # one time only


def test_set_officer_pin_reads_the_pin_from_stdin_and_never_prints_it(monkeypatch):
    officer = OfficerFactory(badge_number="2231")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PIN}\n"))
    out = io.StringIO()
    call_command("set_officer_pin", "2231", stdout=out)
    officer.refresh_from_db()
    assert assignment_services.pin_matches(officer, PIN)
    assert PIN not in out.getvalue()
    assert PIN not in json.dumps(list(AuditEvent.objects.values("before", "after", "reason")))


def test_verify_audit_exits_0_when_intact_and_names_the_first_bad_event():
    assignment_services.set_officer_active(officer=OfficerFactory(), active=False, by=Actor.system_process("tests"))
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()
    event = AuditEvent.objects.latest("id")  # the deactivation (creating the officer's unit is audited too)
    from hartford_bwc.testing import append_only_trigger_dropped, raw

    with append_only_trigger_dropped():
        raw("UPDATE audit_auditevent SET reason = 'edited' WHERE id = %s", [event.pk])
    with pytest.raises(CommandError, match=f"#{event.pk} ") as broken:
        call_command("verify_audit", stdout=io.StringIO())
    assert broken.value.returncode == 1


# --- URLs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/inventory/cameras/", "/assignments/officers/", "/reports/"])
def test_staff_urls_need_a_login_and_answer_a_signed_in_user(staff, path):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert staff.get(path).status_code == 200


def test_login_admin_api_and_schema_urls_answer(staff):
    assert Client().get("/accounts/login/").status_code == 200
    assert Client().get("/admin/").status_code == 302  # to the admin's login
    assert staff.get("/api/v1/").status_code == 200
    schema = staff.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content


def test_camera_list_searches_filters_and_exports(staff):
    CameraFactory(asset_tag="HPD-BWC-0412", serial_number="X6A0000412")
    CameraFactory(asset_tag="HPD-BWC-0100", status=Camera.Status.LOST, lost_incident_number="HPD-26-1")
    found = staff.get("/inventory/cameras/", {"q": "0412"}).content.decode()
    assert "HPD-BWC-0412" in found and "HPD-BWC-0100" not in found
    lost = staff.get("/inventory/cameras/", {"status": "lost"}).content.decode()
    assert "HPD-BWC-0100" in lost and "HPD-BWC-0412" not in lost
    exported = staff.get("/inventory/cameras/", {"_export": "csv", "status": "lost"})
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 2 and "HPD-BWC-0100" in rows[1]
    xlsx = staff.get("/inventory/cameras/", {"_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"  # a zip: the xlsx container


def test_camera_detail_is_found_by_asset_tag(staff):
    CameraFactory(asset_tag="HPD-BWC-0412")
    assert "HPD-BWC-0412" in staff.get("/inventory/cameras/HPD-BWC-0412/").content.decode()
    assert staff.get("/inventory/cameras/HPD-BWC-9999/").status_code == 404


def test_healthz_answers_200_with_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"database", "broker"}
    assert body["database"] == "ok" and body["broker"] in ("ok", "down")


# --- the kiosk ------------------------------------------------------------------------------------


@pytest.fixture
def kiosk_client() -> Client:
    from hartford_bwc.testing import enroll

    client = Client()
    enroll(client)
    return client


def test_kiosk_refuses_a_browser_that_is_not_enrolled():
    assert Client().get("/kiosk/").status_code == 403


def test_kiosk_labels_buttons_and_roles_are_the_contracts(kiosk_client):
    dock = DockFactory(bays=4)
    officer = OfficerFactory(badge_number="2231")
    assignment_services.set_officer_pin(officer=officer, pin=PIN, by=Actor.system_process("tests"))
    CameraFactory(asset_tag="HPD-BWC-0412", dock=dock, dock_bay=1)

    home = names(kiosk_client.get("/kiosk/"))
    assert home.has_field("Badge number") and home.has_field("PIN")
    assert "Sign in" in home.buttons
    assert "Return a camera" in home.headings and home.has_field("Camera barcode") and "Check in" in home.buttons

    refused = names(kiosk_client.post("/kiosk/sign-in/", {"badge": "2231", "pin": "000000"}))
    assert "alert" in refused.roles

    signed_in = names(kiosk_client.post("/kiosk/sign-in/", {"badge": "2231", "pin": PIN}, follow=True))
    assert signed_in.has_field("Camera barcode")
    assert "Check out" in signed_in.buttons and "Sign out" in signed_in.buttons
    kiosk_client.post("/kiosk/check-out/", {"barcode": "HPD-BWC-0412"})

    condition = names(kiosk_client.post("/kiosk/return/", {"barcode": "HPD-BWC-0412"}))
    assert "Working" in condition.buttons and "Damaged" in condition.buttons
    assert condition.has_field("What is wrong")
    returned = names(
        kiosk_client.post("/kiosk/return/", {"barcode": "HPD-BWC-0412", "condition": "working"}, follow=True)
    )
    assert "status" in returned.roles
