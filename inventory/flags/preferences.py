"""Who is emailed about which kind of flag, and when: each staff user's choice per kind.

A user who never chose gets their role's default, `default_delivery`: quartermasters the shift digest
of every kind (what the digest always did), everyone else nothing. The new-flag emails
(inventory.flags.notify) and the shift digest read the choices through `staff_choices`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch

from accounts import roles
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc.errors import InvalidInput

from ..models import Flag, NotificationPreference

Delivery = NotificationPreference.Delivery


def default_delivery(held_roles: set[str]) -> str:
    return Delivery.DIGEST if roles.QUARTERMASTER in held_roles else Delivery.NEVER


@dataclass(frozen=True)
class StaffChoices:
    user: object
    choices: dict[str, str]  # every kind -> delivery

    def kinds(self, delivery: str) -> frozenset[str]:
        return frozenset(kind for kind, chosen in self.choices.items() if chosen == delivery)


def _choices(user, held_roles: set[str], rows) -> dict[str, str]:
    choices = dict.fromkeys(Flag.Kind.values, default_delivery(held_roles))
    choices.update({row.kind: row.delivery for row in rows})
    return choices


def choices_of(user) -> dict[str, str]:
    """The user's delivery for every kind (their choices, else their role's default)."""
    rows = NotificationPreference.objects.filter(user=user)
    return _choices(user, roles.roles_of(user), rows)


def staff_choices() -> list[StaffChoices]:
    """Every active staff user with a role and an email address, with their choices (three queries)."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles.ALL_ROLES)
        .exclude(email="")
        .distinct()
        .order_by("email")
        .prefetch_related("groups", Prefetch("flag_notification_preferences", to_attr="notification_rows"))
    )
    result = []
    for user in users:
        held = set(roles.ALL_ROLES) if user.is_superuser else {group.name for group in user.groups.all()}
        result.append(StaffChoices(user, _choices(user, held, user.notification_rows)))
    return result


@transaction.atomic
def save_choices(*, user, choices: dict[str, str], by: Actor) -> dict[str, tuple[str, str]]:
    """Store the user's delivery per kind; returns what changed (kind -> (before, after)), audited."""
    unknown = set(choices) - set(Flag.Kind.values)
    bad = {value for value in choices.values() if value not in Delivery.values}
    if unknown or bad:
        raise InvalidInput("Choose immediately, in the shift digest or never for each kind of flag.", code="bad_choice")
    rows = {row.kind: row for row in NotificationPreference.objects.select_for_update().filter(user=user)}
    before = _choices(user, roles.roles_of(user), rows.values())
    changed = {kind: (before[kind], value) for kind, value in choices.items() if before[kind] != value}
    for kind, (_, value) in changed.items():
        if kind in rows:
            rows[kind].delivery = value
            rows[kind].save(update_fields=["delivery"])
        else:
            NotificationPreference.objects.create(user=user, kind=kind, delivery=value)
    if changed:
        audit.record(
            by=by,
            action=Action.USER_NOTIFICATIONS_CHANGE,
            obj=user,
            before={kind: old for kind, (old, _) in changed.items()},
            after={kind: new for kind, (_, new) in changed.items()},
        )
    return changed
