"""Test helpers shared across the apps' test suites: signed-in console clients, the database's own
refusals, a snapshot of the fleet, and the browser tests' screenshots. App-specific helpers stay in
their app's `tests/` package; every app's factories are in `hartford_bwc/factories.py`."""

from __future__ import annotations

import importlib
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

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


# --- the camera list -------------------------------------------------------------------------


def page_tags(response) -> list[str]:
    """The asset tags of the rows on the camera list page, in order."""
    return [row.record.asset_tag for row in response.context["table"].paginated_rows]


# --- the kiosk -------------------------------------------------------------------------------

# The PIN the kiosk tests give their officers.
PIN = "246810"


def enroll(client, name: str = "HQ front desk", location: str = "HQ equipment room"):
    """Register a kiosk and enroll `client`'s browser as it; returns the kiosk."""
    from audit.actor import Actor
    from kiosk import services as kiosk_services

    kiosk, token = kiosk_services.register_kiosk(name=name, location=location, by=Actor.system_process("tests"))
    response = client.get(reverse("kiosk:enroll", args=[token]))
    assert response.status_code == 302
    kiosk.refresh_from_db()
    return kiosk


# --- the audit trail -------------------------------------------------------------------------


@contextmanager
def append_only_trigger_dropped():
    """Tamper as an attacker with DDL rights would: drop the trigger, then put it back.

    The tests run inside a transaction that is rolled back, and both databases roll DDL back too;
    the trigger is recreated explicitly anyway and checked afterwards.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER audit_append_only ON audit_auditevent"
            if connection.vendor == "postgresql"
            else "DROP TRIGGER audit_append_only"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditevent "
                    "FOR EACH ROW EXECUTE FUNCTION bwc_audit_append_only()"
                )
            else:
                migration = importlib.import_module("audit.migrations.0002_append_only_triggers")
                cursor.execute(migration.SQLITE_FORWARD)
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET reason = reason")


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- concurrency (PostgreSQL tests) ----------------------------------------------------------


def run_at_once(jobs):
    """Run each job in its own thread, released together; return (result or exception) per job."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def worker(n, job):
        try:
            barrier.wait(timeout=30)
            outcomes[n] = job()
        except Exception as error:  # every outcome is collected and asserted on by the caller
            outcomes[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return outcomes


# --- signal devices ----------------------------------------------------------------------------


def issue_device(device, *, officer=None, vehicle=None, at=None):
    """Issue `device` to `officer` or install it in `vehicle` through devices.services, at `at` (now when
    None), as the console does: the flag sweep reads a device's last holder from the events they write."""
    from devices import services as devices

    with _at(at):
        if officer is not None:
            devices.issue_to_officer(device=device, officer=officer, by=_tests())
        else:
            devices.install_in_vehicle(device=device, vehicle=vehicle, by=_tests())
    device.refresh_from_db()
    return device


def take_device_out(device, status: str, *, at=None, incident: str = "HPD-2026-0001"):
    """Take a device out of service through devices.services, at `at` (now when None): "lost" reports it
    lost, "in_maintenance" sends it to maintenance, "retired" sends an issued device to maintenance first
    (the lifecycle retires only from stock, maintenance or loss) and retires it."""
    from devices import services as devices

    with _at(at):
        if status == "lost":
            devices.report_lost(device=device, incident_number=incident, by=_tests())
        elif status == "in_maintenance":
            devices.open_maintenance(device=device, problem="Does not trigger the camera", by=_tests())
        else:
            if device.status == "issued":
                devices.open_maintenance(device=device, problem="Cracked housing", by=_tests())
            devices.retire(device=device, reason="Beyond repair", by=_tests())
    device.refresh_from_db()
    return device


def _tests():
    from audit.actor import Actor

    return Actor.system_process("tests")


def _at(at):
    """Time stands at `at` inside the block (no travel when None)."""
    import contextlib

    import time_machine

    return time_machine.travel(at, tick=False) if at is not None else contextlib.nullcontext()
