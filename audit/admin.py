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
