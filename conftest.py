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
def _audit_key_and_checkpoints(settings, tmp_path):
    # A fixed test key whatever DEBUG and the environment say; checkpoints in the test's own folder.
    settings.AUDIT_HMAC_KEY = "test-audit-hmac-key"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True, scope="session")
def _flush_may_truncate_the_audit_trail():
    """A transactional test ends with a flush, which on PostgreSQL TRUNCATEs every table: lift the
    audit trail's TRUNCATE guard for that flush only (audit.db.truncate_allowed)."""
    from django.test import TransactionTestCase

    from audit.db import truncate_allowed

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        with truncate_allowed():
            original(self)

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache (local memory) outlives a test: counts cached by one must not be read by the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system_process("tests")


@pytest.fixture
def staff_actor(db) -> Actor:
    from hartford_bwc.factories import UserFactory

    return Actor.staff(UserFactory(), ip="127.0.0.1")


def requires_postgres():
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite has no row locks (set DATABASE_URL)"
    )


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    """Real headless Chromium (Debian's package) driven by Playwright; skipped when not installed."""
    import os
    import shutil

    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (make browser installs it)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test are safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    """Screenshots land in artifacts/screenshots (CI artefacts); the README's are copied to docs/."""
    from pathlib import Path

    path = Path(__file__).parent / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
