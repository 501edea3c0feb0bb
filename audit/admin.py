from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
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
