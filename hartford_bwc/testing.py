"""Test helpers shared across the apps' test suites: signed-in console clients, the database's own
refusals, a snapshot of the fleet, and the browser tests' screenshots. App-specific helpers stay in
their app's `tests/` package; every app's factories are in `hartford_bwc/factories.py`."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from accounts import roles

DOC_SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

# --- the console -----------------------------------------------------------------------------

ROLES = (roles.QUARTERMASTER, roles.SUPERVISOR, roles.ADMINISTRATOR)


def sign_in(client, role: str = roles.QUARTERMASTER):
    """Sign the test client in as a staff user of `role`; returns the user."""
    from hartford_bwc.factories import UserFactory

    user = UserFactory(username=f"{role.lower()}-user", role=role)
    client.force_login(user)
    return user


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- the database's own rules ----------------------------------------------------------------


@contextmanager
def violates(rule: str, *, sqlite: str | None = None):
    """The block must fail with an IntegrityError that names `rule`: the database itself (not Python)
    refused the write.

    PostgreSQL names every constraint; SQLite names CHECK constraints but reports a unique
    index by its columns, so `sqlite` gives the text to expect there.
    """
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    expected = rule if connection.vendor == "postgresql" or sqlite is None else sqlite
    assert expected in str(caught.value), f"expected {expected!r} in {caught.value!r}"


def fleet_state() -> tuple:
    """Everything a service may change, to prove that a refused step changed none of it."""
    from assignments.models import Checkout, PersonalIssue
    from inventory.models import Camera, ChargeEvent, MaintenanceRecord

    return (
        list(Camera.objects.order_by("pk").values_list()),
        list(Checkout.objects.order_by("pk").values_list()),
        list(MaintenanceRecord.objects.order_by("pk").values_list()),
        list(PersonalIssue.objects.order_by("pk").values_list()),
        ChargeEvent.objects.count(),
    )


# --- browser tests ---------------------------------------------------------------------------


def publish_screenshot(source: Path, name: str) -> None:
    """Copy a test's screenshot into docs/screenshots, only when asked (UPDATE_DOC_SCREENSHOTS=1).

    A plain test run must leave the checkout clean; the committed pictures change on purpose.
    """
    if os.environ.get("UPDATE_DOC_SCREENSHOTS") != "1":
        return
    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, DOC_SCREENSHOTS / name)


# --- accessibility (Section 508 / WCAG 2.1 AA) -----------------------------------------------

# What the city's Section 508 rule holds us to; axe-core's own "best-practice" rules run too.
BLOCKING_IMPACTS = ("serious", "critical")


def accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as loaded, one line per element.

    axe-core ships inside the axe-playwright-python wheel and is injected into the page by Playwright
    (not subject to the page's CSP): nothing is fetched from the network.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            found.append(f"{violation['id']} ({violation['impact']}): {' '.join(node['target'])}: {violation['help']}")
    return found
