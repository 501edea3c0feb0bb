"""The client's address behind TRUSTED_PROXY_COUNT reverse proxies: what a client may write to
X-Forwarded-For never becomes its address, and every per-address limit and audit event uses it."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts import roles
from accounts.models import AddressLoginLockout
from audit.models import AuditEvent
from hartford_bwc.client_address import client_address
from hartford_bwc.factories import UserFactory

PROXY = "10.0.0.5"


def request_from(remote_addr: str, forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_a_client_written_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("198.51.100.7", "203.0.113.99")) == "198.51.100.7"


def test_behind_one_proxy_the_rightmost_forwarded_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really came from.
    assert client_address(request_from(PROXY, "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_the_second_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request_from(PROXY, "1.2.3.4, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"


@pytest.mark.parametrize(
    "forwarded_for",
    [None, "", "   ", "not-an-address", "198.51.100.7:4431", "198.51.100.7, ", "1.2.3.4, garbage"],
)
def test_a_missing_or_malformed_header_falls_back_to_remote_addr(settings, forwarded_for):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(PROXY, forwarded_for)) == PROXY


def test_fewer_addresses_than_trusted_proxies_fall_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request_from(PROXY, "198.51.100.7")) == PROXY


def test_addresses_are_canonical_so_one_client_is_one_counter(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(PROXY, " 2001:DB8:0:0::1 ")) == "2001:db8::1"


def test_no_remote_addr_is_none(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("")) is None


# --- every place that reads the address uses it -------------------------------------------------------


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.STAFF_LOGIN_FAILURES_PER_ADDRESS = 3
    return settings


def through_proxy(client_addr: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_addr)


@pytest.mark.django_db
def test_behind_a_proxy_one_sprayer_does_not_lock_out_the_department(behind_one_proxy):
    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    sprayer = through_proxy("198.51.100.66")
    for n in range(3):
        sprayer.post("/accounts/login/", {"username": f"user{n}", "password": "Winter2026!"})
    assert sprayer.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 429
    # A colleague behind the same proxy still signs in: the lock is on the sprayer's address alone.
    colleague = through_proxy("198.51.100.20")
    assert (
        colleague.post("/accounts/login/", {"username": "quinn", "password": "correct-horse-battery"}).status_code
        == 302
    )
    assert AddressLoginLockout.objects.get(address="198.51.100.66").locked_until is not None
    assert not AddressLoginLockout.objects.filter(address=PROXY).exists()


@pytest.mark.django_db
def test_a_sprayer_cannot_dodge_the_address_limit_by_writing_forwarded_for(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.STAFF_LOGIN_FAILURES_PER_ADDRESS = 3
    client = Client(REMOTE_ADDR="198.51.100.66")
    for n in range(3):
        # A new made-up address each time: ignored, as no proxy is trusted.
        client.post(
            "/accounts/login/",
            {"username": f"user{n}", "password": "Winter2026!"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 429


@pytest.mark.django_db
def test_django_axes_records_the_forwarded_client(behind_one_proxy):
    UserFactory(username="quinn", role=roles.QUARTERMASTER)
    through_proxy("198.51.100.66").post("/accounts/login/", {"username": "quinn", "password": "wrong"})
    assert AccessAttempt.objects.get(username="quinn").ip_address == "198.51.100.66"


@pytest.mark.django_db
def test_audit_events_name_the_forwarded_client(behind_one_proxy):
    user = UserFactory(username="adm", role=roles.ADMINISTRATOR)
    console = through_proxy("198.51.100.20")
    console.force_login(user)
    before = AuditEvent.objects.count()
    console.post(reverse("kiosk_console:register"), {"name": "Front desk", "location": "Lobby"})
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert events and {event.ip for event in events} == {"198.51.100.20"}


def test_no_other_code_reads_the_address_headers():
    """One reader of the address: another would disagree with it behind a proxy (or trust a forged header)."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    packages = [d for d in root.iterdir() if (d / "__init__.py").exists() and not d.is_symlink()]
    readers = sorted(
        str(path.relative_to(root))
        for package in packages
        for path in package.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "settings.py"
        and ("REMOTE_ADDR" in (text := path.read_text()) or "X_FORWARDED_FOR" in text)
    )
    assert readers == ["hartford_bwc/client_address.py"]


def test_django_axes_reads_the_address_through_it(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(request_from(PROXY, "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
