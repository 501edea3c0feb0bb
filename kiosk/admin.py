from django.contrib import admin

from .models import Kiosk


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ("name", "location", "enrolled_at", "revoked_at")
    search_fields = ("name", "location")
    readonly_fields = ("enrolled_at", "revoked_at")
