"""Creating staff users: one role each, refusals a person can act on, an audit event."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth import get_user_model

from accounts import roles
from accounts.services import create_staff_user
from audit.models import AuditEvent
from hartford_bwc.errors import DomainError

pytestmark = pytest.mark.django_db


def test_a_quartermaster_is_created_in_that_group_and_audited(system_actor):
    user = create_staff_user(username="qm2", password="long-enough-pass", role=roles.QUARTERMASTER, by=system_actor)
    assert list(user.groups.values_list("name", flat=True)) == [roles.QUARTERMASTER]
    assert not user.is_superuser
    assert AuditEvent.objects.get(action="user.create").after == {"username": "qm2", "role": roles.QUARTERMASTER}


def test_an_unknown_role_is_refused(system_actor):
    with pytest.raises(DomainError, match="Unknown role 'Chief'"):
        create_staff_user(username="x", password="long-enough-pass", role="Chief", by=system_actor)


def test_a_username_taken_by_a_concurrent_request_is_a_readable_refusal(system_actor):
    create_staff_user(username="dup", password="long-enough-pass", role=roles.SUPERVISOR, by=system_actor)
    # The race: the existence check sees nothing, the insert then hits the unique index.
    User = get_user_model()
    with mock.patch.object(User.objects, "filter") as filter_:
        filter_.return_value.exists.return_value = False
        with pytest.raises(DomainError, match="A user named dup already exists."):
            create_staff_user(username="dup", password="long-enough-pass", role=roles.SUPERVISOR, by=system_actor)
    assert User.objects.filter(username="dup").count() == 1
