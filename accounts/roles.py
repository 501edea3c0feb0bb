"""The three staff roles, as Django groups, and the checks views make against them."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

QUARTERMASTER = "Quartermaster"
SUPERVISOR = "Supervisor"
ADMINISTRATOR = "Administrator"
ALL_ROLES = (QUARTERMASTER, SUPERVISOR, ADMINISTRATOR)

# Who may do what. Administrators can do everything a quartermaster can.
CAN_READ = ALL_ROLES
CAN_ACT = (QUARTERMASTER, ADMINISTRATOR)
CAN_ACKNOWLEDGE_FLAGS = ALL_ROLES
# A quartermaster hands a flag to a person; anyone who reads flags may add a note to one.
CAN_ASSIGN_FLAGS = CAN_ACT
CAN_NOTE_FLAGS = ALL_ROLES
CAN_ADMINISTER = (ADMINISTRATOR,)
# The kiosk's lock-out tells the officer to see a supervisor or the quartermaster (kiosk.services).
CAN_UNLOCK_BADGES = (QUARTERMASTER, SUPERVISOR, ADMINISTRATOR)

# Most senior first, by what each may do: the header names only the first one a user holds.
BY_SENIORITY = (ADMINISTRATOR, QUARTERMASTER, SUPERVISOR)


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(ALL_ROLES)
    cached = getattr(user, "_bwc_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._bwc_roles = cached
    return cached


def senior_role(user) -> str:
    """The single most senior role `user` holds ("" for none): a superuser is an Administrator."""
    held = roles_of(user)
    return next((role for role in BY_SENIORITY if role in held), "")


def has_role(user, allowed: tuple[str, ...]) -> bool:
    return bool(roles_of(user) & set(allowed))


def role_required(allowed: tuple[str, ...]):
    """Login required, then 403 unless the user holds one of `allowed`."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, allowed):
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
