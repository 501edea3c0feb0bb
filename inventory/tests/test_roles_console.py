"""Every console URL this app adds, walked with each role: 302 to sign-in, 200, 403 or 405."""

from __future__ import annotations

import pytest

from accounts import roles
from hartford_bwc.factories import CameraFactory
from hartford_bwc.testing import sign_in
from inventory.bulk import ACTIONS as BULK_ACTIONS
from inventory.views.actions import ACTIONS

pytestmark = pytest.mark.django_db
TAG = "HPD-BWC-0001"
ANON, QM, SUP, ADMIN = None, roles.QUARTERMASTER, roles.SUPERVISOR, roles.ADMINISTRATOR

READ_PAGES = [
    "/",
    "/inventory/cameras/",
    "/inventory/cameras/?state=overdue",
    "/inventory/cameras/?_export=csv",
    "/inventory/cameras/?_export=xlsx",
    f"/inventory/cameras/{TAG}/",
]
# POSTs, with no data: a role allowed to act gets the page back with the form's errors (422), or a
# redirect back to the list for the bulk action; a role that may not act gets 403 before any parsing.
BULK_URLS = [f"/inventory/cameras/bulk/{slug}/" for slug in BULK_ACTIONS]
ACTION_URLS = [f"/inventory/cameras/{TAG}/{slug}/" for slug in ACTIONS] + BULK_URLS


def expected_read(role):
    return 302 if role is ANON else 200


def expected_action(role, url):
    if role is ANON:
        return 302
    if role == SUP:
        return 403
    if url in BULK_URLS:
        return 302  # back to the list: "Tick at least one camera first."
    # An empty form: invalid (422) when it has a required field, else the service refuses (409).
    form_class = ACTIONS[url.rstrip("/").rsplit("/", 1)[1]].form_class
    return 422 if any(field.required for field in form_class.base_fields.values()) else 409


@pytest.fixture
def camera(db):
    return CameraFactory(asset_tag=TAG)


@pytest.mark.parametrize("role", [ANON, QM, SUP, ADMIN])
@pytest.mark.parametrize("url", READ_PAGES)
def test_read_pages(client, camera, role, url):
    if role:
        sign_in(client, role)
    response = client.get(url)
    assert response.status_code == expected_read(role)
    if role is ANON:
        assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", [ANON, QM, SUP, ADMIN])
@pytest.mark.parametrize("url", ACTION_URLS)
def test_action_posts(client, camera, role, url):
    if role:
        sign_in(client, role)
    response = client.post(url, {})
    assert response.status_code == expected_action(role, url)
    if role is ANON:
        assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", ACTION_URLS)
def test_action_urls_refuse_get_from_those_who_may_act(client, camera, url):
    sign_in(client, QM)
    assert client.get(url).status_code == 405


def test_signed_in_user_without_a_role_is_refused(client, camera):
    from hartford_bwc.factories import UserFactory

    user = UserFactory(username="no-role")
    user.save()  # the factory saves the password only with a role
    client.force_login(user)
    assert client.get("/").status_code == 403
    assert client.get("/inventory/cameras/").status_code == 403


def test_supervisor_post_changes_nothing(client, camera):
    sign_in(client, SUP)
    client.post(f"/inventory/cameras/{TAG}/retire/", {"retire-reason": "Supervisor tried", "confirm": "yes"})
    for url in BULK_URLS:
        data = {"camera": [TAG], "step": "confirm", "reason": "Supervisor tried"}
        assert client.post(url, data).status_code == 403
    camera.refresh_from_db()
    assert camera.status == "available"
