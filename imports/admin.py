"""Uploads are a record of who imported what: visible in the admin, never edited there."""

from django.contrib import admin

from hartford_bwc.admin import AllowListModelAdmin

from .models import ImportUpload


@admin.register(ImportUpload)
class ImportUploadAdmin(AllowListModelAdmin):
    list_display = ("uploaded_at", "kind", "filename", "status", "uploaded_by", "created_count", "updated_count")
    list_filter = ("kind", "status")
    search_fields = ("filename", "checksum")
    list_select_related = ("uploaded_by",)
    exclude = ("rows",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
