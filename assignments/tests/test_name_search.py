"""Searching an officer as the tables show one: "Ofc. Emily Murphy" (camera list), "Murphy, Emily" (officer
list), "#4411" and "Ofc. Emily Murphy (badge 4411)" (exports) find that officer and the camera held."""

from __future__ import annotations

import pytest

from accounts import roles
from assignments import name_search, services
from audit.actor import Actor
from hartford_bwc.factories import CameraFactory, OfficerFactory
from hartford_bwc.testing import page_tags, sign_in

pytestmark = pytest.mark.django_db
CAMERAS, OFFICERS = "/inventory/cameras/", "/assignments/officers/"


@pytest.fixture
def murphys(client):
    sign_in(client, roles.QUARTERMASTER)
    emily = OfficerFactory(first_name="Emily", last_name="Murphy", badge_number="4411", rank="officer")
    sergeant = OfficerFactory(first_name="Emily", last_name="Murphy", badge_number="5120", rank="sergeant")
    OfficerFactory(first_name="Noah", last_name="Murphy-Lane", badge_number="6001", rank="detective")
    by = Actor.system_process("tests")
    services.check_out(camera=CameraFactory(asset_tag="HPD-BWC-0001"), officer=emily, by=by)
    services.check_out(camera=CameraFactory(asset_tag="HPD-BWC-0002"), officer=sergeant, by=by)
    CameraFactory(asset_tag="HPD-BWC-0003")
    return client


def badges(response) -> list[str]:
    return [row.record.badge_number for row in response.context["table"].page.object_list]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ofc. Emily Murphy", ["HPD-BWC-0001"]),
        ("ofc emily murphy", ["HPD-BWC-0001"]),
        ("Officer Murphy", ["HPD-BWC-0001"]),
        ("Sgt. Emily Murphy", ["HPD-BWC-0002"]),
        ("Emily Murphy", ["HPD-BWC-0001", "HPD-BWC-0002"]),
        ("Murphy, Emily", ["HPD-BWC-0001", "HPD-BWC-0002"]),
        ("#4411", ["HPD-BWC-0001"]),
        ("Ofc. Emily Murphy (badge 4411)", ["HPD-BWC-0001"]),
        ("Det. Emily Murphy", []),
        ("Ofc. Emily Jones", []),
    ],
)
def test_camera_list_finds_the_holder_as_the_list_shows_them(murphys, text, expected):
    assert page_tags(murphys.get(CAMERAS, {"q": text})) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Murphy, Emily", ["4411", "5120"]),
        ("Ofc. Emily Murphy", ["4411"]),
        ("Sergeant Murphy", ["5120"]),
        ("Det. Murphy", ["6001"]),
        ("Murphy-Lane, Noah", ["6001"]),
        ("#5120", ["5120"]),
        ("Capt.", []),
        ("Murphy", ["4411", "5120", "6001"]),
    ],
)
def test_officer_list_finds_the_officer_as_the_tables_show_them(murphys, text, expected):
    assert sorted(badges(murphys.get(OFFICERS, {"q": text}))) == expected


@pytest.mark.parametrize("text", [",,,", "#", "(badge)", "%", "_", "'; DROP TABLE x; --", "Ofc." * 500])
def test_punctuation_and_hostile_text_never_fail(murphys, text):
    assert murphys.get(CAMERAS, {"q": text}).status_code == 200
    assert murphys.get(OFFICERS, {"q": text}).status_code == 200


def test_parse_reads_the_rank_and_the_words():
    assert name_search.parse("Ofc. Emily Murphy") == name_search.NameQuery(("Emily", "Murphy"), "officer")
    assert name_search.parse("Murphy, Emily") == name_search.NameQuery(("Murphy", "Emily"), None)
    assert name_search.parse("Lt. O'Brien (badge #12)") == name_search.NameQuery(("O'Brien", "12"), "lieutenant")
    # A word that only looks like a rank after the first one stays a word.
    assert name_search.parse("Sgt. Officer") == name_search.NameQuery(("Officer",), "sergeant")
