"""Staff sign-in at /accounts/login/, and the lock-out after repeated wrong passwords (django-axes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from accounts import roles
from hartford_bwc.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def quartermaster(db):
    return UserFactory(username="quinn", role=roles.QUARTERMASTER)


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_has_labelled_fields(client):
    html = client.get(LOGIN).content.decode()
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html


def test_sign_in_lands_on_the_dashboard(client, quartermaster):
    response = sign_in(client, "quinn", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_says_so(client, quartermaster):
    response = sign_in(client, "quinn", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_username_locks_after_the_failure_limit_even_with_the_right_password(client, quartermaster):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "quinn", "wrong").status_code == 200
    locked = sign_in(client, "quinn", "wrong")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    assert f"{settings.STAFF_LOGIN_LOCKOUT_MINUTES} minutes" in locked.content.decode()

    assert sign_in(client, "quinn", PASSWORD).status_code == 429
    assert client.get("/").status_code == 302  # not signed in


def test_lockout_is_per_username(client, quartermaster):
    UserFactory(username="sam", role=roles.SUPERVISOR)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "quinn", "wrong")
    assert sign_in(client, "sam", PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(client, quartermaster):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "quinn", "wrong")
        assert sign_in(client, "quinn", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=settings.STAFF_LOGIN_LOCKOUT_MINUTES, seconds=1), tick=False):
        assert sign_in(client, "quinn", PASSWORD).status_code == 302


def test_success_resets_the_failure_count(client, quartermaster):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "quinn", "wrong")
    assert sign_in(client, "quinn", PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "quinn", "wrong").status_code == 200


def test_test_client_login_still_works_without_a_request(client, quartermaster):
    # accounts.backends.StaffLockoutBackend skips axes when authenticate() has no request.
    assert client.login(username="quinn", password=PASSWORD)
