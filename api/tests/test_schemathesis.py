"""Schemathesis against the API's own OpenAPI schema: every operation, every check, a token of each role.

The schema is the one drf-spectacular generates (what /api/schema/ serves); requests go in-process
to the Django WSGI application, inside the test's transaction, so this runs on SQLite and on
PostgreSQL (CI sets DATABASE_URL) alike. SCHEMATHESIS_MAX_EXAMPLES bounds the examples per
operation and phase (default 8: the whole module well under two minutes on a loaded machine).
A failure names the operation, the check and a reproducing request.
"""

from __future__ import annotations

import json
import os
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import ChecksConfig

from accounts import roles
from demo import services as demo
from hartford_bwc.factories import UserFactory

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))


def _openapi() -> dict:
    # A JSON round trip gives the plain types the served schema has (no lazy strings, no tuples).
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


schema = schemathesis.openapi.from_dict(_openapi())
schema.app = get_wsgi_application()
# Credentials are the signed-in tokens below, never generated ones (which would be refused anyway).
schema.config.generation.update(
    max_examples=MAX_EXAMPLES, deterministic=True, database="none", with_security_parameters=False
)
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]  # schemathesis' own, and 422
# A schema-valid request may still be refused: 409 when the camera's state refuses it (schemathesis
# expects that already), 422 when the input can never be done (a bay the dock lacks: the schema cannot
# say how many bays a dock has). Both are problems the schema documents.
schema.config.checks = ChecksConfig.from_dict({"positive_data_acceptance": {"expected-statuses": ACCEPTED}})


@pytest.fixture
def fleet(db):
    """A small fleet with history, so lookups can hit real rows as well as missing ones."""
    demo.seed_fleet(cameras=6, officers=5, days=1, seed=3)
    from assignments.models import Checkout, Officer
    from inventory.models import Camera, Dock, Flag

    return {
        "asset_tag": list(Camera.objects.values_list("asset_tag", flat=True)),
        "badge_number": list(Officer.objects.values_list("badge_number", flat=True)),
        "checkout_id": [str(pk) for pk in Checkout.objects.values_list("pk", flat=True)],
        "flag_id": [str(pk) for pk in Flag.objects.values_list("pk", flat=True)],
        "dock": list(Dock.objects.values_list("name", flat=True)),
    }


@pytest.fixture
def tokens(db) -> dict[str, str]:
    return {role: Token.objects.create(user=UserFactory(role=role)).key for role in roles.ALL_ROLES}


@pytest.fixture
def in_process_requests():
    # Django's WSGI handler closes the connection at the end of each request; here every request
    # runs inside the test's transaction, as the test client arranges for its own requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _pick(value, choices: list[str]):
    """Half the generated values (chosen by their own hash, so a failure replays) become real ones."""
    if not choices:
        return value
    digest = zlib.crc32(repr(value).encode("utf-8", "surrogatepass"))
    return choices[digest % len(choices)] if digest % 2 == 0 else value


def _aim_at_real_rows(case, fleet: dict) -> None:
    params = case.path_parameters or {}
    if "asset_tag" in params:
        params["asset_tag"] = _pick(params["asset_tag"], fleet["asset_tag"])
    if "badge_number" in params:
        params["badge_number"] = _pick(params["badge_number"], fleet["badge_number"])
    if "id" in params:
        ids = fleet["flag_id"] if "/flags/" in case.path else fleet["checkout_id"]
        params["id"] = _pick(params["id"], ids)
    if isinstance(case.body, dict):
        for field, rows in (("camera", "asset_tag"), ("officer", "badge_number"), ("dock", "dock")):
            if field in case.body:
                case.body[field] = _pick(case.body[field], fleet[rows])


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ALL_ROLES)
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_its_schema_says(case, role, fleet, tokens, in_process_requests):
    _aim_at_real_rows(case, fleet)
    case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"})
