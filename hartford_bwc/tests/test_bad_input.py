"""Bad input never crashes a page: every staff page and action, fed junk query strings and POST data."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts import roles
from demo import services as demo
from hartford_bwc.factories import UserFactory

JUNK_VALUES = ["abc", "-1", "0", "99999999999999999999", "x" * 5000, "\x00", "1e9", "%", "2024-13-45", "' OR 1=1 --"]

# Every GET page with the query parameters it reads (and a few it does not).
PAGES = {
    "/": [],
    "/inventory/cameras/": [
        "q",
        "status",
        "state",
        "pool",
        "model",
        "firmware",
        "batch",
        "unit",
        "flag",
        "page",
        "per_page",
        "sort",
        "_export",
    ],
    "/inventory/devices/": [
        "q",
        "kind",
        "status",
        "model",
        "holder",
        "battery_due_by",
        "firmware",
        "page",
        "per_page",
        "sort",
        "_export",
    ],
    "/inventory/vehicles/": ["q", "assigned_unit", "in_service", "working", "page", "per_page", "sort", "_export"],
    "/inventory/labels/": ["camera", "size", "skip"],
    "/inventory/flags/": ["kind", "page", "sort", "state", "q", "acknowledged"],
    "/assignments/officers/": ["q", "unit", "shift", "active", "page", "sort", "per_page"],
    "/assignments/officers/badge-cards/": ["officer", "badge", "size", "skip"],
    "/kiosks/": ["page"],
    "/imports/": ["page"],
    "/reports/": [],
    "/reports/readiness/": ["shift", "on", "page", "sort", "_export"],
    "/reports/coverage/": ["start", "end", "unit", "shift", "page", "_export"],
    "/reports/utilization/": ["start", "end", "page", "_export"],
    "/reports/compliance/": ["start", "end", "page", "_export"],
    "/reports/maintenance/": ["start", "end", "page", "_export"],
    "/reports/officer-history/": ["badge", "start", "end", "page", "_export"],
    "/reports/camera-custody/": ["asset_tag", "camera", "start", "end", "on", "page", "_export"],
    "/reports/audit-log/": ["start", "end", "actor", "action", "camera", "officer", "page", "_export"],
    "/api/v1/cameras/": ["page", "status", "search", "ordering", "page_size"],
    "/api/v1/officers/": ["page", "search"],
    "/api/v1/checkouts/": ["page", "open", "officer", "camera"],
    "/api/v1/flags/": ["page", "kind", "open"],
}


@pytest.fixture
def fleet(db):
    return demo.seed_fleet(cameras=12, officers=8, days=2, seed=7)


@pytest.fixture
def admin_client(db) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role=roles.ADMINISTRATOR))
    return client


def _some_paths(fleet) -> list[str]:
    from assignments.models import Officer
    from inventory.models import Camera

    camera = Camera.objects.order_by("pk").first()
    officer = Officer.objects.order_by("pk").first()
    device, vehicle = _signal_kit()
    return [
        *PAGES,
        f"/inventory/cameras/{camera.asset_tag}/",
        f"/assignments/officers/{officer.badge_number}/",
        f"/inventory/devices/{device.asset_tag}/",
        f"/inventory/vehicles/{vehicle.unit_number}/",
    ]


def _signal_kit():
    """A holster sensor and a vehicle (the demo fleet may have none): the device and vehicle pages' subjects."""
    from devices.models import Device, Vehicle
    from hartford_bwc.factories import DeviceFactory, VehicleFactory

    device = Device.objects.order_by("pk").first() or DeviceFactory()
    vehicle = Vehicle.objects.order_by("pk").first() or VehicleFactory()
    return device, vehicle


@pytest.mark.parametrize("value", JUNK_VALUES)
def test_no_page_crashes_on_junk_query_strings(fleet, admin_client, value):
    failures = []
    for path in _some_paths(fleet):
        params = PAGES.get(path, ["page", "q", "start"])
        for name in params:
            response = admin_client.get(path, {name: value})
            if response.status_code >= 500:
                failures.append(f"{path}?{name}={value[:20]!r}: {response.status_code}")
    assert failures == [], "\n".join(failures)


