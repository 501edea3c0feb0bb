"""Settings for the test suite: production's (DEBUG off), with what a test run on plain HTTP needs.

pytest points here (pyproject.toml). The environment still wins (DATABASE_URL, CELERY_BROKER_URL).
"""

from __future__ import annotations

import os

# Given before the real settings read them: with DEBUG off they are required.
os.environ.setdefault("SECRET_KEY", "test-only-insecure-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The audit chain's key (audit.apps refuses to start without one when DEBUG is off); conftest.py
# also fixes it per test.
os.environ.setdefault("AUDIT_HMAC_KEY", "test-audit-hmac-key")

from .settings import *  # noqa: F403
from .settings import STORAGES

# The test client and the live server speak plain HTTP (what SECURE_COOKIES=false gives a deployment).
SECURE_COOKIES = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = False
# The manifest storage needs collectstatic first; tests render templates without it.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
