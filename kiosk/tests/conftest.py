"""Fixtures for the kiosk: an enrolled kiosk browser, an officer with a PIN, cameras to take."""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

import pytest
from django.test import Client

from assignments import services as assignments
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, ShiftFactory
from hartford_bwc.testing import PIN, enroll


@dataclass
class KioskBrowser:
    client: Client
    kiosk: object

    def get(self, path="/kiosk/", **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.client.post(path, data or {}, **kwargs)

    def sign_in(self, badge, pin=PIN, follow=True):
        return self.client.post("/kiosk/sign-in/", {"badge": badge, "pin": pin}, follow=follow)

    def check_out(self, barcode, follow=True):
        return self.client.post("/kiosk/check-out/", {"barcode": barcode}, follow=follow)

    def sign_out(self, follow=True):
        return self.client.post("/kiosk/sign-out/", {}, follow=follow)

    def return_camera(self, barcode, condition="", damage_description="", follow=True):
        data = {"barcode": barcode}
        if condition:
            data.update(condition=condition, damage_description=damage_description)
        return self.client.post("/kiosk/return/", data, follow=follow)


@pytest.fixture
def kiosk_browser(db) -> KioskBrowser:
    client = Client()
    kiosk = enroll(client)
    return KioskBrowser(client, kiosk)


@pytest.fixture
def officer(db, system_actor):
    officer = OfficerFactory(first_name="Dana", last_name="Reyes", shift=ShiftFactory())
    assignments.set_officer_pin(officer=officer, pin=PIN, by=system_actor)
    return officer


@pytest.fixture
def dock(db):
    return DockFactory(name="Dock 01", location="HQ equipment room", bays=8)


@pytest.fixture
def personal_camera(officer, dock, system_actor):
    camera = CameraFactory(asset_tag="HPD-BWC-0412", dock=dock, dock_bay=1)
    assignments.issue_personal(officer=officer, camera=camera, by=system_actor)
    camera.refresh_from_db()
    return camera


@pytest.fixture
def spare(db, dock):
    return CameraFactory(asset_tag="HPD-BWC-0100", dock=dock, dock_bay=2)


def alert(response) -> str:
    """The text of the page's role="alert" message(s)."""
    return " ".join(_texts(response, "alert"))


def status(response) -> str:
    return " ".join(_texts(response, "status"))


def _texts(response, role):
    html = response.content.decode()
    found = re.findall(rf'<(\w+)[^>]*role="{role}"[^>]*>(.*?)</\1>', html, flags=re.S)
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", text)).strip() for _, text in found]
