"""Every API error is an RFC 9457 problem from one handler (api.exception_handlers), one test per status."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotAuthenticated
from rest_framework.test import APIClient

from accounts import roles
from api.exception_handlers import problem_exception_handler
from assignments.models import Checkout
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UserFactory
from inventory.models import ChargeEvent

pytestmark = pytest.mark.django_db

PROBLEM_JSON = "application/problem+json"


def client_for(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role))
    return client


@pytest.fixture
def quartermaster() -> APIClient:
    return client_for(roles.QUARTERMASTER)


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"] and body["detail"]
    return body


def test_a_camera_already_out_is_a_409_conflict_with_the_services_code(quartermaster):
    CameraFactory(asset_tag="HPD-BWC-0412")
    OfficerFactory(badge_number="2044")
    OfficerFactory(badge_number="2045")
    quartermaster.post("/api/v1/checkouts/", {"camera": "HPD-BWC-0412", "officer": "2044"}, format="json")
    response = quartermaster.post("/api/v1/checkouts/", {"camera": "HPD-BWC-0412", "officer": "2045"}, format="json")
    body = assert_problem(response, 409, "already_out")
    assert body["title"] == "Conflict"
    assert "HPD-BWC-0412" in body["detail"]
    assert Checkout.objects.count() == 1


def test_a_bay_the_dock_lacks_is_a_422_whatever_the_cameras_state(quartermaster):
    CameraFactory(asset_tag="HPD-BWC-0412")
    DockFactory(name="Dock 001", bays=8)
    response = quartermaster.post(
        "/api/v1/cameras/HPD-BWC-0412/charge-events/", {"kind": "docked", "dock": "Dock 001", "bay": 9}, format="json"
    )
    body = assert_problem(response, 422, "bad_bay")
    assert body["detail"] == "Dock 001 has bays 1 to 8."
    assert not ChargeEvent.objects.exists()


def test_a_damage_not_described_is_a_422(quartermaster, system_actor):
    from assignments.services import check_out

    check_out(camera=CameraFactory(asset_tag="HPD-BWC-0412"), officer=OfficerFactory(), by=system_actor)
    response = quartermaster.post("/api/v1/cameras/HPD-BWC-0412/check-in/", {"condition": "damaged"}, format="json")
    assert_problem(response, 422, "damage_not_described")
    assert Checkout.objects.open().exists()


def test_a_body_that_does_not_match_the_schema_is_a_400_naming_each_field(quartermaster):
    response = quartermaster.post("/api/v1/checkouts/", {"camera": "", "officer": "2044"}, format="json")
    body = assert_problem(response, 400, "invalid")
    assert set(body["errors"]) == {"camera"}


def test_a_body_that_is_not_json_is_a_400(quartermaster):
    response = quartermaster.post("/api/v1/checkouts/", "{not json", content_type="application/json")
    body = assert_problem(response, 400, "parse_error")
    assert "errors" not in body


def test_a_missing_row_is_a_404(quartermaster):
    assert_problem(quartermaster.get("/api/v1/cameras/HPD-BWC-9999/"), 404, "not_found")


def test_a_bad_token_is_refused_as_a_problem():
    # The token scheme comes first, so DRF answers 401 and names it (api/tests/test_authentication.py).
    response = APIClient().get("/api/v1/cameras/", HTTP_AUTHORIZATION="Token not-a-token")
    assert_problem(response, 401, "authentication_failed")


def test_a_401_keeps_the_header_that_says_how_to_authenticate():
    error = NotAuthenticated()
    error.auth_header = "Token"  # what APIView.permission_denied sets when a scheme names one
    response = problem_exception_handler(error, {})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.data["code"] == "not_authenticated"


def test_a_supervisor_acting_is_a_403():
    response = client_for(roles.SUPERVISOR).post("/api/v1/checkouts/", {}, format="json")
    assert_problem(response, 403, "permission_denied")


def test_an_unknown_method_is_a_405(quartermaster):
    assert_problem(quartermaster.delete("/api/v1/cameras/"), 405, "method_not_allowed")


def test_the_browsable_api_keeps_its_html_page_for_an_error(quartermaster):
    response = quartermaster.get("/api/v1/cameras/HPD-BWC-9999/", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DomainError("Taken.", code="bay_taken"), 409),
        (InvalidInput("Too short.", code="pin_too_short"), 422),
        (DjangoValidationError("Not a version.", code="invalid_version"), 422),
    ],
)
def test_the_handler_maps_each_kind_of_refusal(error, status):
    response = problem_exception_handler(error, {})
    assert response.status_code == status
    assert response.content_type == PROBLEM_JSON
    assert response.data["detail"] == str(error.message if hasattr(error, "message") else error.messages[0])
    assert response.data["code"] == error.code


def test_a_bug_is_left_to_django_as_a_500_not_hidden_in_a_problem():
    assert problem_exception_handler(ZeroDivisionError(), {}) is None
