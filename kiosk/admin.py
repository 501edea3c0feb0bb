"""Kiosks and PIN lock-outs in the admin: read-mostly; the console (/kiosks/) changes their state."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin

from .models import BadgeLockout, Kiosk, KioskAlert, KioskLockout, KioskReturn, PreshiftSwap


@admin.register(Kiosk)
class KioskAdmin(AuditedModelAdmin):
    # Registration, enrollment and revocation go through the console (/kiosks/) so they are audited.
    list_display = ("name", "location", "state", "enrolled_at", "revoked_at")
    search_fields = ("name", "location")
    readonly_fields = ("name", "created_at", "enrolled_at", "revoked_at", "revoked_reason")

    def has_add_permission(self, request):
        return False


@admin.register(BadgeLockout)
class BadgeLockoutAdmin(AuditedModelAdmin):
    list_display = ("badge", "failures", "last_failure_at", "locked_until")
    search_fields = ("badge",)
    readonly_fields = ("badge", "failures", "last_failure_at", "locked_until")

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Every field read-only, nothing added, changed or deleted: these rows are written by kiosk
    services only (each change audited); alerts are acknowledged in the console at /kiosks/."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KioskLockout)
class KioskLockoutAdmin(ReadOnlyAdmin):
    list_display = ("kiosk", "failures", "window_started_at", "locked_until")
    list_select_related = ("kiosk",)


@admin.register(KioskAlert)
class KioskAlertAdmin(ReadOnlyAdmin):
    list_display = ("raised_at", "kind", "kiosk", "officer", "detail", "officer_told_at", "acknowledged_at")
    list_filter = ("kind",)
    list_select_related = ("kiosk", "officer")


@admin.register(KioskReturn)
class KioskReturnAdmin(ReadOnlyAdmin):
    list_display = ("returned_at", "kiosk", "checkout", "entry_method", "holder_signed_in")
    list_filter = ("entry_method", "holder_signed_in")
    list_select_related = ("kiosk", "checkout")


@admin.register(PreshiftSwap)
class PreshiftSwapAdmin(ReadOnlyAdmin):
    list_display = ("swapped_at", "kiosk", "returned", "replacement")
    list_select_related = ("kiosk", "returned", "replacement")
