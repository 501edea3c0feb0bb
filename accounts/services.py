"""Creating staff users with a role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from audit.context import recorded_by_caller
from hartford_bwc.errors import DomainError, InvalidInput

from .roles import ADMINISTRATOR, ALL_ROLES


@transaction.atomic
def create_staff_user(*, username: str, password: str, role: str, by: Actor, email: str = "", **names: str):
    """Create a console user holding one role; administrators are also Django superusers."""
    if role not in ALL_ROLES:
        raise InvalidInput(f"Unknown role {role!r}; choose one of {', '.join(ALL_ROLES)}.")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise DomainError(f"A user named {username} already exists.")
    # This service writes one user.create event with the role; the model signals stay silent.
    with recorded_by_caller():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=username,
                    password=password,
                    email=email,
                    is_staff=role == ADMINISTRATOR,
                    is_superuser=role == ADMINISTRATOR,
                    **names,
                )
        except IntegrityError:
            # Another request created the same username between the check above and this insert.
            raise DomainError(f"A user named {username} already exists.") from None
        user.groups.add(Group.objects.get(name=role))
    audit.record(by=by, action=Action.USER_CREATE, obj=user, after={"username": username, "role": role})
    return user
