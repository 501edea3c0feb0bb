"""Stocktakes in the admin: read-only; counting, finishing and fixing what a count found are the console's
(stocktake.services), each step audited."""

from django.contrib import admin

from hartford_bwc.admin import ReadOnlyModelAdmin

from .models import Stocktake, StocktakeLine


@admin.register(Stocktake)
class StocktakeAdmin(ReadOnlyModelAdmin):
    list_display = ("started_at", "place", "dock", "started_by", "finished_at")
    list_filter = ("place",)
    list_select_related = ("dock", "started_by")


@admin.register(StocktakeLine)
class StocktakeLineAdmin(ReadOnlyModelAdmin):
    list_display = ("stocktake", "code", "camera", "scanned_at", "outcome", "resolved_at")
    list_filter = ("outcome",)
    search_fields = ("code",)
    list_select_related = ("stocktake__dock", "camera")
