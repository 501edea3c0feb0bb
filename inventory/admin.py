"""Admin for the fleet. State is read-only here: the actions call the services, which audit."""

from django.contrib import admin, messages

from audit.actor import Actor
from audit.admin import AuditedModelAdmin
from hartford_bwc.refusals import attempt

from . import services
from .models import Camera, CameraModel, ChargeEvent, Dock, Flag, MaintenanceRecord, Shelf


def run_service_per_object(modeladmin, request, queryset, call, done: str) -> None:
    """Call `call(obj, actor)` for each selected row; report successes and each refusal."""
    by = Actor.from_request(request)
    succeeded = 0
    for obj in queryset:
        outcome = attempt(lambda obj=obj: call(obj, by))
        if outcome.refused:
            modeladmin.message_user(request, outcome.refusal.message, messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded}.", messages.SUCCESS)


@admin.register(CameraModel)
class CameraModelAdmin(AuditedModelAdmin):
    list_display = ("maker", "name", "battery_hours", "charge_hours")
    search_fields = ("maker", "name")
    editable_fields = ("maker", "name", "battery_hours", "charge_hours")


@admin.register(Dock)
class DockAdmin(AuditedModelAdmin):
    list_display = ("name", "location", "bays", "is_active")
    search_fields = ("name", "location")
    editable_fields = ("name", "location", "bays", "is_active")


@admin.register(Shelf)
class ShelfAdmin(AuditedModelAdmin):
    list_display = ("name", "location", "is_active")
    search_fields = ("name", "location")
    editable_fields = ("name", "location", "is_active")


@admin.register(Camera)
class CameraAdmin(AuditedModelAdmin):
    list_display = ("asset_tag", "serial_number", "model", "status", "pool", "firmware_version", "last_full_charge_at")
    list_filter = ("status", "pool", "model", "purchase_batch")
    search_fields = ("asset_tag", "serial_number")
    list_select_related = ("model",)
    # Status, pool, dock and bay, charge, inspection, return and loss records belong to the services.
    editable_fields = (
        "asset_tag",
        "serial_number",
        "model",
        "firmware_version",
        "purchase_batch",
        "purchased_on",
        "notes",
    )
    actions = ["send_to_inspection"]

    @admin.action(description="Send selected cameras to inspection")
    def send_to_inspection(self, request, queryset):
        run_service_per_object(
            self,
            request,
            queryset,
            lambda camera, by: services.open_maintenance(
                camera=camera, kind=MaintenanceRecord.Kind.INSPECTION, performed_by="in_house", by=by
            ),
            "Sent to inspection",
        )


@admin.register(ChargeEvent)
class ChargeEventAdmin(AuditedModelAdmin):
    list_display = ("camera", "kind", "dock", "bay", "battery_percent", "recorded_at")
    list_filter = ("kind", "dock")
    search_fields = ("camera__asset_tag",)
    list_select_related = ("camera", "dock")
    date_hierarchy = "recorded_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(MaintenanceRecord)
class MaintenanceRecordAdmin(AuditedModelAdmin):
    list_display = ("camera", "kind", "performed_by", "rma_number", "opened_at", "closed_at", "outcome")
    list_filter = ("kind", "performed_by", "outcome")
    search_fields = ("camera__asset_tag", "rma_number", "problem")
    list_select_related = ("camera",)
    editable_fields = ("problem", "notes")

    def has_add_permission(self, request):
        return False


@admin.register(Flag)
class FlagAdmin(AuditedModelAdmin):
    list_display = ("camera", "kind", "detail", "raised_at", "resolved_at", "acknowledged_at")
    list_filter = ("kind",)
    search_fields = ("camera__asset_tag", "detail")
    list_select_related = ("camera",)
    actions = ["acknowledge"]

    @admin.action(description="Acknowledge selected flags")
    def acknowledge(self, request, queryset):
        run_service_per_object(
            self, request, queryset, lambda flag, by: services.acknowledge_flag(flag=flag, by=by), "Acknowledged"
        )

    def has_add_permission(self, request):
        return False
