"""Staff sign-in: the per-address limit on password spraying, and django-axes' per-username limit
holding under concurrent attempts (PostgreSQL, real threads and connections)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import base_user
from django.test import Client
from django.utils import timezone

from accounts import roles
from accounts.models import AddressLoginLockout
from audit.models import AuditEvent
from conftest import requires_postgres
from hartford_bwc.factories import UserFactory
from hartford_bwc.testing import run_at_once

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery"
SPRAYED = "Too many wrong passwords from this computer's network address"


def attempt(client, username, password, path=LOGIN):
    return client.post(path, {"username": username, "password": password})


@pytest.fixture
def limits(settings):
    settings.STAFF_LOGIN_FAILURES_PER_ADDRESS = 6
    settings.STAFF_LOGIN_ADDRESS_WINDOW_MINUTES = 10
    settings.STAFF_LOGIN_ADDRESS_LOCKOUT_MINUTES = 15
    return settings


@pytest.mark.django_db
def test_one_address_spraying_many_usernames_is_locked_at_the_limit(limits):
    quinn = UserFactory(username="quinn", role=roles.QUARTERMASTER)
    sprayer = Client(REMOTE_ADDR="10.1.1.1")
    for n in range(6):
        assert attempt(sprayer, f"user{n}", "Winter2026!").status_code == 200
    # Even the right password of an untried username is refused from that address now.
    locked = attempt(sprayer, quinn.username, PASSWORD)
    assert locked.status_code == 429 and SPRAYED in locked.content.decode()
    assert "_auth_user_id" not in sprayer.session
    event = AuditEvent.objects.get(action="staff_login.address_locked")
    assert event.ip == "10.1.1.1" and event.after["address"] == "10.1.1.1"


@pytest.mark.django_db
def test_the_admin_login_counts_against_the_same_address(limits):
    sprayer = Client(REMOTE_ADDR="10.1.1.2")
    for n in range(6):
        attempt(sprayer, f"user{n}", "Winter2026!", path=ADMIN_LOGIN)
    assert attempt(sprayer, "anyone", "x", path=ADMIN_LOGIN).status_code == 429


@pytest.mark.django_db
def test_another_address_still_signs_in(limits):
    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    sprayer = Client(REMOTE_ADDR="10.1.1.1")
    for n in range(6):
        attempt(sprayer, f"user{n}", "Winter2026!")
    assert attempt(Client(REMOTE_ADDR="10.1.1.9"), "quinn", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_successful_sign_ins_do_not_count(limits):
    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    station = Client(REMOTE_ADDR="10.1.1.3")
    for _ in range(8):
        assert attempt(station, "quinn", PASSWORD).status_code == 302
        station.logout()
    assert not AddressLoginLockout.objects.get(address="10.1.1.3").failures


@pytest.mark.django_db
def test_the_address_lock_ends_after_its_minutes(limits):
    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    start = timezone.now()
    sprayer = Client(REMOTE_ADDR="10.1.1.4")
    with time_machine.travel(start, tick=False):
        for n in range(6):
            attempt(sprayer, f"user{n}", "Winter2026!")
    with time_machine.travel(start + timedelta(minutes=14, seconds=59), tick=False):
        assert attempt(sprayer, "quinn", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert attempt(sprayer, "quinn", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failures_older_than_the_window_do_not_add_up(limits):
    start = timezone.now()
    sprayer = Client(REMOTE_ADDR="10.1.1.5")
    with time_machine.travel(start, tick=False):
        for n in range(5):
            attempt(sprayer, f"user{n}", "Winter2026!")
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        assert attempt(sprayer, "user9", "Winter2026!").status_code == 200
    assert AddressLoginLockout.objects.get(address="10.1.1.5").failures == 1


# --- under concurrency (PostgreSQL) ------------------------------------------------------------------

THREADS = 40


@pytest.mark.postgres
@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_wrong_passwords_for_one_username_check_only_the_limit(settings, monkeypatch):
    settings.STAFF_LOGIN_FAILURES_PER_ADDRESS = 1000  # only axes' per-username limit here
    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    checked = []  # list.append is atomic: safe from many threads
    real_check = base_user.check_password

    def counting_check(password, encoded, setter=None, preferred="default"):
        checked.append(password)
        return real_check(password, encoded, setter, preferred)

    monkeypatch.setattr(base_user, "check_password", counting_check)
    clients = [Client(REMOTE_ADDR=f"10.2.0.{n + 1}") for n in range(THREADS)]
    codes = run_at_once([lambda c=c, n=n: attempt(c, "quinn", f"guess-{n}").status_code for n, c in enumerate(clients)])

    # Exactly the limit was checked against the hash; every later attempt found the username locked.
    assert len(checked) == settings.AXES_FAILURE_LIMIT, len(checked)
    assert codes.count(200) == settings.AXES_FAILURE_LIMIT - 1, codes
    assert codes.count(429) == THREADS - settings.AXES_FAILURE_LIMIT + 1


@pytest.mark.postgres
@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_usernames_sprayed_from_one_address_stop_at_the_address_limit(settings):
    settings.STAFF_LOGIN_FAILURES_PER_ADDRESS = 20
    clients = [Client(REMOTE_ADDR="10.3.0.1") for _ in range(THREADS)]
    codes = run_at_once(
        [lambda c=c, n=n: attempt(c, f"user{n}", "Winter2026!").status_code for n, c in enumerate(clients)]
    )

    assert codes.count(200) == 20  # the 20th failure locked the address
    assert codes.count(429) == THREADS - 20
    assert AuditEvent.objects.filter(action="staff_login.address_locked").count() == 1
