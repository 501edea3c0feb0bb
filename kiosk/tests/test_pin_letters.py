"""PIN letters (issue 14 item 5): an officer with no PIN is sent to the quartermaster, who prints a letter
with a one-time code; at the kiosk, badge + code, then a PIN of their own twice, and they are signed in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.utils import timezone

from accounts import roles
from assignments.models import Officer
from audit.models import AuditEvent
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.factories import OfficerFactory
from hartford_bwc.testing import sign_in
from kiosk import pin_letters
from kiosk.models import BadgeLockout, KioskLockout, OfficerEnrollmentCode

from .conftest import PIN, alert, status

pytestmark = pytest.mark.django_db
NEW_PIN = "583920"


@pytest.fixture
def new_officer(db):
    """An officer from a new roster: no PIN."""
    return OfficerFactory(badge_number="7001", first_name="Lena", last_name="Ortiz")


def letter_for(officer, staff_actor) -> str:
    (letter,) = pin_letters.issue_pin_letters(officers=[officer], by=staff_actor)
    return letter.code


def enter_code(kiosk_browser, badge, code):
    return kiosk_browser.post("/kiosk/pin-letter/", {"badge": badge, "code": code})


def choose(kiosk_browser, pin=NEW_PIN, again=None, follow=True):
    data = {"pin": pin, "pin_again": pin if again is None else again}
    return kiosk_browser.post("/kiosk/pin-letter/choose-pin/", data, follow=follow)


# --- the kiosk's answer to a badge with no PIN ---------------------------------------------------


def test_a_known_badge_with_no_pin_is_sent_to_the_quartermaster(kiosk_browser, new_officer):
    message = alert(kiosk_browser.sign_in("7001", pin="135792"))
    assert message == "No PIN is set for badge 7001: see the quartermaster for your PIN letter."
    event = AuditEvent.objects.get(action="kiosk.sign_in_refused")
    assert event.officer == new_officer and event.reason == "no PIN set"


def test_an_unknown_badge_still_gets_the_refusal_that_says_nothing(kiosk_browser, new_officer):
    message = alert(kiosk_browser.sign_in("7999", pin="135792"))
    assert "do not match" in message and "No PIN" not in message


def test_a_badge_with_no_pin_counts_against_the_kiosk_not_the_badge(kiosk_browser, new_officer, settings):
    """The answer names a PIN-less badge, so asking it is throttled like the wrong PIN it used to be."""
    settings.KIOSK_SIGN_IN_FAILURES_PER_KIOSK = 3
    for _ in range(2):
        kiosk_browser.sign_in("7001", pin="135792")
    assert KioskLockout.objects.get().failures == 2
    assert not BadgeLockout.objects.filter(badge="7001", failures__gt=0).exists()
    assert "Sign-in at this kiosk is paused" in alert(kiosk_browser.sign_in("7001", pin="135792"))
    # Paused for everyone, as for wrong PINs: the throttle bounds badge enumeration.
    assert "paused" in alert(kiosk_browser.sign_in("7001", pin="135792"))


def test_the_kiosk_pause_names_who_can_help(kiosk_browser, settings):
    settings.KIOSK_SIGN_IN_FAILURES_PER_KIOSK = 1
    message = alert(kiosk_browser.sign_in("7999", pin="135792"))
    assert "a supervisor has been alerted" in message and "see the quartermaster" in message
    assert "desk sergeant" not in message


def test_the_start_screen_links_to_the_pin_letter_sign_in(kiosk_browser):
    assert "No PIN yet? Use the code from your PIN letter" in kiosk_browser.get().content.decode()


# --- issuing letters (the service) -------------------------------------------------------------


def test_a_letter_code_is_random_hashed_at_rest_and_expires(new_officer, staff_actor, settings):
    settings.PIN_LETTER_CODE_DAYS = 14
    (letter,) = pin_letters.issue_pin_letters(officers=[new_officer], by=staff_actor)
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", letter.code)
    row = OfficerEnrollmentCode.objects.get()
    assert letter.code not in row.code_hash and pin_letters.normalise_code(letter.code) not in row.code_hash
    assert row.code_hash == pin_letters.code_hash(letter.code.lower().replace("-", " "))
    assert row.expires_at - row.issued_at == timedelta(days=14)
    assert row.issued_by == staff_actor.staff_user
    event = AuditEvent.objects.get(action="officer.pin_letter")
    assert event.officer == new_officer and event.after["replaced_earlier_code"] is False
    assert letter.code not in str(event.after) and row.code_hash not in str(event.after)


def test_a_new_letter_replaces_the_old_code(kiosk_browser, new_officer, staff_actor):
    old = letter_for(new_officer, staff_actor)
    new = letter_for(new_officer, staff_actor)
    assert OfficerEnrollmentCode.objects.live().count() == 1
    assert "do not match" in alert(enter_code(kiosk_browser, "7001", old))
    assert "Choose your PIN" in enter_code(kiosk_browser, "7001", new).content.decode()
    assert (
        AuditEvent.objects.filter(action="officer.pin_letter").order_by("pk").last().after["replaced_earlier_code"]
        is True
    )


def test_letters_for_a_roster_are_all_or_nothing(staff_actor):
    active = OfficerFactory.create_batch(3)
    inactive = OfficerFactory(is_active=False, last_name="Gone")
    with pytest.raises(DomainError, match="No PIN letter for inactive officers: .*Gone"):
        pin_letters.issue_pin_letters(officers=[*active, inactive], by=staff_actor)
    assert not OfficerEnrollmentCode.objects.exists()
    assert not AuditEvent.objects.filter(action="officer.pin_letter").exists()
    letters = pin_letters.issue_pin_letters(officers=active, by=staff_actor)
    assert len({letter.code for letter in letters}) == 3
    assert AuditEvent.objects.filter(action="officer.pin_letter").count() == 3


def test_no_officer_no_letter(staff_actor):
    with pytest.raises(InvalidInput, match="Select at least one officer"):
        pin_letters.issue_pin_letters(officers=[], by=staff_actor)


# --- spending the code at the kiosk -----------------------------------------------------------


def test_badge_and_code_then_a_pin_twice_signs_the_officer_in(kiosk_browser, new_officer, staff_actor):
    code = letter_for(new_officer, staff_actor)
    page = enter_code(kiosk_browser, "7001", code.lower()).content.decode()
    assert f"Choose your PIN, {new_officer.display_name}" in page
    assert 'value="' + code not in page  # the code is never echoed
    response = choose(kiosk_browser)
    assert "Your PIN is set" in status(response)
    assert new_officer.display_name in response.content.decode() and ">Check out<" in response.content.decode()
    new_officer.refresh_from_db()
    assert check_password(NEW_PIN, new_officer.pin_hash)
    row = OfficerEnrollmentCode.objects.get()
    assert row.used_at is not None and row.used_kiosk == kiosk_browser.kiosk
    actions = list(AuditEvent.objects.filter(officer=new_officer).values_list("action", flat=True))
    assert {"officer.set_pin", "officer.pin_letter_used", "kiosk.sign_in"} <= set(actions)
    # From now on, badge and PIN.
    kiosk_browser.sign_out()
    assert new_officer.display_name in kiosk_browser.sign_in("7001", pin=NEW_PIN).content.decode()


def test_a_code_works_once(kiosk_browser, new_officer, staff_actor):
    code = letter_for(new_officer, staff_actor)
    enter_code(kiosk_browser, "7001", code)
    choose(kiosk_browser)
    kiosk_browser.sign_out()
    assert "do not match" in alert(enter_code(kiosk_browser, "7001", code))


def test_an_expired_code_is_refused_with_what_to_do(kiosk_browser, new_officer, staff_actor, settings):
    settings.PIN_LETTER_CODE_DAYS = 14
    code = letter_for(new_officer, staff_actor)
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        message = alert(enter_code(kiosk_browser, "7001", code))
    assert "expired" in message and "Ask the quartermaster for a new letter" in message
    assert OfficerEnrollmentCode.objects.get().used_at is None


def test_another_officers_code_does_not_work_with_my_badge(kiosk_browser, new_officer, staff_actor):
    theirs = letter_for(OfficerFactory(badge_number="7002"), staff_actor)
    letter_for(new_officer, staff_actor)
    assert "do not match" in alert(enter_code(kiosk_browser, "7001", theirs))


def test_wrong_codes_lock_the_badge_like_wrong_pins(kiosk_browser, new_officer, staff_actor, settings):
    settings.KIOSK_LOCKOUT_FAILURES = 3
    code = letter_for(new_officer, staff_actor)
    for _ in range(2):
        assert "do not match" in alert(enter_code(kiosk_browser, "7001", "AAAA-BBBB-CCCC"))
    assert "locked until" in alert(enter_code(kiosk_browser, "7001", "AAAA-BBBB-CCCC"))
    # Even the right code now waits for the lock.
    assert "locked until" in alert(enter_code(kiosk_browser, "7001", code))
    assert AuditEvent.objects.filter(action="kiosk.enrollment_code_failed").count() == 2
    assert AuditEvent.objects.filter(action="kiosk.badge_locked").count() == 1


def test_two_different_pins_are_refused_and_the_code_still_works(kiosk_browser, new_officer, staff_actor):
    code = letter_for(new_officer, staff_actor)
    enter_code(kiosk_browser, "7001", code)
    assert "not the same" in alert(choose(kiosk_browser, again="583921"))
    assert "A PIN cannot be a sequence" in alert(choose(kiosk_browser, pin="123456"))
    new_officer.refresh_from_db()
    assert not new_officer.has_pin and OfficerEnrollmentCode.objects.get().used_at is None
    assert "Your PIN is set" in status(choose(kiosk_browser))


def test_choosing_a_pin_needs_the_code_checked_first(kiosk_browser, new_officer, staff_actor):
    letter_for(new_officer, staff_actor)
    response = choose(kiosk_browser)
    assert response.redirect_chain[-1][0] == "/kiosk/pin-letter/"
    assert not Officer.objects.get(pk=new_officer.pk).has_pin


def test_the_choose_pin_step_times_out(kiosk_browser, new_officer, staff_actor):
    code = letter_for(new_officer, staff_actor)
    enter_code(kiosk_browser, "7001", code)
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        response = choose(kiosk_browser)
    assert "took too long" in alert(response)
    assert OfficerEnrollmentCode.objects.get().used_at is None


def test_a_code_replaced_between_the_two_steps_is_refused(kiosk_browser, new_officer, staff_actor):
    code = letter_for(new_officer, staff_actor)
    enter_code(kiosk_browser, "7001", code)
    letter_for(new_officer, staff_actor)  # the quartermaster prints a new letter meanwhile
    response = choose(kiosk_browser)
    assert "cannot be used any more" in alert(response)
    assert not Officer.objects.get(pk=new_officer.pk).has_pin


def test_an_officer_with_a_pin_may_replace_it_with_a_letter(kiosk_browser, officer, staff_actor):
    code = letter_for(officer, staff_actor)
    enter_code(kiosk_browser, officer.badge_number, code)
    choose(kiosk_browser)
    officer.refresh_from_db()
    assert check_password(NEW_PIN, officer.pin_hash) and not check_password(PIN, officer.pin_hash)


# --- the console ---------------------------------------------------------------------------------


def test_the_confirmation_lists_the_officers_and_changes_nothing(client, new_officer, officer):
    sign_in(client)
    response = client.get(f"/assignments/officers/pin-letters/?badge=7001&badge={officer.badge_number}")
    page = response.content.decode()
    assert response.status_code == 200 and "2 letters" in page
    assert new_officer.display_name in page and "1 of them already has a PIN" in page
    assert not OfficerEnrollmentCode.objects.exists()


def test_printing_shows_each_code_once_one_letter_per_officer(client, new_officer):
    other = OfficerFactory(badge_number="7002", last_name="Adams")
    sign_in(client)
    response = client.post("/assignments/officers/pin-letters/", {"badge": ["7001", "7002"]})
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    codes = re.findall(r'class="pin-letter-code">([^<]+)<', page)
    assert len(codes) == 2 and page.count('<article class="pin-letter"') == 2
    assert page.index(other.display_name) < page.index(new_officer.display_name)  # by name
    for code in codes:
        assert OfficerEnrollmentCode.objects.filter(code_hash=pin_letters.code_hash(code)).exists()
    assert AuditEvent.objects.filter(action="officer.pin_letter", actor_user__isnull=False).count() == 2
    # Reloading the confirmation shows no code.
    assert codes[0] not in client.get("/assignments/officers/pin-letters/?badge=7001").content.decode()


def test_an_unknown_badge_prints_nothing(client, new_officer):
    sign_in(client)
    response = client.post("/assignments/officers/pin-letters/", {"badge": ["7001", "nope"]})
    assert response.status_code == 422 and "No officer has the badge number nope" in response.content.decode()
    assert not OfficerEnrollmentCode.objects.exists()


def test_an_inactive_officer_is_refused_on_the_page(client):
    OfficerFactory(badge_number="7003", is_active=False)
    sign_in(client)
    response = client.post("/assignments/officers/pin-letters/", {"badge": "7003"})
    assert response.status_code == 409 and "No PIN letter for inactive officers" in response.content.decode()


def test_nothing_ticked_says_what_to_do(client):
    sign_in(client)
    assert "No officer selected" in client.get("/assignments/officers/pin-letters/").content.decode()
    response = client.post("/assignments/officers/pin-letters/", {})
    assert response.status_code == 422 and "Select at least one officer" in response.content.decode()


@pytest.mark.parametrize("role", [roles.SUPERVISOR])
def test_only_quartermasters_print_letters(client, new_officer, role):
    sign_in(client, role)
    assert client.get("/assignments/officers/pin-letters/?badge=7001").status_code == 403
    assert client.post("/assignments/officers/pin-letters/", {"badge": "7001"}).status_code == 403
    assert not OfficerEnrollmentCode.objects.exists()


def test_the_officer_page_and_list_offer_pin_letters(client, new_officer, staff_actor):
    sign_in(client)
    page = client.get("/assignments/officers/7001/").content.decode()
    assert "Print PIN letter" in page and "pin-letter-state" not in page
    letter_for(new_officer, staff_actor)
    assert "PIN letter printed" in client.get("/assignments/officers/7001/").content.decode()
    assert "PIN letters for selected" in client.get("/assignments/officers/").content.decode()


# PostgreSQL serializes appends to the audit chain with an advisory lock: one more query per batch.
AUDIT_LOCK = 1 if connection.vendor == "postgresql" else 0


# 50: SQLite's 999 query variables fit one INSERT of 50 audit events; more take one INSERT per batch.
@pytest.mark.parametrize("size", [3, 50])
def test_pin_letter_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    officers = Officer.objects.bulk_create(
        [Officer(badge_number=str(80000 + i), first_name="Pat", last_name=f"Roster{i}") for i in range(size)]
    )
    badges = [o.badge_number for o in officers]
    sign_in(client)
    client.get("/assignments/officers/pin-letters/")  # the first request after sign-in saves the session
    # session + user + roles; the officers (with units).
    with django_assert_num_queries(4):
        assert client.get("/assignments/officers/pin-letters/", {"badge": badges}).status_code == 200
    # session + user + roles; the officers; then in one transaction (a savepoint pair): the officers
    # locked, their live codes read, replaced and the new ones inserted, the audit chain's head and the
    # events (one INSERT each, whatever the roster's size).
    with django_assert_num_queries(12 + AUDIT_LOCK):
        assert client.post("/assignments/officers/pin-letters/", {"badge": badges}).status_code == 200
    assert OfficerEnrollmentCode.objects.count() == size
