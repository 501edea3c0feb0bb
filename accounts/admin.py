"""Locked staff sign-in addresses in the admin: read-only (written by accounts.login_guard, audited)."""

from django.contrib import admin

from hartford_bwc.admin import ReadOnlyModelAdmin

from .models import AddressLoginLockout


@admin.register(AddressLoginLockout)
class AddressLoginLockoutAdmin(ReadOnlyModelAdmin):
    list_display = ("address", "failures", "window_started_at", "locked_until")
    search_fields = ("address",)
