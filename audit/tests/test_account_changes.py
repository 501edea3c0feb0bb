"""Every change to users, roles, permissions, API tokens, kiosks and settings-like models is an audit
event with before and after, however it is made: the admin, a service, a command or the shell."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts import roles
from accounts.services import create_staff_user
from audit.actor import Actor
from audit.models import AuditEvent
from audit.services import verify_chain
from audit.tests.test_admin_edits import _change_form_data
from hartford_bwc.factories import UserFactory
from inventory.models import Dock
from kiosk import services as kiosks
from kiosk.models import Kiosk

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def admin():
    return UserFactory(username="chief", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def officer_user():
    return UserFactory(username="jdoe")


def events_since(mark: int, **filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=mark, **filters).order_by("id"))


def mark() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def post_user_change(client: Client, user, **changes):
    url = f"/admin/auth/user/{user.pk}/change/"
    data = _change_form_data(client, url)
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


# --- the admin -----------------------------------------------------------------------------------


def test_making_a_user_superuser_in_the_admin_is_an_event_by_the_admin(admin_client, officer_user):
    since = mark()
    post_user_change(admin_client, officer_user, is_superuser="on", is_staff="on")
    [event] = events_since(since, action="user.change")
    assert (event.actor_kind, event.actor_label, event.ip) == ("staff", "chief", "127.0.0.1")
    assert (event.object_type, event.object_id) == ("auth.User", str(officer_user.pk))
    assert event.before == {"is_staff": False, "is_superuser": False}
    assert event.after == {"is_staff": True, "is_superuser": True}
    assert verify_chain() is None


def test_giving_a_role_group_in_the_admin_is_an_event(admin_client, officer_user):
    quartermaster = Group.objects.get(name=roles.QUARTERMASTER)
    since = mark()
    post_user_change(admin_client, officer_user, groups=[quartermaster.pk])
    [event] = events_since(since, action="user.groups_change")
    assert event.actor_label == "chief"
    assert (event.before, event.after) == ({"groups": []}, {"groups": [roles.QUARTERMASTER]})
    assert not events_since(since, action="user.change"), "an unchanged user form is no user.change"


def test_creating_and_deleting_a_token_in_the_admin_is_an_event_without_the_key(admin_client, officer_user):
    since = mark()
    response = admin_client.post("/admin/authtoken/tokenproxy/add/", {"user": officer_user.pk})
    assert response.status_code == 302
    token = Token.objects.get(user=officer_user)
    admin_client.post(f"/admin/authtoken/tokenproxy/{officer_user.pk}/delete/", {"post": "yes"})
    assert not Token.objects.filter(user=officer_user).exists()
    created, deleted = events_since(since)
    assert (created.action, deleted.action) == ("user.token_create", "user.token_delete")
    assert created.actor_label == deleted.actor_label == "chief"
    assert created.object_id == str(officer_user.pk)
    assert token.key not in json.dumps([created.__dict__, deleted.__dict__], default=str)


# --- however made: the shell, a command ----------------------------------------------------------


def test_a_change_in_the_shell_is_an_event_by_system(officer_user):
    since = mark()
    officer_user.is_active = False
    officer_user.save()
    [event] = events_since(since)
    assert (event.action, event.actor_kind, event.actor_label) == ("user.change", "system", "system")
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})


def test_a_password_change_is_an_event_that_never_holds_the_hash(officer_user):
    since = mark()
    officer_user.set_password("a new long passphrase")
    officer_user.save()
    [event] = events_since(since)
    assert (event.action, event.before, event.after) == ("user.change", {}, {"password": "changed"})
    officer_user.refresh_from_db()
    assert officer_user.password not in json.dumps([e.__dict__ for e in AuditEvent.objects.all()], default=str)


def test_a_new_user_is_an_event_without_the_password_hash():
    since = mark()
    user = User.objects.create_user("newbie", password="x" * 20)
    [event] = events_since(since)
    assert event.action == "user.create"
    assert event.after["username"] == "newbie" and event.after["password"] == "set"
    assert user.password not in json.dumps(event.after)


def test_signing_in_is_not_a_user_change(officer_user):
    since = mark()
    assert Client().login(username="jdoe", password="correct-horse-battery")
    assert not events_since(since, action="user.change")


def test_group_membership_from_either_side_and_permissions_are_events(officer_user):
    group = Group.objects.create(name="Evidence")
    permission = Permission.objects.get(codename="view_camera")
    since = mark()
    group.user_set.add(officer_user)
    officer_user.user_permissions.add(permission)
    group.permissions.add(permission)
    officer_user.groups.clear()
    events = events_since(since)
    assert [(e.action, e.before, e.after) for e in events] == [
        ("group.members_change", {"members": []}, {"members": ["jdoe"]}),
        ("user.permissions_change", {"permissions": []}, {"permissions": ["inventory.view_camera"]}),
        ("group.permissions_change", {"permissions": []}, {"permissions": ["inventory.view_camera"]}),
        ("user.groups_change", {"groups": ["Evidence"]}, {"groups": []}),
    ]


def test_a_token_made_by_the_drf_command_is_an_event(officer_user):
    from django.core.management import call_command

    since = mark()
    call_command("drf_create_token", "jdoe", stdout=__import__("io").StringIO())
    [event] = events_since(since)
    assert (event.action, event.actor_label, event.after) == ("user.token_create", "system", {"token": "created"})


def test_kiosk_and_settings_like_models_changed_in_the_shell_are_events():
    since = mark()
    dock = Dock.objects.create(name="Dock 9", location="HQ", bays=8)
    dock.bays = 12
    dock.save()
    kiosk = Kiosk.objects.create(name="Lobby")
    kiosk.location = "HQ"
    kiosk.save()
    events = events_since(since)
    assert [e.action for e in events] == ["dock.create", "dock.change", "kiosk.create", "kiosk.change"]
    assert (events[1].before, events[1].after) == ({"bays": 8}, {"bays": 12})
    assert (events[3].before, events[3].after) == ({"location": ""}, {"location": "HQ"})


# --- no double entries where a service records its own event ---------------------------------------


def test_a_service_that_records_its_own_event_is_not_recorded_twice(staff_actor):
    since = mark()
    create_staff_user(username="qm2", password="x" * 20, role=roles.QUARTERMASTER, by=staff_actor)
    kiosk, _token = kiosks.register_kiosk(name="Annex", by=staff_actor)
    kiosks.revoke_kiosk(kiosk=kiosk, by=staff_actor, reason="moved")
    assert [e.action for e in events_since(since)] == ["user.create", "kiosk.register", "kiosk.revoke"]


def test_an_admin_edit_of_a_settings_like_model_is_one_event(admin_client):
    dock = Dock.objects.create(name="Dock 3", location="HQ", bays=8)
    url = f"/admin/inventory/dock/{dock.pk}/change/"
    data = _change_form_data(admin_client, url) | {"bays": "10"}
    since = mark()
    assert admin_client.post(url, data).status_code == 302
    [event] = events_since(since)
    assert (event.action, event.actor_label, event.after) == ("dock.admin_edit", "chief", {"bays": 10})


def test_the_actor_outside_a_request_is_system():
    from audit.context import current_actor

    assert current_actor() == Actor.system_process("system")
