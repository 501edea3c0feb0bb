"""What the layout needs to know about the signed-in user's role."""

from . import roles


def staff_roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_act": roles.has_role(user, roles.CAN_ACT),
        "can_administer": roles.has_role(user, roles.CAN_ADMINISTER),
        "user_role": roles.senior_role(user),
    }
