"""API access follows the console's roles: every role reads, only quartermasters and administrators act.

A write that makes a camera lifecycle transition (a view's `transitions`, action name -> transition)
is allowed to the staff roles the lifecycle names for it (inventory/lifecycle.py).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts import roles
from inventory.lifecycle import CAMERA


class StaffRolePermission(BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return roles.has_role(request.user, roles.CAN_READ)
        transition = getattr(view, "transitions", {}).get(getattr(view, "action", None))
        if transition is not None:
            return CAMERA[transition].by.allows_user(request.user)
        return roles.has_role(request.user, roles.CAN_ACT)
