from django.contrib import admin

from .models import BadgeLockout, Kiosk


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    # Registration, enrollment and revocation go through the console (/kiosks/) so they are audited.
    list_display = ("name", "location", "state", "enrolled_at", "revoked_at")
    search_fields = ("name", "location")
    readonly_fields = ("name", "created_at", "enrolled_at", "revoked_at", "revoked_reason")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BadgeLockout)
class BadgeLockoutAdmin(admin.ModelAdmin):
    list_display = ("badge", "failures", "last_failure_at", "locked_until")
    search_fields = ("badge",)
    readonly_fields = ("badge", "failures", "last_failure_at", "locked_until")

    def has_add_permission(self, request):
        return False
