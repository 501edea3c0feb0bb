"""Arbitrary text in every console form, the API's write operations and the CSV import.

Hypothesis fills each field with any Unicode, NUL and other control characters, or a huge value
(beside valid values, so the services run too). Whatever it sends: never a 500, and never a
partial write: the fleet changes only together with its audit trail, and a refusal changes nothing.
Forms: the camera page, the officer page, bulk inspection, kiosk registration and revocation (the
kiosk's own pages are covered by test_bad_input). ARBITRARY_TEXT_MAX_EXAMPLES bounds the examples
per target (default: the module in well under a minute).
"""

from __future__ import annotations

import csv
import io
import json
import operator
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import roles
from assignments import forms as officer_forms
from assignments.models import Officer
from audit.actor import Actor
from audit.models import AuditEvent
from demo import services as demo
from hartford_bwc.factories import UserFactory
from hartford_bwc.testing import fleet_state
from imports.models import ImportUpload
from inventory.models import Camera, Dock
from inventory.views.actions import ACTIONS

MAX_EXAMPLES = int(os.environ.get("ARBITRARY_TEXT_MAX_EXAMPLES", "15"))
BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    # The same examples on every run, so CI never fails by chance; HYPOTHESIS_EXPLORE=1 draws new ones.
    derandomize=os.environ.get("HYPOTHESIS_EXPLORE") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any Unicode a browser can send (UTF-8 has no lone surrogates), control characters, huge values.
CONTROL = st.characters(max_codepoint=0x1F) | st.sampled_from("\x7f\x85\u2028 aZ9-/")
JUNK = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=CONTROL, max_size=20),
    st.builds(operator.mul, st.text(min_size=1, max_size=3), st.integers(1_000, 30_000)),
)


@pytest.fixture
def fleet(db):
    demo.seed_fleet(cameras=6, officers=5, days=1, seed=11)


@pytest.fixture
def quartermaster(db) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    return client


def everything() -> tuple:
    from kiosk.models import Kiosk

    return (
        *fleet_state(),
        list(Officer.objects.order_by("pk").values_list()),
        list(Kiosk.objects.order_by("pk").values_list()),
    )


class NoPartialWrite:
    """The fleet changes exactly when the audit trail grows: a refusal writes nothing at all."""

    def __enter__(self):
        self.before, self.events = everything(), AuditEvent.objects.count()
        return self

    def __exit__(self, *exc):
        changed = everything() != self.before
        audited = AuditEvent.objects.count() != self.events
        assert changed == audited, "a write without its audit event" if changed else "an audit event for no change"


def _valid(data, name: str, field) -> str:
    """A value the field accepts, so the arbitrary ones reach the services in other fields."""
    from django import forms

    if isinstance(field, forms.ModelChoiceField):
        return str(field.queryset.first().pk)
    if isinstance(field, forms.ChoiceField):
        return str(next(value for value, _ in field.choices if value != ""))
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.IntegerField):
        return "1"
    badges = Officer.objects.order_by("pk").values_list("badge_number", flat=True)
    tags = Camera.objects.order_by("pk").values_list("asset_tag", flat=True)
    known = {"officer": badges, "badge": badges, "asset_tag": tags, "camera": tags}
    if name in known:
        return data.draw(st.sampled_from(list(known[name])), label=f"{name} (valid)")
    return "3.5.0" if name == "firmware_version" else "Lens cracked"


def _form_data(data, form_class) -> dict:
    return {
        name: data.draw(st.one_of(st.just(_valid(data, name, field)), JUNK), label=name)
        for name, field in form_class.base_fields.items()
    }


CAMERA_FORMS = [(slug, action.form_class) for slug, action in ACTIONS.items()]
OFFICER_FORMS = [
    ("active", officer_forms.SetActiveForm),
    ("personal-camera/issue", officer_forms.IssuePersonalForm),
    ("personal-camera/revoke", officer_forms.RevokePersonalForm),
]


@pytest.mark.parametrize(("slug", "form_class"), CAMERA_FORMS, ids=[slug for slug, _ in CAMERA_FORMS])
@BOUNDED
@given(data=st.data())
def test_camera_page_forms_take_any_text_without_a_500_or_a_partial_write(fleet, quartermaster, slug, form_class, data):
    camera = data.draw(st.sampled_from(list(Camera.objects.values_list("asset_tag", flat=True))), label="camera")
    with NoPartialWrite():
        response = quartermaster.post(f"/inventory/cameras/{camera}/{slug}/", _form_data(data, form_class))
    assert response.status_code < 500


@pytest.mark.parametrize(("path", "form_class"), OFFICER_FORMS, ids=[path for path, _ in OFFICER_FORMS])
@BOUNDED
@given(data=st.data())
def test_officer_page_forms_take_any_text_without_a_500_or_a_partial_write(
    fleet, quartermaster, path, form_class, data
):
    badge = data.draw(st.sampled_from(list(Officer.objects.values_list("badge_number", flat=True))), label="badge")
    with NoPartialWrite():
        response = quartermaster.post(f"/assignments/officers/{badge}/{path}/", _form_data(data, form_class))
    assert response.status_code < 500


