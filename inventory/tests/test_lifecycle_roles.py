"""Who may make a camera transition is the lifecycle's to say: the camera page and the API ask it.

Here check-out is narrowed to administrators for the length of a test; a quartermaster then no longer
sees its form, is refused its URL, and is refused the API's check-out, while an administrator is not.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import roles
from assignments.models import Checkout
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from hartford_bwc.testing import sign_in
from inventory.lifecycle import CAMERA, Who

pytestmark = pytest.mark.django_db

TAG = "HPD-BWC-0412"


@pytest.fixture
def camera():
    return CameraFactory(asset_tag=TAG)


@pytest.fixture
def check_out_by_administrators_only(monkeypatch):
    narrowed = replace(CAMERA["check_out"], by=Who(staff_roles=(roles.ADMINISTRATOR,), kiosk=True))
    monkeypatch.setitem(CAMERA._transitions, "check_out", narrowed)


def check_out_url() -> str:
    return reverse("inventory:camera_check_out", args=[TAG])


@pytest.mark.parametrize(("role", "shown"), [(roles.QUARTERMASTER, False), (roles.ADMINISTRATOR, True)])
def test_the_camera_page_offers_check_out_to_the_roles_the_lifecycle_names(
    client, camera, check_out_by_administrators_only, role, shown
):
    sign_in(client, role)
    page = client.get(camera.get_absolute_url()).content.decode()
    assert (f'action="{check_out_url()}"' in page) is shown
    # The other actions still follow the default roles.
    assert f'action="{reverse("inventory:camera_retire", args=[TAG])}"' in page


def test_a_role_the_lifecycle_does_not_name_is_refused_the_action(client, camera, check_out_by_administrators_only):
    sign_in(client, roles.QUARTERMASTER)
    response = client.post(check_out_url(), {"check-out-officer": OfficerFactory().pk})
    assert response.status_code == 403
    assert not Checkout.objects.exists()


@pytest.mark.parametrize(("role", "status"), [(roles.QUARTERMASTER, 403), (roles.ADMINISTRATOR, 201)])
def test_the_api_lets_the_roles_the_lifecycle_names_check_out(camera, check_out_by_administrators_only, role, status):
    client = APIClient()
    client.force_authenticate(UserFactory(role=role))
    officer = OfficerFactory()
    response = client.post(
        reverse("api:checkout-list"), {"camera": TAG, "officer": officer.badge_number}, format="json"
    )
    assert response.status_code == status
    assert Checkout.objects.exists() is (status == 201)
