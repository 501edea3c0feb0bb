"""Kiosks and PIN lock-outs in the admin: read-mostly; the console (/kiosks/) changes their state."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin
from hartford_bwc.admin import ReadOnlyModelAdmin

from .models import BadgeLockout, Kiosk, KioskAlert, KioskLockout, KioskReturn, OfficerEnrollmentCode, PreshiftSwap


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


@admin.register(KioskLockout)
class KioskLockoutAdmin(ReadOnlyModelAdmin):
    list_display = ("kiosk", "failures", "window_started_at", "locked_until")
    list_select_related = ("kiosk",)


@admin.register(KioskAlert)
class KioskAlertAdmin(ReadOnlyModelAdmin):
    list_display = ("raised_at", "kind", "kiosk", "officer", "detail", "officer_told_at", "acknowledged_at")
    list_filter = ("kind",)
    list_select_related = ("kiosk", "officer")


@admin.register(KioskReturn)
class KioskReturnAdmin(ReadOnlyModelAdmin):
    list_display = ("returned_at", "kiosk", "checkout", "entry_method", "holder_signed_in")
    list_filter = ("entry_method", "holder_signed_in")
    list_select_related = ("kiosk", "checkout")


@admin.register(PreshiftSwap)
class PreshiftSwapAdmin(ReadOnlyModelAdmin):
    list_display = ("swapped_at", "kiosk", "returned", "replacement")
    list_select_related = ("kiosk", "returned", "replacement")


@admin.register(OfficerEnrollmentCode)
class OfficerEnrollmentCodeAdmin(ReadOnlyModelAdmin):
    # PIN letters are printed, and their codes revoked, from the console (kiosk.pin_letters); the code's
    # HMAC is not editable and so never shown here.
    list_display = ("officer", "issued_at", "issued_by", "expires_at", "used_at", "used_kiosk", "revoked_at")
    search_fields = ("officer__badge_number", "officer__last_name")
    list_select_related = ("officer", "issued_by", "used_kiosk")