@BOUNDED
@given(data=st.data())
def test_kiosk_console_forms_take_any_text_without_a_500_or_a_partial_write(fleet, quartermaster, data):
    from kiosk import forms as kiosk_forms
    from kiosk.models import Kiosk
    from kiosk.services import register_kiosk

    with NoPartialWrite():
        response = quartermaster.post("/kiosks/register/", _form_data(data, kiosk_forms.RegisterKioskForm))
    assert response.status_code < 500
    kiosk = Kiosk.objects.order_by("pk").last() or register_kiosk(name="Front desk", by=Actor.system_process("t"))[0]
    with NoPartialWrite():
        response = quartermaster.post(f"/kiosks/{kiosk.pk}/revoke/", _form_data(data, kiosk_forms.RevokeKioskForm))
    assert response.status_code < 500


@BOUNDED
@given(
    tags=st.lists(st.one_of(st.sampled_from(["HPD-BWC-0001", "HPD-BWC-0002"]), JUNK), max_size=4),
    slug=st.sampled_from(["check-in", "move-to-dock", "send-to-inspection", "retire"]),
    text=JUNK,
)
def test_bulk_actions_take_any_text_without_a_500_or_a_partial_write(fleet, quartermaster, tags, slug, text):
    data = {"camera": tags, "step": "confirm", "reason": text, "problem": text, "dock": text}
    with NoPartialWrite():
        response = quartermaster.post(f"/inventory/cameras/bulk/{slug}/", data)
    assert response.status_code < 500


# JSON can carry what a form cannot: lone surrogates (as \ud800 escapes), numbers, null, lists.
JSON_VALUE = st.one_of(
    JUNK,
    st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=3),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
)
API_WRITES = {
    "checkouts/": {"camera": "HPD-BWC-0001", "officer": None},
    "cameras/HPD-BWC-0002/check-in/": {"condition": "damaged", "damage_description": "Lens cracked"},
    "cameras/HPD-BWC-0003/charge-events/": {"kind": "docked", "dock": None, "bay": 1, "battery_percent": 90},
}


@pytest.mark.parametrize("path", list(API_WRITES))
@BOUNDED
@given(data=st.data())
def test_api_writes_take_any_json_without_a_500_or_a_partial_write(fleet, path, data):
    from rest_framework.authtoken.models import Token

    defaults = {
        **API_WRITES[path],
        "officer": Officer.objects.values_list("badge_number", flat=True).first(),
        "dock": Dock.objects.values_list("name", flat=True).first(),
    }
    body = {
        field: data.draw(st.one_of(st.just(defaults[field]), JSON_VALUE), label=field) for field in API_WRITES[path]
    }
    token = Token.objects.get_or_create(user=UserFactory(username="api-qm", role=roles.QUARTERMASTER))[0]
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token.key}")
    with NoPartialWrite():
        response = client.post(f"/api/v1/{path}", json.dumps(body), content_type="application/json")
    assert response.status_code < 500
    # A refusal is a problem (api.exception_handlers), an answer plain JSON: never an HTML page.
    assert response["Content-Type"] == (
        "application/json" if response.status_code < 400 else "application/problem+json"
    )


CAMERA_HEADERS = ["asset_tag", "serial_number", "maker", "model", "firmware_version", "purchase_batch", "pool"]
VALID_CELLS = ["HPD-BWC-9001", "X6A9999001", "Axon", "Body 4", "3.5.0", "2026", "spare"]


@BOUNDED
@given(data=st.data())
def test_csv_import_takes_any_text_without_a_500_or_a_partial_write(fleet, quartermaster, data):
    rows = data.draw(
        st.lists(st.lists(st.one_of(st.sampled_from(VALID_CELLS), JUNK), min_size=7, max_size=7), max_size=3),
        label="rows",
    )
    out = io.StringIO()
    csv.writer(out).writerows([CAMERA_HEADERS, *rows])
    upload_file = SimpleUploadedFile("cameras.csv", out.getvalue().encode("utf-8"), content_type="text/csv")
    cameras = Camera.objects.count()
    response = quartermaster.post("/imports/upload/", {"kind": "cameras", "file": upload_file})
    assert response.status_code < 500
    if response.status_code != 302:
        return
    upload = ImportUpload.objects.latest("pk")
    preview = quartermaster.get(f"/imports/{upload.pk}/")
    assert preview.status_code < 500
    if upload.status != ImportUpload.Status.PREVIEWED:
        return
    from imports.services import preview as plan_of

    plan = plan_of(upload)
    with NoPartialWrite():
        confirmed = quartermaster.post(
            f"/imports/{upload.pk}/confirm/", {"checksum": upload.checksum, "plan_digest": plan.digest}
        )
    assert confirmed.status_code < 500
    # All or nothing: every new camera of the plan, or none of them.
    assert Camera.objects.count() - cameras in (0, plan.counts["create"])
