"""Kiosk PINs: validation, hashing (never stored in clear) and the set_officer_pin command."""

from __future__ import annotations

import io
import sys

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.management import CommandError, call_command

from assignments.models import Officer
from assignments.services import pin_matches, set_officer_pin, validate_pin
from audit.models import AuditEvent
from hartford_bwc.errors import DomainError
from hartford_bwc.factories import OfficerFactory

GOOD_PIN = "582914"


@pytest.mark.parametrize(
    ("pin", "code"),
    [
        ("", "pin_not_digits"),
        ("12a456", "pin_not_digits"),
        (" 582914", "pin_not_digits"),
        ("58291", "pin_too_short"),
        ("000000", "pin_repeated"),
        ("7777777", "pin_repeated"),
        ("123456", "pin_sequence"),
        ("012345", "pin_sequence"),
        ("654321", "pin_sequence"),
        ("456789", "pin_sequence"),
        ("1234567890", "pin_sequence"),
    ],
)
def test_weak_or_malformed_pins_are_refused(pin, code):
    with pytest.raises(DomainError) as refused:
        validate_pin(pin)
    assert refused.value.code == code


@pytest.mark.parametrize("pin", [GOOD_PIN, "135792", "2468101", "112233"])
def test_good_pins_pass(pin):
    validate_pin(pin)


def test_minimum_length_is_a_setting(settings):
    settings.KIOSK_PIN_MIN_DIGITS = 8
    with pytest.raises(DomainError) as refused:
        validate_pin("5829147")
    assert str(refused.value) == "A PIN has at least 8 digits."
    validate_pin("58291473")


@pytest.mark.django_db
def test_set_officer_pin_stores_a_hash_never_the_pin(system_actor):
    officer = OfficerFactory()
    set_officer_pin(officer=officer, pin=GOOD_PIN, by=system_actor)
    officer.refresh_from_db()
    assert officer.has_pin and officer.pin_set_at is not None
    assert GOOD_PIN not in officer.pin_hash
    assert pin_matches(officer, GOOD_PIN)
    assert not pin_matches(officer, "582915")
    event = AuditEvent.objects.get(action="officer.set_pin")
    assert GOOD_PIN not in f"{event.before}{event.after}{event.reason}{event.object_repr}"


@pytest.mark.django_db
def test_production_hasher_is_the_kiosk_pbkdf2(system_actor, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "assignments.hashers.KioskPinHasher",
    ]
    settings.KIOSK_PIN_HASHER = "pbkdf2_sha256_pin"
    officer = OfficerFactory()
    set_officer_pin(officer=officer, pin=GOOD_PIN, by=system_actor)
    officer.refresh_from_db()
    assert officer.pin_hash.startswith("pbkdf2_sha256_pin$60000$")
    assert identify_hasher(officer.pin_hash).algorithm == "pbkdf2_sha256_pin"
    assert pin_matches(officer, GOOD_PIN)


@pytest.mark.django_db
def test_weak_pin_leaves_the_old_pin_in_place(system_actor):
    officer = OfficerFactory()
    set_officer_pin(officer=officer, pin=GOOD_PIN, by=system_actor)
    with pytest.raises(DomainError):
        set_officer_pin(officer=officer, pin="111111", by=system_actor)
    officer.refresh_from_db()
    assert pin_matches(officer, GOOD_PIN)


@pytest.mark.django_db
def test_pin_matches_is_false_without_officer_or_pin():
    assert not pin_matches(None, GOOD_PIN)
    assert not pin_matches(OfficerFactory(), GOOD_PIN)


@pytest.fixture
def stdin(monkeypatch):
    def feed(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    return feed


@pytest.mark.django_db
def test_command_reads_the_pin_from_stdin(stdin):
    officer = OfficerFactory(first_name="Dana", last_name="Reyes", badge_number="2231")
    stdin(f"{GOOD_PIN}\n")
    out = io.StringIO()
    call_command("set_officer_pin", "2231", stdout=out)
    assert out.getvalue().strip() == "PIN set for Ofc. Dana Reyes (badge 2231)."
    assert GOOD_PIN not in out.getvalue()
    officer.refresh_from_db()
    assert pin_matches(officer, GOOD_PIN)
    assert AuditEvent.objects.get(action="officer.set_pin").actor_label == "set_officer_pin"


@pytest.mark.django_db
def test_command_refuses_a_weak_pin_and_changes_nothing(stdin):
    OfficerFactory(badge_number="2231")
    stdin("123456\n")
    with pytest.raises(CommandError) as refused:
        call_command("set_officer_pin", "2231")
    assert str(refused.value) == "A PIN cannot be a sequence like 123456; choose another. Nothing changed."
    assert not Officer.objects.get(badge_number="2231").has_pin


@pytest.mark.django_db
def test_command_refuses_an_unknown_badge(stdin):
    stdin(f"{GOOD_PIN}\n")
    with pytest.raises(CommandError, match="No officer has badge number 9999."):
        call_command("set_officer_pin", "9999")


def test_setting_a_pin_needs_nothing_from_the_kiosks_services():
    """The kiosk's services build on assignments.services; nothing here imports them back, not even
    inside a function (set_officer_pin clears the badge lock-out itself)."""
    import ast
    from pathlib import Path

    import assignments.services

    tree = ast.parse(Path(assignments.services.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert "kiosk.services" not in imported
