"""The staff idle lock slides forward without a session write on every request."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from hartford_bwc.testing import sign_in

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def _session_writes(client, path: str = "/healthz") -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return sum(1 for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"])


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_request_within_the_refresh_interval_writes_no_session(client, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    sign_in(client, roles.QUARTERMASTER)
    with time_machine.travel(NOW, tick=False):
        assert _session_writes(client, "/") == 1
        assert _session_writes(client, "/") == 0
    with time_machine.travel(NOW + timedelta(seconds=59), tick=False):
        assert _session_writes(client, "/") == 0


def test_the_expiry_is_pushed_forward_once_the_interval_has_passed(client, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    sign_in(client, roles.QUARTERMASTER)
    with time_machine.travel(NOW, tick=False):
        client.get("/")
        first = _expiry(client)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert _session_writes(client, "/") == 1
    assert _expiry(client) == first + timedelta(minutes=5)


def test_an_idle_session_still_locks(client, settings):
    sign_in(client, roles.QUARTERMASTER)
    with time_machine.travel(NOW, tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(NOW + timedelta(minutes=settings.STAFF_SESSION_IDLE_MINUTES, seconds=1), tick=False):
        response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
