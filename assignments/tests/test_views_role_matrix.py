"""Every URL of the officer, import and label pages with each role: who may read, who may act."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import roles
from assignments.models import PersonalIssue
from hartford_bwc.factories import CameraFactory, CameraModelFactory, OfficerFactory, UserFactory
from imports.models import ImportUpload

ANONYMOUS = "anonymous"
QM, SUP, ADMIN = roles.QUARTERMASTER, roles.SUPERVISOR, roles.ADMINISTRATOR

# (method, url, data, status for a role that may do it); `{upload}` is an import's id.
READ = [
    ("get", "/assignments/officers/", None, 200),
    ("get", "/assignments/officers/?q=smith&holds_camera=yes", None, 200),
    ("get", "/assignments/officers/?_export=csv", None, 200),
    ("get", "/assignments/officers/?_export=xlsx", None, 200),
    ("get", "/assignments/officers/6001/", None, 200),
    ("get", "/assignments/officers/badge-cards/?badge=6001", None, 200),
    ("get", "/inventory/labels/?camera=HPD-BWC-0701", None, 200),
    # Every role may lift a kiosk lock-out (a supervisor too: the kiosk sends officers to one).
    ("post", "/assignments/officers/6001/unlock-kiosk/", {}, 302),
]
ACT = [
    ("post", "/assignments/officers/6001/reset-pin/", {}, 200),
    ("get", "/assignments/officers/pin-letters/?badge=6001", None, 200),
    ("post", "/assignments/officers/pin-letters/", {"badge": "6001"}, 200),
    ("post", "/assignments/officers/6001/active/", {"active": "0"}, 302),
    ("post", "/assignments/officers/6001/personal-camera/issue/", {"asset_tag": "HPD-BWC-0701"}, 302),
    ("post", "/assignments/officers/6002/personal-camera/revoke/", {}, 302),
    ("get", "/imports/", None, 200),
    ("get", "/imports/{upload}/", None, 200),
    ("get", "/imports/templates/cameras.csv", None, 200),
    ("get", "/imports/templates/officers.xlsx", None, 200),
    ("post", "/imports/upload/", "file", 302),
    ("post", "/imports/{upload}/confirm/", {"checksum": "0" * 64, "plan_digest": "0" * 64}, 302),
]
CASES = [(case, "read") for case in READ] + [(case, "act") for case in ACT]


@pytest.fixture
def world(db, staff_actor):
    from assignments import services

    CameraModelFactory()
    OfficerFactory(badge_number="6001")
    owner = OfficerFactory(badge_number="6002")
    CameraFactory(asset_tag="HPD-BWC-0701")
    services.issue_personal(officer=owner, camera=CameraFactory(asset_tag="HPD-BWC-0702"), by=staff_actor)
    return ImportUpload.objects.create(
        kind="cameras",
        filename="x.csv",
        file_format="csv",
        size_bytes=1,
        checksum="a" * 64,
        rows=[],
        rows_digest="b" * 64,
        uploaded_by=staff_actor.user,
    )


def _expected(role: str, kind: str, ok: int) -> int:
    if role == ANONYMOUS:
        return 302
    if kind == "act" and role == SUP:
        return 403
    return ok


@pytest.mark.parametrize("role", [ANONYMOUS, QM, SUP, ADMIN])
@pytest.mark.parametrize(("case", "kind"), CASES, ids=lambda c: f"{c[0]} {c[1]}" if isinstance(c, tuple) else c)
def test_role_matrix(client, world, role, case, kind):
    method, url, data, ok = case
    url = url.format(upload=world.pk)
    if role != ANONYMOUS:
        client.force_login(UserFactory(role=role))
    if data == "file":
        header = b"asset_tag,serial_number,maker,model\nHPD-BWC-0799,SER-799,Axon,Body 4\n"
        data = {"kind": "cameras", "file": SimpleUploadedFile("new.csv", header)}
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert response.status_code == _expected(role, kind, ok), response.content[:300]
    if role == ANONYMOUS:
        assert response["Location"].startswith("/accounts/login/")


def test_supervisor_actions_change_nothing(client, world):
    client.force_login(UserFactory(role=SUP))
    for method, url, data, _ in ACT:
        if method == "post":
            getattr(client, method)(url.format(upload=world.pk), data if data != "file" else {})
    assert PersonalIssue.objects.current().count() == 1
    assert ImportUpload.objects.count() == 1
