"""The main navigation: each link leads to its section's contract path (docs/contract.md) and the
section a page belongs to is marked as the current one."""

from __future__ import annotations

import re

import pytest

from accounts import roles
from hartford_bwc.factories import CameraFactory, DeviceFactory, UserFactory, VehicleFactory

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav [^>]*aria-label="Main"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def navigation(client, path: str) -> dict[str, tuple[str, bool]]:
    """{link text: (href, is current)} of the main navigation on `path`."""
    response = client.get(path)
    assert response.status_code == 200, path
    nav = NAV.search(response.content.decode()).group(1)
    return {text: (href, bool(current)) for href, current, text in LINK.findall(nav)}


@pytest.fixture
def administrator(client):
    client.force_login(UserFactory(role=roles.ADMINISTRATOR))
    return client


def test_each_link_leads_to_its_sections_contract_path(administrator):
    links = {text: href for text, (href, _) in navigation(administrator, "/").items()}
    assert links == {
        "Dashboard": "/",
        "Cameras": "/inventory/cameras/",
        "Devices": "/inventory/devices/",
        "Vehicles": "/inventory/vehicles/",
        "Officers": "/assignments/officers/",
        "Flags": "/inventory/flags/",
        "Stocktake": "/inventory/stocktake/",
        "Reports": "/reports/",
        "Imports": "/imports/",
        "Kiosks": "/kiosks/",
        "Admin": "/admin/",
    }


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", "Dashboard"),
        ("/inventory/cameras/", "Cameras"),
        ("/inventory/cameras/HPD-BWC-0001/", "Cameras"),
        ("/inventory/devices/", "Devices"),
        ("/inventory/devices/HPD-SIG-0001/", "Devices"),
        ("/inventory/vehicles/", "Vehicles"),
        ("/inventory/vehicles/412/", "Vehicles"),
        ("/assignments/officers/", "Officers"),
        ("/inventory/flags/", "Flags"),
        ("/inventory/stocktake/", "Stocktake"),
        ("/reports/readiness/", "Reports"),
        ("/imports/", "Imports"),
        ("/kiosks/alerts/", "Kiosks"),
    ],
)
def test_the_page_s_own_section_and_only_it_is_marked_current(administrator, path, current):
    CameraFactory(asset_tag="HPD-BWC-0001")
    DeviceFactory(asset_tag="HPD-SIG-0001")
    VehicleFactory(unit_number="412")
    marked = [text for text, (_, is_current) in navigation(administrator, path).items() if is_current]
    assert marked == [current]


def test_a_supervisor_sees_no_imports_kiosks_or_admin(client):
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    assert list(navigation(client, "/")) == [
        "Dashboard",
        "Cameras",
        "Devices",
        "Vehicles",
        "Officers",
        "Flags",
        "Stocktake",
        "Reports",
    ]


def test_a_404_in_the_kiosk_console_leads_to_the_dashboard_not_the_kiosk(administrator):
    # /kiosks/ (staff) is not /kiosk/ (the device): a console page must not offer "Back to the kiosk".
    response = administrator.get("/kiosks/999999/revoke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="/">Back to the dashboard' in html and "Back to the kiosk" not in html
