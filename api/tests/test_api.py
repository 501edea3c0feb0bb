"""The REST API: reads for every role, writes through the services for quartermasters."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts import roles
from assignments.models import Checkout
from hartford_bwc.factories import CameraFactory, DockFactory, OfficerFactory, UserFactory
from inventory.models import Camera, ChargeEvent

pytestmark = pytest.mark.django_db


def client_for(role: str | None) -> APIClient:
    client = APIClient()
    if role is not None:
        client.force_authenticate(UserFactory(role=role))
    return client


@pytest.fixture
def quartermaster() -> APIClient:
    return client_for(roles.QUARTERMASTER)


@pytest.fixture
def supervisor() -> APIClient:
    return client_for(roles.SUPERVISOR)


def test_anonymous_requests_are_refused():
    response = APIClient().get("/api/v1/cameras/")
    assert response.status_code == 401


@pytest.mark.parametrize("size", [3, 60])
def test_camera_list_shows_holder_with_constant_queries(size, supervisor, system_actor, django_assert_num_queries):
    from assignments.services import check_out

    cameras = CameraFactory.create_batch(size)
    check_out(camera=cameras[0], officer=OfficerFactory(), by=system_actor)
    # roles + count + cameras (with model and dock) + open checkouts (one prefetch)
    with django_assert_num_queries(4):
        response = supervisor.get("/api/v1/cameras/")
    assert response.status_code == 200
    assert response.data["count"] == size
    holders = [row["holder"] for row in response.data["results"] if row["holder"]]
    assert len(holders) == 1 and holders[0]["badge_number"] == Checkout.objects.get().officer.badge_number


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # roles + kept count + officers (with unit and shift)
        ("/api/v1/officers/", 3),
        # roles + kept count + check-outs (with camera and officer)
        ("/api/v1/checkouts/", 3),
        ("/api/v1/checkouts/?open=true", 3),
        # roles + count of the open flags + flags (with camera)
        ("/api/v1/flags/", 3),
    ],
)
def test_the_other_lists_read_a_fixed_number_of_queries_whatever_their_size(
    path, queries, size, supervisor, system_actor, django_assert_num_queries
):
    from assignments.services import check_out
    from inventory.models import Flag

    for camera in CameraFactory.create_batch(size):
        check_out(camera=camera, officer=OfficerFactory(), by=system_actor)
        Flag.objects.create(camera=camera, kind=Flag.Kind.REFRESH_DUE)
    with django_assert_num_queries(queries):
        response = supervisor.get(path)
    assert response.status_code == 200
    assert response.data["count"] == size
    assert len(response.data["results"]) == size  # one page (PAGE_SIZE 100)


def test_camera_list_filters_by_status_and_searches(supervisor):
    CameraFactory(asset_tag="HPD-BWC-0412", serial_number="X6A0001")
    CameraFactory(asset_tag="HPD-BWC-0413", status=Camera.Status.RETIRED)
    assert [c["asset_tag"] for c in supervisor.get("/api/v1/cameras/?status=retired").data["results"]] == [
        "HPD-BWC-0413"
    ]
    assert [c["asset_tag"] for c in supervisor.get("/api/v1/cameras/?q=x6a0001").data["results"]] == ["HPD-BWC-0412"]


def test_quartermaster_checks_out_and_in_through_the_services(quartermaster):
    camera, officer = CameraFactory(asset_tag="HPD-BWC-0412"), OfficerFactory(badge_number="2044")
    response = quartermaster.post("/api/v1/checkouts/", {"camera": "HPD-BWC-0412", "officer": "2044"}, format="json")
    assert response.status_code == 201
    assert response.data["camera"] == "HPD-BWC-0412" and response.data["checked_in_at"] is None
    camera.refresh_from_db()
    assert camera.status == Camera.Status.CHECKED_OUT

    again = quartermaster.post("/api/v1/checkouts/", {"camera": "HPD-BWC-0412", "officer": "2044"}, format="json")
    assert again.status_code == 409
    assert "already hold HPD-BWC-0412" in again.data["detail"]

    back = quartermaster.post(
        "/api/v1/cameras/HPD-BWC-0412/check-in/",
        {"condition": "damaged", "damage_description": "Lens cracked"},
        format="json",
    )
    assert back.status_code == 200 and back.data["condition"] == "damaged"
    camera.refresh_from_db()
    assert camera.status == Camera.Status.IN_MAINTENANCE
    assert officer.checkouts.get().damage_description == "Lens cracked"


def test_check_out_of_unknown_camera_says_which(quartermaster):
    OfficerFactory(badge_number="2044")
    response = quartermaster.post("/api/v1/checkouts/", {"camera": "NOPE", "officer": "2044"}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == "No camera 'NOPE'."


def test_supervisor_reads_but_cannot_act(supervisor):
    CameraFactory(asset_tag="HPD-BWC-0412")
    OfficerFactory(badge_number="2044")
    assert supervisor.get("/api/v1/cameras/HPD-BWC-0412/").status_code == 200
    response = supervisor.post("/api/v1/checkouts/", {"camera": "HPD-BWC-0412", "officer": "2044"}, format="json")
    assert response.status_code == 403
    assert not Checkout.objects.exists()


def test_dock_reports_a_charge_event(quartermaster):
    camera = CameraFactory(asset_tag="HPD-BWC-0412", dock=None, dock_bay=None)
    dock = DockFactory(name="Dock 001")
    response = quartermaster.post(
        "/api/v1/cameras/HPD-BWC-0412/charge-events/", {"kind": "docked", "dock": "Dock 001", "bay": 3}, format="json"
    )
    assert response.status_code == 201
    camera.refresh_from_db()
    assert (camera.dock, camera.dock_bay) == (dock, 3)
    assert ChargeEvent.objects.get().kind == "docked"

    bad_bay = quartermaster.post(
        "/api/v1/cameras/HPD-BWC-0412/charge-events/", {"kind": "docked", "dock": "Dock 001", "bay": 9}, format="json"
    )
    assert bad_bay.status_code == 422 and "bays 1 to 8" in bad_bay.data["detail"]


def test_schema_is_openapi_3(supervisor):
    response = supervisor.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.data["openapi"].startswith("3.")
    assert "/api/v1/cameras/{asset_tag}/check-in/" in response.data["paths"]


def test_api_root_says_what_the_api_is_for_and_links_the_docs(supervisor):
    html = supervisor.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    assert "The default basic root view" not in html
    assert "body-worn camera inventory" in html
    assert "/api/docs/" in html
    data = supervisor.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert data["docs"].endswith("/api/docs/")
    assert data["cameras"].endswith("/api/v1/cameras/")


def test_unknown_status_filter_says_which_statuses_exist(supervisor):
    response = supervisor.get("/api/v1/cameras/?status=broken")
    assert response.status_code == 400
    assert "checked_out" in str(response.data["errors"]["status"])


# Issue 10, item 5: bounds from the model fields, nullable fields and error responses in the schema.


def _charge(client, body):
    return client.post("/api/v1/cameras/HPD-BWC-0412/charge-events/", body, format="json")


@pytest.mark.parametrize("bay", [0, 201, 40000, 10**12])
def test_a_bay_outside_the_bounds_is_a_400_naming_the_field(quartermaster, bay):
    CameraFactory(asset_tag="HPD-BWC-0412")
    DockFactory(name="Dock 001")
    response = _charge(quartermaster, {"kind": "docked", "dock": "Dock 001", "bay": bay})
    assert response.status_code == 400
    assert "bay" in response.json()["errors"]
    assert not ChargeEvent.objects.exists()


def test_a_bay_without_a_dock_is_refused_and_not_stored(quartermaster):
    CameraFactory(asset_tag="HPD-BWC-0412")
    response = _charge(quartermaster, {"kind": "battery", "battery_percent": 50, "bay": 3})
    assert response.status_code == 422
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "A bay number needs the dock it belongs to; name the dock too.",
        "code": "bay_needs_dock",
    }
    assert not ChargeEvent.objects.exists()


def test_an_unknown_dock_is_a_404_that_names_it(quartermaster):
    CameraFactory(asset_tag="HPD-BWC-0412")
    response = _charge(quartermaster, {"kind": "docked", "dock": "Dock 999", "bay": 1})
    assert response.status_code == 404
    assert response.json()["detail"] == "No dock 'Dock 999'."


@pytest.mark.parametrize("value", ["", "   ", "HPD\x00BWC", "HPD\x07BWC", "x" * 31])
def test_check_out_refuses_blank_or_control_characters_or_too_long_with_a_400(quartermaster, value):
    CameraFactory(asset_tag="HPD-BWC-0412")
    OfficerFactory(badge_number="2044")
    response = quartermaster.post("/api/v1/checkouts/", {"camera": value, "officer": "2044"}, format="json")
    assert response.status_code == 400
    assert "camera" in response.json()["errors"]
    assert not Checkout.objects.exists()


def test_control_characters_in_a_damage_description_are_a_400(quartermaster, system_actor):
    from assignments.services import check_out

    check_out(camera=CameraFactory(asset_tag="HPD-BWC-0412"), officer=OfficerFactory(), by=system_actor)
    response = quartermaster.post(
        "/api/v1/cameras/HPD-BWC-0412/check-in/",
        {"condition": "damaged", "damage_description": "Lens\x00 cracked\x1b"},
        format="json",
    )
    assert response.status_code == 400
    assert Checkout.objects.open().exists()


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here/", "/api/v1/checkouts/1.5/", "/api/v1/cameras/?page=", "/api/v1/cameras/?page=abc"],
)
def test_api_404s_are_problems(supervisor, path):
    response = supervisor.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found" and response.json()["status"] == 404


def test_a_nul_in_an_api_address_is_a_json_400(supervisor):
    response = supervisor.get("/api/v1/cameras/?q=%00")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Bad request")


@pytest.mark.parametrize("query", ["open=null", "open=1", "open=true&open=true"])
def test_a_yes_no_filter_takes_true_or_false_once(supervisor, query):
    assert supervisor.get(f"/api/v1/checkouts/?{query}").status_code == 400
    assert supervisor.get("/api/v1/checkouts/?open=true").status_code == 200


def _openapi(client) -> dict:
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").data


def test_schema_says_which_fields_may_be_null(supervisor):
    components = _openapi(supervisor)["components"]["schemas"]
    assert components["Camera"]["properties"]["dock"]["nullable"] is True
    assert components["Camera"]["properties"]["holder"]["nullable"] is True
    assert components["Officer"]["properties"]["unit"]["nullable"] is True
    assert components["Officer"]["properties"]["shift"]["nullable"] is True
    assert components["ChargeEvent"]["properties"]["dock"]["nullable"] is True


def test_schema_takes_bounds_from_the_model_fields(supervisor):
    from inventory.models import MAX_DOCK_BAYS

    components = _openapi(supervisor)["components"]["schemas"]
    bay = components["ChargeEventInput"]["properties"]["bay"]
    assert (bay["minimum"], bay["maximum"]) == (1, MAX_DOCK_BAYS)
    battery = components["ChargeEventInput"]["properties"]["battery_percent"]
    assert (battery["minimum"], battery["maximum"]) == (0, 100)
    camera = components["CheckOutInput"]["properties"]["camera"]
    assert camera["maxLength"] == Camera._meta.get_field("asset_tag").max_length
    assert camera["pattern"]  # no blank value, no control character


def test_schema_documents_the_error_responses(supervisor):
    paths = _openapi(supervisor)["paths"]
    check_out = paths["/api/v1/checkouts/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(check_out)
    problem = {"$ref": "#/components/schemas/Problem"}
    assert check_out["409"]["content"] == {"application/problem+json": {"schema": problem}}
    assert check_out["422"]["content"] == {"application/problem+json": {"schema": problem}}
    required = _openapi(supervisor)["components"]["schemas"]["Problem"]["required"]
    assert required == ["type", "title", "status", "detail", "code"]
    assert {"200", "400", "404"} <= set(paths["/api/v1/cameras/{asset_tag}/"]["get"]["responses"])


def test_a_refused_value_with_a_lone_surrogate_is_quoted_back_as_json_not_a_500(quartermaster):
    CameraFactory(asset_tag="HPD-BWC-0412")
    response = quartermaster.post(
        "/api/v1/cameras/HPD-BWC-0412/check-in/", '{"condition": "\\ud800"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "condition" in response.json()["errors"]


def test_a_kept_count_gone_below_zero_lists_what_is_there(supervisor):
    from inventory.models import KeptCount

    CameraFactory()
    # As a TRUNCATE of the cameras would leave it: the count drifted from the rows, below zero.
    KeptCount.objects.create(key="checkouts", n=-5)
    KeptCount.objects.bulk_create([KeptCount(key=key, n=-10) for key in ("available", "checked_out")])
    for path in ("/api/v1/cameras/", "/api/v1/checkouts/"):
        response = supervisor.get(path)
        assert response.status_code == 200
        assert response.json()["count"] >= 0
