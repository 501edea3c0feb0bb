"""The audit trail in the admin (read-only), and the base class that audits every other admin edit."""

from django.contrib import admin

from hartford_bwc.admin import AllowListModelAdmin

from .actor import Actor
from .models import AuditEvent
from .services import save_edit


class AuditedModelAdmin(AllowListModelAdmin):
    """Admin edits are saved by `audit.services.save_edit`, so each one is in the trail.

    Only the fields named in `editable_fields` can be edited (AllowListModelAdmin).

    Nothing is deleted here: a record with history keeps it (docs/domain.md), and a mistake is corrected
    by an edit, which is itself audited.
    """

    def save_model(self, request, obj, form, change):
        save_edit(obj=obj, fields=form.changed_data, by=Actor.from_request(request))

    def has_delete_permission(self, request, obj=None):
        return False


class RecordFormModelAdmin(AuditedModelAdmin):
    """An admin whose form is the console's record form (inventory.forms.CameraForm,
    assignments.forms.OfficerForm): the same checks in the same words, whatever the case of a tag or a
    badge; the record is saved by its service (`create`, `update`), with that service's audit event.

    Such a form is never saved itself (hartford_bwc.formfields.RecordFormMixin). `also_saved` are fields
    the admin offers beyond the form's description (an officer's staff account): saved by `save_edit`.
    """

    #: The fields handed to the service: the form's description.
    described: tuple[str, ...] = ()
    also_saved: tuple[str, ...] = ()

    def create(self, values: dict, *, by: Actor):
        raise NotImplementedError

    def update(self, obj, values: dict, *, by: Actor) -> None:
        raise NotImplementedError

    def save_form(self, request, form, change):
        return form.instance  # as it was: the service applies the form's values

    def save_related(self, request, form, formsets, change):
        pass  # no many-to-many fields, no inlines: everything was saved by save_model

    def save_model(self, request, obj, form, change):
        by = Actor.from_request(request)
        values = {name: form.cleaned_data[name] for name in self.described if name in form.cleaned_data}
        if change:
            self.update(obj, values, by=by)
            obj.refresh_from_db()
        else:
            created = self.create(values, by=by)
            for field in created._meta.concrete_fields:
                setattr(obj, field.attname, getattr(created, field.attname))
            obj._state.adding = False
        if extra := [name for name in self.also_saved if name in form.changed_data]:
            for name in extra:
                setattr(obj, name, form.cleaned_data[name])
            save_edit(obj=obj, fields=extra, by=by)


@admin.register(AuditEvent)
class AuditEventAdmin(AllowListModelAdmin):
    list_display = ("occurred_at", "actor_label", "action", "object_repr", "kiosk", "ip")
    list_filter = ("actor_kind", "action")
    search_fields = ("actor_label", "object_repr", "action", "camera__asset_tag", "officer__badge_number")
    date_hierarchy = "occurred_at"
    list_select_related = ("kiosk",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