def _post_targets(fleet) -> list[tuple[str, list[str]]]:
    from assignments.models import Officer
    from devices.views.device_page import ACTIONS as DEVICE_ACTIONS
    from devices.views.vehicle_page import ACTIONS as VEHICLE_ACTIONS
    from inventory.models import Camera, Flag
    from inventory.views.actions import ACTIONS
    from kiosk.models import Kiosk

    camera_tags = list(Camera.objects.order_by("pk").values_list("asset_tag", flat=True)[:3])
    badge = Officer.objects.order_by("pk").values_list("badge_number", flat=True).first()
    kiosk = Kiosk.objects.order_by("pk").first()
    flag = Flag.objects.order_by("pk").first()
    targets = []
    for tag in camera_tags:
        for slug, action in ACTIONS.items():
            fields = [f"{slug}-{name}" for name in action.form_class.base_fields]
            targets.append((f"/inventory/cameras/{tag}/{slug}/", fields))
    device, vehicle = _signal_kit()
    for slug, action in DEVICE_ACTIONS.items():
        fields = [f"{slug}-{name}" for name in action.form_class.base_fields]
        targets.append((f"/inventory/devices/{device.asset_tag}/{slug}/", fields))
    for slug, (form_class, _) in VEHICLE_ACTIONS.items():
        fields = [f"{slug}-{name}" for name in form_class.base_fields]
        targets.append((f"/inventory/vehicles/{vehicle.unit_number}/{slug}/", fields))
    targets += [
        (f"/inventory/cameras/{camera_tags[0]}/pair-device/", ["pair-device-device"]),
        (f"/inventory/cameras/{camera_tags[0]}/unpair-device/", ["device"]),
        *(
            (f"/inventory/cameras/bulk/{slug}/", ["camera", "next", "step", "reason", "dock", "problem"])
            for slug in ("check-in", "move-to-dock", "send-to-inspection", "retire")
        ),
        (f"/assignments/officers/{badge}/reset-pin/", ["pin"]),
        (f"/assignments/officers/{badge}/active/", ["active", "reason"]),
        (f"/assignments/officers/{badge}/personal-camera/issue/", ["camera", "reason"]),
        (f"/assignments/officers/{badge}/personal-camera/revoke/", ["reason"]),
        ("/kiosks/register/", ["name", "location"]),
        ("/imports/upload/", ["kind", "file"]),
        ("/imports/1/confirm/", ["confirm"]),
    ]
    if kiosk is not None:
        targets += [(f"/kiosks/{kiosk.pk}/link/", []), (f"/kiosks/{kiosk.pk}/revoke/", ["reason"])]
    if flag is not None:
        targets.append((f"/inventory/flags/{flag.pk}/acknowledge/", ["note", "next"]))
    return targets


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "x" * 5000, "\x00", "' OR 1=1 --"])
def test_no_staff_action_crashes_on_junk_post_data(fleet, admin_client, value):
    failures = []
    for path, fields in _post_targets(fleet):
        for data in ({}, {name: value for name in fields}):
            response = admin_client.post(path, data)
            if response.status_code >= 500:
                failures.append(f"POST {path} {sorted(data)} = {value[:20]!r}: {response.status_code}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("value", ["nope", "\x00", "x" * 300, "%2F..%2F"])
def test_unknown_asset_tags_and_badges_are_404_not_500(fleet, admin_client, value):
    from urllib.parse import quote

    for path in (
        f"/inventory/cameras/{quote(value)}/",
        f"/assignments/officers/{quote(value)}/",
        f"/api/v1/cameras/{quote(value)}/",
        f"/api/v1/officers/{quote(value)}/",
    ):
        response = admin_client.get(path)
        assert response.status_code in (400, 404), f"{path}: {response.status_code}"


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "x" * 5000, "\x00", "' OR 1=1 --"])
def test_no_kiosk_step_crashes_on_junk_post_data(fleet, value):
    from hartford_bwc.testing import enroll

    client = Client(raise_request_exception=False)
    enroll(client)
    steps = {
        "/kiosk/sign-in/": ["badge", "pin"],
        "/kiosk/check-out/": ["barcode"],
        "/kiosk/done/": ["outcome", "item"],
        "/kiosk/return/": ["barcode", "condition", "damage_description"],
        "/kiosk/sign-out/": ["reason"],
    }
    failures = []
    for path, fields in steps.items():
        for data in ({}, {name: value for name in fields}):
            response = client.post(path, data)
            if response.status_code >= 500:
                failures.append(f"POST {path} {sorted(data)} = {value[:20]!r}: {response.status_code}")
    for path in ("/kiosk/", f"/kiosk/enroll/{value[:100]}/"):
        response = client.get(path)
        if response.status_code >= 500:
            failures.append(f"GET {path}: {response.status_code}")
    assert failures == [], "\n".join(failures)
