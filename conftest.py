"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.db import connection

from audit.actor import Actor


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    # Tests check behaviour, not hash cost; PINs and passwords hash with MD5 here only.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.KIOSK_PIN_HASHER = "md5"


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system_process("tests")


@pytest.fixture
def staff_actor(db) -> Actor:
    from accounts.tests.factories import UserFactory

    return Actor.staff(UserFactory(), ip="127.0.0.1")


def requires_postgres():
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite has no row locks (set DATABASE_URL)"
    )
