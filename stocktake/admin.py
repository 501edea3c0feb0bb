"""Stocktakes in the admin: read-only; counting, finishing and fixing what a count found are the console's
(stocktake.services), each step audited."""

from django.contrib import admin

from hartford_bwc.admin import ReadOnlyModelAdmin

from .models import Stocktake, StocktakeLine, VendorExport


@admin.register(Stocktake)
class StocktakeAdmin(ReadOnlyModelAdmin):
    list_display = ("started_at", "place", "dock", "shelf", "vehicle", "started_by", "finished_at")
    list_filter = ("place",)
    list_select_related = ("dock", "shelf", "vehicle", "started_by")


@admin.register(StocktakeLine)
class StocktakeLineAdmin(ReadOnlyModelAdmin):
    list_display = ("stocktake", "code", "camera", "device", "scanned_at", "outcome", "resolved_at")
    list_filter = ("outcome",)
    search_fields = ("code",)
    list_select_related = ("stocktake__dock", "stocktake__shelf", "stocktake__vehicle", "camera", "device")


@admin.register(VendorExport)
class VendorExportAdmin(ReadOnlyModelAdmin):
    """An uploaded vendor export as read (stocktake.vendor_fixes.keep_export, audited); its fixes are the console's."""

    list_display = ("uploaded_at", "filename", "row_count", "uploaded_by")
    list_select_related = ("uploaded_by",)
    search_fields = ("filename",)
