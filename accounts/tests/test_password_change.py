"""Changing one's own password: the current password is a guess like a sign-in's, counted against the
same limits (django-axes per username, the login guard per address) and audited, on the console's
page and the admin's."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import base_user
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import AddressLoginLockout
from audit.models import AuditEvent
from conftest import requires_postgres
from hartford_bwc.factories import UserFactory
from hartford_bwc.testing import run_at_once

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "Fresh-Lantern-Orbit-77"
THREADS = 40
PAGES = [reverse("password_change"), reverse("admin:password_change")]


def change(client, path, old_password, new_password=NEW_PASSWORD):
    return client.post(
        path, {"old_password": old_password, "new_password1": new_password, "new_password2": new_password}
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def session(admin_user):
    """A signed-in session (a stolen one, as far as the server can tell)."""
    client = Client(REMOTE_ADDR="198.51.100.40")
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_the_page_shows_the_form(session, path):
    response = session.get(path)
    assert response.status_code == 200 and 'name="old_password"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_the_right_current_password_changes_it(session, admin_user, path):
    assert change(session, path, PASSWORD).status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_guessing_the_current_password_locks_at_the_sign_in_limit(session, admin_user, path):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = change(session, path, "Winter2026!")
        assert response.status_code == 200 and "incorrectly" in response.content.decode()
    assert change(session, path, "Winter2026!").status_code == 429
    # Locked: even the right password is not checked, and nothing changes.
    assert change(session, path, PASSWORD).status_code == 429
    admin_user.refresh_from_db()
    assert admin_user.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_lock_is_the_sign_in_lock_of_that_username(session, admin_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        change(session, PAGES[0], "Winter2026!")
    signing_in = Client(REMOTE_ADDR="198.51.100.41").post(reverse("login"), {"username": "ada", "password": PASSWORD})
    assert signing_in.status_code == 429


@pytest.mark.django_db
def test_sign_in_failures_and_password_change_failures_add_up(session, admin_user):
    stranger = Client(REMOTE_ADDR="198.51.100.42")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        stranger.post(reverse("login"), {"username": "ada", "password": "Winter2026!"})
    assert change(session, PAGES[0], "Winter2026!").status_code == 429


@pytest.mark.django_db
def test_each_wrong_current_password_is_audited(session, admin_user):
    before = AuditEvent.objects.count()
    change(session, PAGES[0], "Winter2026!")
    change(session, PAGES[1], "Summer2026!")
    events = AuditEvent.objects.order_by("id")[before:]
    failed = [event for event in events if event.action == "staff_password.check_failed"]
    assert len(failed) == 2
    assert {event.ip for event in failed} == {"198.51.100.40"}
    assert all(event.reason == "wrong current password" for event in failed)


@pytest.mark.django_db
def test_wrong_current_passwords_count_against_the_address(settings, session, admin_user):
    settings.STAFF_LOGIN_FAILURES_PER_ADDRESS = 3
    settings.AXES_FAILURE_LIMIT = 100
    for _ in range(3):
        change(session, PAGES[0], "Winter2026!")
    assert AddressLoginLockout.objects.get(address="198.51.100.40").locked_until is not None
    assert change(session, PAGES[0], PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_typed_passwords_are_not_kept_with_the_failed_attempt(session, admin_user):
    change(session, PAGES[0], "Winter2026!")
    kept = AccessAttempt.objects.get(username="ada").post_data
    assert "Winter2026!" not in kept and NEW_PASSWORD not in kept


# --- under concurrency (PostgreSQL) ------------------------------------------------------------------


@pytest.mark.postgres
@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_guesses_from_one_session_check_only_the_limit(settings, monkeypatch):
    settings.STAFF_LOGIN_FAILURES_PER_ADDRESS = 1000  # only the per-username limit here
    user = UserFactory(username="ada", role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True)
    stolen = Client(REMOTE_ADDR="198.51.100.40")
    stolen.force_login(user)
    clients = []
    for _ in range(THREADS):
        clone = Client(REMOTE_ADDR="198.51.100.40")
        clone.cookies = stolen.cookies
        clients.append(clone)
    checked = []  # list.append is atomic: safe from many threads
    real_check = base_user.check_password

    def counting_check(password, encoded, setter=None, preferred="default"):
        checked.append(password)
        return real_check(password, encoded, setter, preferred)

    monkeypatch.setattr(base_user, "check_password", counting_check)
    codes = run_at_once([lambda c=c, n=n: change(c, PAGES[0], f"guess-{n}").status_code for n, c in enumerate(clients)])

    assert len(checked) == settings.AXES_FAILURE_LIMIT, len(checked)
    assert codes.count(200) == settings.AXES_FAILURE_LIMIT - 1, codes
    assert codes.count(429) == THREADS - settings.AXES_FAILURE_LIMIT + 1
