"""API tokens: a wrong key counts as a failed sign-in from its address, and a locked address is
refused before any key is looked up."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import roles
from accounts.models import AddressLoginLockout
from audit.models import AuditEvent
from hartford_bwc.factories import UserFactory

pytestmark = pytest.mark.django_db

CAMERAS = reverse("api:camera-list")


@pytest.fixture
def limit(settings):
    settings.STAFF_LOGIN_FAILURES_PER_ADDRESS = 4
    return settings


@pytest.fixture
def token() -> str:
    return Token.objects.create(user=UserFactory(role=roles.SUPERVISOR)).key


def with_token(key: str, address: str, **extra) -> APIClient:
    client = APIClient(REMOTE_ADDR=address, **extra)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_valid_token_reads(token):
    assert with_token(token, "198.51.100.10").get(CAMERAS).status_code == 200
    assert not AddressLoginLockout.objects.exists()


def test_guessing_tokens_locks_the_address_even_for_a_valid_one(limit, token):
    for n in range(4):
        assert with_token(f"{n:040x}", "198.51.100.66").get(CAMERAS).status_code == 401
    refused = with_token(token, "198.51.100.66").get(CAMERAS)
    assert refused.status_code == 429
    assert "invalid API tokens from this address" in refused.json()["detail"]
    event = AuditEvent.objects.get(action="staff_login.address_locked")
    assert event.after["address"] == "198.51.100.66"
    # Another address with the valid token is not affected.
    assert with_token(token, "198.51.100.10").get(CAMERAS).status_code == 200


def test_token_guesses_and_password_guesses_share_the_address_limit(limit, token):
    for n in range(3):
        with_token(f"{n:040x}", "198.51.100.67").get(CAMERAS)
    APIClient(REMOTE_ADDR="198.51.100.67").post(reverse("login"), {"username": "nobody", "password": "x"})
    assert with_token(token, "198.51.100.67").get(CAMERAS).status_code == 429


def test_requests_without_a_token_are_not_counted(limit):
    for _ in range(6):
        assert APIClient(REMOTE_ADDR="198.51.100.68").get(CAMERAS).status_code == 401
    assert not AddressLoginLockout.objects.exists()


def test_behind_a_proxy_guesses_count_against_the_client_not_the_proxy(limit, token):
    limit.TRUSTED_PROXY_COUNT = 1
    for n in range(4):
        with_token(f"{n:040x}", "10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.69").get(CAMERAS)
    colleague = with_token(token, "10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.70")
    assert colleague.get(CAMERAS).status_code == 200
