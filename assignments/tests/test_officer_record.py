"""An officer's record: the services, OfficerForm (the console's and a roster import's) and the pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from accounts import roles
from assignments import services
from assignments.forms import OfficerForm
from assignments.models import Officer
from audit.models import AuditEvent
from hartford_bwc.errors import InvalidInput
from hartford_bwc.factories import CameraFactory, OfficerFactory, ShiftFactory, UnitFactory
from hartford_bwc.testing import messages_of, sign_in

pytestmark = pytest.mark.django_db
ANON, QM, SUP, ADMIN = None, roles.QUARTERMASTER, roles.SUPERVISOR, roles.ADMINISTRATOR
AUDIT_LOCK = 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def reference(db):
    UnitFactory(name="Patrol District 1")
    UnitFactory(name="Traffic Division")
    ShiftFactory(name="Day")


@pytest.fixture
def officer(reference):
    return OfficerFactory(badge_number="6001", first_name="Maria", last_name="Lopez", email="", shift=None)


def _data(**overrides) -> dict:
    data = {
        "badge_number": "6100",
        "first_name": "Emily",
        "last_name": "Murphy",
        "rank": "sergeant",
        "unit": "Traffic Division",
        "shift": "Day",
        "email": "emily.murphy@example.org",
        "is_active": "on",
    }
    return {**data, **overrides}


def _errors(form: OfficerForm) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


# --- the services ----------------------------------------------------------------------------------


def test_a_registered_officer_is_audited_with_what_describes_them(reference, staff_actor):
    officer = services.register_officer(
        by=staff_actor, badge_number="6100", first_name="Emily", last_name="Murphy", rank="sergeant"
    )
    event = AuditEvent.objects.get(action="officer.create")
    assert event.officer == officer
    assert event.after == {
        "badge_number": "6100",
        "first_name": "Emily",
        "last_name": "Murphy",
        "rank": "Sergeant",
        "is_active": True,
    }


def test_a_badge_held_in_another_case_is_refused_by_the_service(officer, staff_actor):
    OfficerFactory(badge_number="b-12", first_name="Ann", last_name="Lee")
    with pytest.raises(InvalidInput, match="Badge number b-12 already belongs to Ofc. Ann Lee."):
        services.register_officer(by=staff_actor, badge_number="B-12", first_name="X", last_name="Y")


def test_the_pin_is_not_a_field_a_record_edit_may_set(officer, staff_actor):
    with pytest.raises(InvalidInput, match="pin_hash cannot be set here"):
        services.update_officer(officer=officer, by=staff_actor, pin_hash="x")


def test_an_edit_that_deactivates_is_an_officer_deactivated_event_beside_the_edit(officer, staff_actor):
    services.update_officer(officer=officer, by=staff_actor, last_name="Lopez-Diaz", is_active=False)
    officer.refresh_from_db()
    assert (officer.last_name, officer.is_active) == ("Lopez-Diaz", False)
    edit = AuditEvent.objects.get(action="officer.edit")
    assert (edit.before, edit.after) == ({"last_name": "Lopez"}, {"last_name": "Lopez-Diaz"})
    off = AuditEvent.objects.get(action="officer.deactivate")
    assert (off.before, off.after, off.officer) == ({"is_active": True}, {"is_active": False}, officer)


def test_an_edit_of_activity_alone_is_only_the_activity_event(officer, staff_actor):
    services.update_officer(officer=officer, by=staff_actor, is_active=True)  # already active: nothing
    assert not AuditEvent.objects.filter(officer=officer).exists()
    services.update_officer(officer=officer, by=staff_actor, is_active=False)
    assert list(AuditEvent.objects.filter(officer=officer).values_list("action", flat=True)) == ["officer.deactivate"]


# --- the form ----------------------------------------------------------------------------------------


def test_a_valid_officer_is_cleaned_to_what_the_service_takes(reference):
    form = OfficerForm(_data(unit="traffic division"))
    assert form.is_valid(), form.errors
    values = form.values()
    assert values["unit"].name == "Traffic Division" and values["shift"].name == "Day"
    assert (values["rank"], values["is_active"]) == ("sergeant", True)


def test_the_messages_are_the_imports(reference):
    errors = _errors(
        OfficerForm(
            _data(badge_number="", first_name="", rank="major", unit="Patrol District 9", shift="Swing", email="x@")
        )
    )
    assert errors == {
        "badge_number": ["Missing badge number."],
        "first_name": ["Missing first name."],
        "rank": ["Unknown rank 'major'; ranks are Officer, Detective, Sergeant, Lieutenant, Captain."],
        "unit": ["Unknown unit 'Patrol District 9'. Units: Patrol District 1, Traffic Division."],
        "shift": ["Unknown shift 'Swing'. Shifts: Day."],
        "email": ["'x@' is not an email address."],
    }


@pytest.mark.parametrize("badge", ["new", "NEW", "badge-cards", "61/01", "=1+2", "@6100", "61 01", "6100\x00"])
def test_a_badge_must_be_one_a_page_and_a_scanner_can_use(reference, badge):
    [message] = _errors(OfficerForm(_data(badge_number=badge)))["badge_number"]
    assert "not a badge number" in message or "is not one: use letters and digits" in message or "Null" in message


@pytest.mark.parametrize("typed", ["6001", " 6001 "])
def test_a_badge_on_file_is_refused(officer, typed):
    assert _errors(OfficerForm(_data(badge_number=typed)))["badge_number"] == [
        "Badge number 6001 already belongs to Ofc. Maria Lopez."
    ]


def test_names_hold_no_control_characters_and_keep_formula_text_as_text(reference):
    assert _errors(OfficerForm(_data(first_name="Em\x1bily")))["first_name"] == [
        "The first name holds a control character; type it again."
    ]
    form = OfficerForm(_data(first_name="@SUM(A1:A9)"))  # as the import: exported as text
    assert form.is_valid(), form.errors


def test_a_name_longer_than_the_model_allows_is_refused(reference):
    limit = Officer._meta.get_field("last_name").max_length
    assert _errors(OfficerForm(_data(last_name="L" * (limit + 1))))["last_name"] == [
        f"Too long: {limit + 1} characters, at most {limit}."
    ]


# --- the pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [ANON, QM, SUP, ADMIN])
@pytest.mark.parametrize("page", ["add", "edit"])
def test_only_a_quartermaster_or_administrator_may_add_or_edit(client, officer, role, page):
    url = reverse("assignments:officer_add") if page == "add" else reverse("assignments:officer_edit", args=["6001"])
    if role:
        sign_in(client, role)
    expected = {ANON: 302, SUP: 403}.get(role)
    assert client.get(url).status_code == (expected or 200)
    assert client.post(url, {}).status_code == (expected or 422)
    assert Officer.objects.count() == 1


@pytest.mark.parametrize(("role", "shown"), [(QM, True), (ADMIN, True), (SUP, False)])
def test_the_list_and_the_officer_page_link_to_the_forms(client, officer, role, shown):
    sign_in(client, role)
    listing = client.get(reverse("assignments:officer_list")).content.decode()
    page = client.get(officer.get_absolute_url()).content.decode()
    assert (f'href="{reverse("assignments:officer_add")}">Add officer</a>' in listing) is shown
    assert (f'href="{reverse("assignments:officer_edit", args=["6001"])}">Edit</a>' in page) is shown


def test_adding_an_officer_opens_their_page(client, reference):
    sign_in(client, QM)
    response = client.post(reverse("assignments:officer_add"), _data(), follow=True)
    officer = Officer.objects.get(badge_number="6100")
    assert response.redirect_chain == [(officer.get_absolute_url(), 302)]
    assert messages_of(response) == ["Sgt. Emily Murphy (badge 6100) added. Set a kiosk PIN below."]
    assert AuditEvent.objects.filter(action="officer.create", officer=officer).count() == 1


def test_the_edit_form_shows_the_unit_and_shift_chosen(client, officer):
    sign_in(client, QM)
    page = client.get(reverse("assignments:officer_edit", args=["6001"])).content.decode()
    assert '<option value="Patrol District 1" selected>' in page
    assert 'value="6001"' in page and 'value="Maria"' in page


def test_deactivating_an_officer_who_holds_a_camera_is_saved_with_a_warning(client, officer, staff_actor):
    services.check_out(camera=CameraFactory(asset_tag="HPD-BWC-0030"), officer=officer, by=staff_actor)
    sign_in(client, QM)
    data = _data(badge_number="6001", first_name="Maria", last_name="Lopez", rank="officer", is_active="")
    response = client.post(reverse("assignments:officer_edit", args=["6001"]), data, follow=True)
    assert messages_of(response) == [
        "Ofc. Maria Lopez (badge 6001) saved.",
        "Ofc. Maria Lopez still holds HPD-BWC-0030: get it back and check it in.",
    ]
    officer.refresh_from_db()
    assert not officer.is_active
    assert AuditEvent.objects.filter(action="officer.deactivate", officer=officer).count() == 1


def test_a_refused_edit_keeps_what_was_typed(client, officer):
    OfficerFactory(badge_number="6002", first_name="Ann", last_name="Lee")
    sign_in(client, QM)
    response = client.post(reverse("assignments:officer_edit", args=["6001"]), _data(badge_number="6002"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Badge number 6002 already belongs to Ofc. Ann Lee." in page and 'value="Emily"' in page
    officer.refresh_from_db()
    assert officer.first_name == "Maria"


def _roster(size: int) -> None:
    Officer.objects.bulk_create(
        [Officer(badge_number=str(50000 + i), first_name="Pat", last_name=f"Fleet{i}") for i in range(size)]
    )


@pytest.mark.parametrize("size", [10, 2000])
def test_the_pages_run_a_fixed_number_of_queries(client, officer, size, django_assert_num_queries):
    _roster(size)
    sign_in(client, QM)
    add, edit = reverse("assignments:officer_add"), reverse("assignments:officer_edit", args=["6001"])
    client.get(add)
    # session, user, roles; the units and shifts for the selects
    with django_assert_num_queries(5):
        client.get(add)
    # session, user, roles; the officer with unit and shift; the units and shifts
    with django_assert_num_queries(6):
        client.get(edit)
    # session, user, roles; the form: the badge on file, the units, the shifts; register_officer:
    # savepoint, the badges taken in any case, savepoint, INSERT, release, audit ([PG lock], last hash,
    # INSERT), release
    with django_assert_num_queries(14 + AUDIT_LOCK):
        assert client.post(add, _data()).status_code == 302
    # session, user, roles; the officer; the form: the badge on file, the units, the shifts;
    # update_officer: savepoint, the badges taken, the officer locked, savepoint, UPDATE, release, audit
    # ([PG lock], last hash, INSERT); the shift changed (none -> Day), so the officer's shift days are
    # recounted (assignments.shift_days: the shifts, two DELETEs, two INSERT ... SELECTs);
    # set_officers_active: savepoint, the officer locked (already active: nothing more), release;
    # release; the officer read again
    data = _data(badge_number="6001", is_active="on")
    with django_assert_num_queries(25 + AUDIT_LOCK):
        assert client.post(edit, data).status_code == 302


def test_every_fixed_page_under_officers_is_a_word_no_badge_may_be():
    """A badge equal to one of these would hide its officer behind the page (or the page behind the officer)."""
    from assignments import urls
    from assignments.forms import RESERVED_BADGES

    fixed = {
        str(pattern.pattern).removeprefix("officers/").strip("/")
        for pattern in urls.urlpatterns
        if str(pattern.pattern).startswith("officers/") and "<" not in str(pattern.pattern)
    } - {""}
    assert fixed == RESERVED_BADGES
