"""`/healthz`: the broker is reported, never fatal; only a dead database answers 503."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError

from hartford_bwc import health
from hartford_bwc.celery import app as celery_app

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def broker_down(monkeypatch):
    # Celery reads CELERY_BROKER_URL from the environment before its settings.
    monkeypatch.setenv("CELERY_BROKER_URL", UNREACHABLE_BROKER)
    monkeypatch.setitem(celery_app.conf, "broker_url", UNREACHABLE_BROKER)


def test_healthz_reports_a_down_broker_with_200(client, broker_down):
    started = time.perf_counter()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "down"}
    assert time.perf_counter() - started < 3


def test_healthz_reports_a_reachable_broker_as_ok(client, settings):
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "filesystem://")):
        pytest.skip("unknown broker")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


class _DeadConnection:
    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


def test_healthz_answers_503_only_when_the_database_is_down(client, monkeypatch, broker_down):
    monkeypatch.setattr(health, "connection", _DeadConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "down", "broker": "down"}
