"""A request the API cannot authenticate is a 401 that says how to (`WWW-Authenticate: Token`), as the
README and the schema promise; a signed-in person without the role is a 403. Sessions still work for
the browsable API and the docs, and wrong tokens still count towards the address's lock-out (429).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import roles
from hartford_bwc.factories import UserFactory
from hartford_bwc.testing import sign_in

pytestmark = pytest.mark.django_db

CAMERAS = reverse("api:camera-list")


def token_for(role: str = roles.SUPERVISOR, **user) -> Token:
    return Token.objects.create(user=UserFactory(role=role, **user))


def get(key: str | None = None, path: str = CAMERAS):
    client = APIClient()
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(path)


def assert_unauthenticated(response, code: str) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_a_request_without_a_token_is_a_401_naming_the_token_scheme():
    assert_unauthenticated(get(), "not_authenticated")


def test_a_wrong_token_is_a_401():
    assert_unauthenticated(get("0" * 40), "authentication_failed")


def test_a_revoked_token_is_a_401():
    token = token_for()
    key = token.key
    assert get(key).status_code == 200
    token.delete()
    assert_unauthenticated(get(key), "authentication_failed")


def test_the_token_of_a_deactivated_user_is_a_401():
    token = token_for(is_active=False)
    assert_unauthenticated(get(token.key), "authentication_failed")


def test_a_valid_token_without_the_role_for_a_write_is_a_403():
    token = token_for(roles.SUPERVISOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(reverse("api:checkout-list"), {"camera": "HPD-BWC-0001", "officer": "1"}, format="json")
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response


def test_a_signed_in_person_reads_the_browsable_api_and_the_docs_with_the_session():
    client = Client()
    sign_in(client, roles.SUPERVISOR)
    page = client.get(CAMERAS, HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert client.get(reverse("api_docs")).status_code == 200
    assert client.get(reverse("schema")).status_code == 200
