"""The console header names one role: the most senior the user holds."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from hartford_bwc.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_superuser_is_shown_as_administrator_only(client):
    admin = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get("/").content.decode()
    assert '<span class="role">Administrator</span>' in html
    assert "Quartermaster" not in html
    assert "Supervisor" not in html


def test_user_in_two_groups_is_shown_with_the_more_senior_role(client):
    user = UserFactory(role=roles.SUPERVISOR)
    user.groups.add(Group.objects.get_or_create(name=roles.QUARTERMASTER)[0])
    client.force_login(user)
    html = client.get("/").content.decode()
    assert '<span class="role">Quartermaster</span>' in html
    assert "Supervisor" not in html


def test_senior_role_of_a_supervisor_and_of_nobody():
    assert roles.senior_role(UserFactory(role=roles.SUPERVISOR)) == roles.SUPERVISOR
    assert roles.senior_role(UserFactory()) == ""
