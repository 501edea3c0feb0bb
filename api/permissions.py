"""API access follows the console's roles: every role reads, only quartermasters and administrators act."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts import roles


class StaffRolePermission(BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        allowed = roles.CAN_READ if request.method in SAFE_METHODS else roles.CAN_ACT
        return roles.has_role(request.user, allowed)
