"""Every change to users, groups, memberships, permissions, API tokens, kiosks and settings-like
models is an audit event with before and after, however it is made: the admin, a command, the shell.

Model signals catch all of them (bulk `update()` and `bulk_create()` send none; nothing here uses
them). Code that already writes its own, richer event for a save wraps it in
`audit.context.recorded_by_caller()`.
Secrets are never stored: a changed password or kiosk secret shows as "changed", not its hash.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from rest_framework.authtoken.models import Token, TokenProxy

from assignments.models import Shift, Unit
from inventory.models import CameraModel, Dock
from kiosk.models import Kiosk

from . import services
from .actions import Action
from .context import current_actor, signals_silenced

User = get_user_model()

# model -> (fields shown with before/after, secret fields shown only as "changed")
WATCHED: dict[type[Model], tuple[tuple[str, ...], tuple[str, ...]]] = {
    User: (("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser"), ("password",)),
    Group: (("name",), ()),
    Kiosk: (
        ("name", "location", "enrolled_at", "revoked_at", "revoked_reason", "enrollment_expires_at"),
        ("secret_hash", "enrollment_token_hash"),
    ),
    CameraModel: ((), ()),
    Dock: ((), ()),
    Unit: ((), ()),
    Shift: ((), ()),
}


def _fields(model: type[Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    shown, secret = WATCHED[model]
    if not shown:  # settings-like models: every concrete field
        shown = tuple(f.name for f in model._meta.concrete_fields if not f.primary_key)
    return shown, secret


def _snapshot(model: type[Model], values: Callable[[str], object]) -> dict:
    shown, secret = _fields(model)
    return {name: values(model._meta.get_field(name).attname) for name in (*shown, *secret)}


def _record(instance: Model, verb: str, before: dict, after: dict) -> None:
    # One handler for every watched model: "dock.create", "user.groups_change" (audit.actions).
    services.record(by=current_actor(), action=Action.of(instance, verb), obj=instance, before=before, after=after)


def _split(model: type[Model], snapshot: dict) -> dict:
    _, secret = _fields(model)
    return {name: value for name, value in snapshot.items() if name not in secret}


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_before = None
    if raw or signals_silenced() or instance._state.adding or instance.pk is None:
        return
    shown, secret = _fields(sender)
    if update_fields is not None and not set(update_fields) & {*shown, *secret}:
        return  # e.g. a login's last_login: nothing watched changes
    stored = (
        sender._default_manager.filter(pk=instance.pk)
        .values(*(sender._meta.get_field(n).attname for n in (*shown, *secret)))
        .first()
    )
    if stored is not None:
        instance._audit_before = _snapshot(sender, stored.__getitem__)


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or signals_silenced():
        return
    after_all = _snapshot(sender, lambda attname: getattr(instance, attname))
    _, secret = _fields(sender)
    if created:
        after = _split(sender, after_all)
        after.update({name: "set" for name in secret if after_all[name]})
        _record(instance, "create", {}, after)
        return
    before_all = getattr(instance, "_audit_before", None)
    if before_all is None:
        return
    changed = [
        name
        for name in after_all
        if services._jsonable({"v": before_all[name]}) != services._jsonable({"v": after_all[name]})
    ]
    if not changed:
        return
    before = {name: before_all[name] for name in changed if name not in secret}
    after = {name: after_all[name] for name in changed if name not in secret}
    after.update({name: "changed" for name in changed if name in secret})
    _record(instance, "change", before, after)


def _after_delete(sender, instance, **kwargs):
    if signals_silenced():
        return
    _record(instance, "delete", _split(sender, _snapshot(sender, lambda attname: getattr(instance, attname))), {})


def _token_saved(sender, instance, created, raw=False, **kwargs):
    # A token's primary key is the secret itself: the event is about its user, never names the key.
    if created and not raw and not signals_silenced():
        services.record(
            by=current_actor(), action=Action.USER_TOKEN_CREATE, obj=instance.user, after={"token": "created"}
        )


def _token_deleted(sender, instance, **kwargs):
    if not signals_silenced():
        services.record(
            by=current_actor(), action=Action.USER_TOKEN_DELETE, obj=instance.user, before={"token": "existed"}
        )


def _usernames(qs) -> list[str]:
    return sorted(qs.values_list("username", flat=True))


def _permission_labels(qs) -> list[str]:
    return sorted(f"{app}.{codename}" for app, codename in qs.values_list("content_type__app_label", "codename"))


# (through model, reverse) -> (what changed, the current related set of the instance)
MEMBERSHIPS: dict[tuple[type[Model], bool], tuple[str, Callable[[Model], list[str]]]] = {
    (User.groups.through, False): ("groups", lambda user: sorted(user.groups.values_list("name", flat=True))),
    (User.groups.through, True): ("members", lambda group: _usernames(group.user_set)),
    (User.user_permissions.through, False): ("permissions", lambda user: _permission_labels(user.user_permissions)),
    (User.user_permissions.through, True): ("users", lambda perm: _usernames(perm.user_set)),
    (Group.permissions.through, False): ("permissions", lambda group: _permission_labels(group.permissions)),
    (Group.permissions.through, True): ("groups", lambda perm: sorted(perm.group_set.values_list("name", flat=True))),
}


def _membership_changed(sender, instance, action, reverse, **kwargs):
    if signals_silenced():
        return
    what, current = MEMBERSHIPS[(sender, reverse)]
    if action.startswith("pre_"):
        instance.__dict__.setdefault("_audit_m2m_before", {})[what] = current(instance)
        return
    before = instance.__dict__.get("_audit_m2m_before", {}).pop(what, None)
    after = current(instance)
    if before is None or before == after:
        return
    _record(instance, f"{what}_change", {what: before}, {what: after})


def _connect() -> None:
    for model in WATCHED:
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"audit_pre_save_{model._meta.label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"audit_post_save_{model._meta.label}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"audit_post_delete_{model._meta.label}")
    for model in (Token, TokenProxy):  # the admin's token page saves through the proxy
        post_save.connect(_token_saved, sender=model, dispatch_uid=f"audit_token_saved_{model._meta.label}")
        post_delete.connect(_token_deleted, sender=model, dispatch_uid=f"audit_token_deleted_{model._meta.label}")
    for through in {through for through, _ in MEMBERSHIPS}:
        m2m_changed.connect(_membership_changed, sender=through, dispatch_uid=f"audit_m2m_{through._meta.label}")


_connect()
