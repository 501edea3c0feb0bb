"""A person's work on a flag: assign it to a staff user, add a note. The sweep alone raises and resolves."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import roles
from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc import control_characters
from hartford_bwc.errors import DomainError, InvalidInput
from hartford_bwc.timefmt import when

from ..models import Flag, FlagNote

NOTE_MAX_LENGTH = 2000


def staff_who_can_take_flags():
    """The people a flag can be assigned to: active staff users with a console role."""
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(groups__name__in=roles.CAN_READ).distinct().order_by("first_name", "last_name", "username")


def _name(user) -> str:
    return user.get_full_name() or user.username if user is not None else "nobody"


@transaction.atomic
def assign_flag(*, flag: Flag, assignee, by: Actor) -> Flag:
    """Give the open flag to `assignee` (a staff user with a role), or to nobody with None."""
    flag = Flag.objects.select_for_update(of=("self",)).select_related("camera", "assigned_to").get(pk=flag.pk)
    if flag.resolved_at is not None:
        raise DomainError(
            f"This flag was resolved on {when(flag.resolved_at)} ({flag.resolution}); nothing to assign.",
            code="resolved",
        )
    if assignee is not None and not staff_who_can_take_flags().filter(pk=assignee.pk).exists():
        raise InvalidInput(f"{_name(assignee)} is not an active staff user with a role.", code="not_staff")
    if flag.assigned_to_id == (assignee.pk if assignee is not None else None):
        raise DomainError(f"This flag is already assigned to {_name(assignee)}.", code="unchanged")
    before = {"assigned_to": _name(flag.assigned_to)}
    flag.assigned_to = assignee
    flag.assigned_at = timezone.now() if assignee is not None else None
    flag.save(update_fields=["assigned_to", "assigned_at"])
    audit.record(
        by=by,
        action=Action.FLAG_ASSIGN,
        obj=flag,
        camera=flag.camera,
        before=before,
        after={"assigned_to": _name(assignee), "kind": flag.kind},
    )
    return flag


@transaction.atomic
def add_flag_note(*, flag: Flag, text: str, by: Actor) -> FlagNote:
    """Append a note to the flag (open or resolved: a note can explain afterwards what happened)."""
    text = control_characters.strip(text or "").strip()
    if not text:
        raise InvalidInput("Write the note first.", code="empty_note")
    if len(text) > NOTE_MAX_LENGTH:
        raise InvalidInput(f"A note has at most {NOTE_MAX_LENGTH} characters.", code="note_too_long")
    flag = Flag.objects.select_for_update(of=("self",)).select_related("camera").get(pk=flag.pk)
    note = FlagNote.objects.create(flag=flag, author=by.staff_user, text=text)
    audit.record(by=by, action=Action.FLAG_NOTE, obj=flag, camera=flag.camera, after={"note": text, "kind": flag.kind})
    return note
