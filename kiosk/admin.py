"""Kiosks and PIN lock-outs in the admin: read-mostly; the console (/kiosks/) changes their state."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin

from .models import BadgeLockout, Kiosk


@admin.register(Kiosk)
class KioskAdmin(AuditedModelAdmin):
    # Registration, enrollment and revocation go through the console (/kiosks/) so they are audited.
    list_display = ("name", "location", "state", "enrolled_at", "revoked_at")
    search_fields = ("name", "location")
    editable_fields = ("location",)

    def has_add_permission(self, request):
        return False


@admin.register(BadgeLockout)
class BadgeLockoutAdmin(AuditedModelAdmin):
    list_display = ("badge", "failures", "last_failure_at", "locked_until")
    search_fields = ("badge",)

    def has_add_permission(self, request):
        return False
