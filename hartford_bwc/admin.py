"""The base class of every admin in this project: an allow-list of the fields a person may edit.

The services own the state (status, pool, holder, dock and bay, flags, checkouts, audit events): a
change there must go through them, with its rules and its audit event. A deny-list of read-only fields
left every new model field editable by default; here a field is read-only unless an admin names it.
`hartford_bwc.checks` refuses to start when an admin of ours does not use this class.
"""

from __future__ import annotations

from django.contrib import admin


class AllowListModelAdmin(admin.ModelAdmin):
    #: Fields a person may set here; every other model field is shown read-only (or not at all).
    editable_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        allowed = set(self.editable_fields)
        hidden = set(self.get_exclude(request, obj) or ())
        locked = [name for name in model_form_fields(self.model) if name not in allowed and name not in hidden]
        return tuple(dict.fromkeys([*super().get_readonly_fields(request, obj), *locked]))


def model_form_fields(model) -> list[str]:
    """The fields a ModelForm would offer for this model (editable, concrete or many-to-many, not the key)."""
    return [
        field.name
        for field in model._meta.get_fields()
        if (field.concrete or field.many_to_many)
        and getattr(field, "editable", False)
        and not field.auto_created
        and not getattr(field, "primary_key", False)
    ]


class ReadOnlyModelAdmin(AllowListModelAdmin):
    """Rows the services write and nobody edits (lock-outs, alerts, return records): shown, never changed.

    Nothing is added, changed or deleted here; each of these changes is a service's, with its audit event.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
