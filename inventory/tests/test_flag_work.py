"""Flags a person works on (issue 14 item 17): a severity per kind, sorted by severity and age; a
quartermaster assigns a flag to a staff user; anyone on the console adds notes; all audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from audit.actor import Actor
from audit.models import AuditEvent
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.factories import CameraFactory, UserFactory
from inventory.flags import services
from inventory.flags.selectors import flags_for_page
from inventory.models import FLAG_SEVERITY, Flag, FlagNote, FlagSeverity

pytestmark = pytest.mark.django_db
URL = "/inventory/flags/"


def raise_flag(kind, *, hours_ago=1, tag=None, **fields) -> Flag:
    camera = CameraFactory(**({"asset_tag": tag} if tag else {}))
    return Flag.objects.create(
        camera=camera, kind=kind, raised_at=timezone.now() - timedelta(hours=hours_ago), detail="d", **fields
    )


@pytest.fixture
def quartermaster(client):
    user = UserFactory(username="quinn", first_name="Quinn", last_name="Marsh", role=roles.QUARTERMASTER)
    client.force_login(user)
    return user


@pytest.fixture
def supervisor():
    return UserFactory(username="sam", first_name="Sam", last_name="Okafor", role=roles.SUPERVISOR)


# --- severity -----------------------------------------------------------------------------------


def test_every_kind_has_one_severity_and_the_database_agrees():
    assert set(FLAG_SEVERITY) == set(Flag.Kind.values)
    for kind in Flag.Kind.values:
        raise_flag(kind)
    for flag in flags_for_page():
        assert flag.severity_rank == flag.severity == FLAG_SEVERITY[flag.kind]
    assert FLAG_SEVERITY[Flag.Kind.RETURN_OVERDUE] == FlagSeverity.HIGH
    assert FLAG_SEVERITY[Flag.Kind.REFRESH_DUE] == FlagSeverity.LOW


def tags_in_order(html: str) -> list[str]:
    return re.findall(r">(HPD-BWC-T\d+)</a>", html)


def test_the_list_puts_the_most_severe_first_then_the_oldest(client, quartermaster):
    raise_flag(Flag.Kind.REFRESH_DUE, hours_ago=300, tag="HPD-BWC-T1")  # low, oldest
    raise_flag(Flag.Kind.RETURN_OVERDUE, hours_ago=2, tag="HPD-BWC-T2")  # high, newer
    raise_flag(Flag.Kind.RETURN_OVERDUE, hours_ago=20, tag="HPD-BWC-T3")  # high, older
    raise_flag(Flag.Kind.NOT_DOCKED, hours_ago=5, tag="HPD-BWC-T4")  # medium
    html = client.get(URL).content.decode()
    assert tags_in_order(html) == ["HPD-BWC-T3", "HPD-BWC-T2", "HPD-BWC-T4", "HPD-BWC-T1"]
    assert ">High<" in html and ">Medium<" in html and ">Low<" in html
    # Sortable by severity (least first) and by age (oldest first, then newest first).
    assert tags_in_order(client.get(URL, {"sort": "severity"}).content.decode())[0] == "HPD-BWC-T1"
    assert tags_in_order(client.get(URL, {"sort": "raised_at"}).content.decode()) == [
        "HPD-BWC-T1",
        "HPD-BWC-T3",
        "HPD-BWC-T4",
        "HPD-BWC-T2",
    ]
    assert tags_in_order(client.get(URL, {"sort": "-raised_at"}).content.decode())[0] == "HPD-BWC-T2"


# --- assignment ---------------------------------------------------------------------------------


def test_a_quartermaster_assigns_a_flag_to_a_supervisor(client, quartermaster, supervisor):
    flag = raise_flag(Flag.Kind.RETURN_OVERDUE, tag="HPD-BWC-T1")
    response = client.post(f"{URL}{flag.pk}/assign/", {"assignee": supervisor.pk}, follow=True)
    assert "Flag assigned to Sam Okafor." in response.content.decode()
    flag.refresh_from_db()
    assert flag.assigned_to == supervisor and flag.assigned_at is not None
    event = AuditEvent.objects.get(action="flag.assign")
    assert event.actor_user == quartermaster and event.after["assigned_to"] == "Sam Okafor"
    assert event.camera == flag.camera
    assert "Sam Okafor" in client.get(URL).content.decode()  # the list's "Assigned to" column


def test_unassigning_and_assigning_twice(quartermaster, supervisor):
    by = Actor.staff(quartermaster)
    flag = raise_flag(Flag.Kind.NOT_DOCKED)
    services.assign_flag(flag=flag, assignee=supervisor, by=by)
    with pytest.raises(DomainError, match="already assigned to Sam Okafor"):
        services.assign_flag(flag=flag, assignee=supervisor, by=by)
    services.assign_flag(flag=flag, assignee=None, by=by)
    flag.refresh_from_db()
    assert flag.assigned_to is None and flag.assigned_at is None
    assert AuditEvent.objects.filter(action="flag.assign").count() == 2


def test_only_staff_with_a_role_can_be_given_a_flag(quartermaster):
    outsider = UserFactory(username="norole")
    flag = raise_flag(Flag.Kind.NOT_DOCKED)
    with pytest.raises(InvalidInput, match="not an active staff user with a role"):
        services.assign_flag(flag=flag, assignee=outsider, by=Actor.staff(quartermaster))


def test_a_resolved_flag_is_not_assigned(quartermaster, supervisor):
    flag = raise_flag(Flag.Kind.NOT_DOCKED, resolved_at=timezone.now(), resolution="docked")
    with pytest.raises(DomainError, match="resolved"):
        services.assign_flag(flag=flag, assignee=supervisor, by=Actor.staff(quartermaster))
    assert not AuditEvent.objects.filter(action="flag.assign").exists()


def test_the_assign_form_refuses_a_user_not_on_its_list(client, quartermaster):
    flag = raise_flag(Flag.Kind.NOT_DOCKED)
    outsider = UserFactory(username="norole")
    assert client.post(f"{URL}{flag.pk}/assign/", {"assignee": outsider.pk}).status_code == 422
    assert client.post(f"{URL}{flag.pk}/assign/", {"assignee": "junk"}).status_code == 422


# --- notes --------------------------------------------------------------------------------------


def test_a_supervisor_adds_a_note_and_everyone_sees_it(client, supervisor):
    flag = raise_flag(Flag.Kind.RETURN_OVERDUE)
    client.force_login(supervisor)
    response = client.post(f"{URL}{flag.pk}/notes/", {"text": "Called Ofc. Reyes:\x07 back at 18:00"}, follow=True)
    html = response.content.decode()
    assert "Note added." in html and "Called Ofc. Reyes: back at 18:00" in html
    note = FlagNote.objects.get()
    assert note.author == supervisor and "\x07" not in note.text
    assert AuditEvent.objects.get(action="flag.note").after["note"] == note.text
    assert "1 note" in client.get(URL).content.decode()


def test_an_empty_note_is_refused_on_the_page(client, quartermaster):
    flag = raise_flag(Flag.Kind.RETURN_OVERDUE)
    response = client.post(f"{URL}{flag.pk}/notes/", {"text": "   "})
    assert response.status_code == 422 and not FlagNote.objects.exists()


# --- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "read", "assign", "note"),
    [
        (roles.QUARTERMASTER, 200, 302, 302),
        (roles.ADMINISTRATOR, 200, 302, 302),
        (roles.SUPERVISOR, 200, 403, 302),
        (None, 403, 403, 403),
    ],
)
def test_who_may_read_assign_and_note(client, role, read, assign, note, supervisor):
    flag = raise_flag(Flag.Kind.RETURN_OVERDUE)
    client.force_login(UserFactory(username="who", role=role) if role else UserFactory(username="who"))
    assert client.get(f"{URL}{flag.pk}/").status_code == read
    assert client.post(f"{URL}{flag.pk}/assign/", {"assignee": supervisor.pk}).status_code == assign
    assert client.post(f"{URL}{flag.pk}/notes/", {"text": "x"}).status_code == note


def test_anonymous_users_are_sent_to_sign_in(client):
    flag = raise_flag(Flag.Kind.RETURN_OVERDUE)
    assert client.get(f"{URL}{flag.pk}/").status_code == 302
    assert client.get(f"{URL}{flag.pk}/assign/").status_code == 405
    assert client.get(f"{URL}999999/").status_code == 302


def test_an_unknown_flag_is_404(client, quartermaster):
    assert client.get(f"{URL}999999/").status_code == 404
    assert client.post(f"{URL}999999/notes/", {"text": "x"}).status_code == 404


@pytest.mark.parametrize("notes", [1, 12])
def test_the_flag_page_runs_a_fixed_number_of_queries(
    client, quartermaster, supervisor, notes, django_assert_num_queries
):
    flag = raise_flag(Flag.Kind.RETURN_OVERDUE, assigned_to=supervisor, assigned_at=timezone.now())
    FlagNote.objects.bulk_create([FlagNote(flag=flag, author=supervisor, text=f"n{i}") for i in range(notes)])
    client.get(f"{URL}{flag.pk}/")  # the first request after sign-in saves the session
    # session, user, roles; the flag (with camera, acknowledger, assignee, officer and note count);
    # its notes with their authors; the staff users for the assign form.
    with django_assert_num_queries(6):
        response = client.get(f"{URL}{flag.pk}/")
    assert response.content.decode().count('class="flag-note-meta"') == notes
