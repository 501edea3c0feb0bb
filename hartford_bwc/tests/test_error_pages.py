"""Error pages in the site's layout that say what happened and what to do and leak nothing; a refusal
is one log line without a traceback, and no line is written twice."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from accounts import roles
from hartford_bwc.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(client):
    client.force_login(UserFactory(role=roles.SUPERVISOR))
    return client


def page(response) -> str:
    return response.content.decode()


def test_a_supervisor_opening_imports_is_told_why_and_how_to_get_back(supervisor):
    response = supervisor.get("/imports/")
    assert response.status_code == 403
    html = page(response)
    assert "Your account cannot open this page" in html
    assert "The Supervisor role does not allow this page or action." in html
    assert "ask an administrator" in html
    assert 'href="/">Back to the dashboard' in html
    assert 'class="topbar"' in html and "Reports" in html  # the site's layout, with its navigation


def test_a_403_is_one_log_line_without_a_traceback(supervisor, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        supervisor.get("/imports/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == ["Forbidden (Permission denied): /imports/"]
    assert records[0].exc_info is None and "Traceback" not in caplog.text


def test_a_404_names_nothing_from_the_address(supervisor, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = supervisor.get("/inventory/cameras/HPD-NO-SUCH-9931/")
    assert response.status_code == 404
    html = page(response)
    assert "Nothing is here" in html and "Check the asset tag or badge number" in html
    assert "HPD-NO-SUCH-9931" not in html
    assert "Traceback" not in caplog.text


def test_a_kiosk_404_leads_back_to_the_kiosk(client):
    response = client.get("/kiosk/no-such-step/")
    assert response.status_code == 404
    assert 'href="/kiosk/">Back to the kiosk' in page(response)


@pytest.fixture
def failing_view(settings):
    settings.ROOT_URLCONF = "hartford_bwc.tests.error_urls"


def test_a_500_says_what_to_do_and_leaks_nothing(failing_view, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/test-failure/")
    assert response.status_code == 500
    html = page(response)
    assert "Something went wrong on our side" in html and "Check whether your change was saved" in html
    assert "secret-token-123" not in html and "RuntimeError" not in html and "Traceback" not in html
    # Rendered without the request: no user, no navigation that could fail again.
    assert "Sign out" not in html
    # The server error keeps its traceback in the log, once.
    errors = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None


def test_a_csrf_failure_explains_that_the_form_expired(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = page(response)
    assert "This form has expired" in html and "Nothing was saved" in html
    assert "CSRF" not in html  # Django's reason stays in the log


def _handlers_that_write(logger_name: str, record: logging.LogRecord) -> list[logging.Handler]:
    # What Logger.callHandlers does, minus pytest's own capturing handlers.
    logger, found = logging.getLogger(logger_name), []
    while logger:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue
            if record.levelno >= handler.level and handler.filter(record):
                found.append(handler)
        logger = logger.parent if logger.propagate else None
    return found


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("name", ["django.request", "django.security.csrf", "django.server", "inventory", "axes"])
def test_every_log_line_is_written_once(settings, debug, name):
    settings.DEBUG = debug
    record = logging.LogRecord(name, logging.WARNING, __file__, 1, "Forbidden: /imports/", (), None)
    assert len(_handlers_that_write(name, record)) == 1
