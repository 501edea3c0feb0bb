"""Locked staff sign-in addresses in the admin: read-only (written by accounts.login_guard, audited)."""

from django.contrib import admin

from .models import AddressLoginLockout


@admin.register(AddressLoginLockout)
class AddressLoginLockoutAdmin(admin.ModelAdmin):
    list_display = ("address", "failures", "window_started_at", "locked_until")
    search_fields = ("address",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
