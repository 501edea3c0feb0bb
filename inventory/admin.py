"""Admin for the fleet. State is read-only here: the actions call the services, which audit."""

from django.contrib import admin, messages

from audit.actions import Action
from audit.actor import Actor
from audit.admin import AuditedModelAdmin, RecordFormModelAdmin
from hartford_bwc.admin import AllowListModelAdmin, ReadOnlyModelAdmin
from hartford_bwc.refusals import attempt

from . import services
from .flags import preferences
from .forms import CameraForm
from .models import (
    Camera,
    CameraModel,
    ChargeEvent,
    Dock,
    Flag,
    FlagNote,
    MaintenanceRecord,
    NotificationPreference,
    Shelf,
)


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
class CameraAdmin(RecordFormModelAdmin):
    list_display = ("asset_tag", "serial_number", "model", "status", "pool", "firmware_version", "last_full_charge_at")
    list_filter = ("status", "pool", "model", "purchase_batch")
    search_fields = ("asset_tag", "serial_number")
    list_select_related = ("model",)
    # The console's form and services: an asset tag or serial taken in any case, a purchase date in the
    # future, a control character are refused here as there. Status, pool, dock and bay, charge,
    # inspection, return and loss records belong to the lifecycle's services.
    form = CameraForm
    editable_fields = described = services.CAMERA_DESCRIPTION
    actions = ["send_to_inspection"]

    def create(self, values, *, by):
        [camera] = services.register_cameras(cameras=[values], by=by, action=Action.CAMERA_ADMIN_CREATE)
        return camera

    def update(self, obj, values, *, by):
        services.update_cameras(changes=[(obj, values)], by=by, action=Action.CAMERA_ADMIN_EDIT)

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


@admin.register(FlagNote)
class FlagNoteAdmin(ReadOnlyModelAdmin):
    # Notes are never edited (inventory.flags.services.add_flag_note writes them, from the flag's page).
    list_display = ("created_at", "flag", "author", "text")
    search_fields = ("flag__camera__asset_tag", "text")
    list_select_related = ("flag__camera", "author")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AllowListModelAdmin):
    """A staff user's email choice for one kind of flag. A change is saved by the service the user's own
    settings page calls (inventory.flags.preferences.save_choices), so it is checked and audited there.
    A row is created by that page: no row means the role's default."""

    list_display = ("user", "kind", "delivery")
    list_filter = ("kind", "delivery")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    editable_fields = ("delivery",)

    def save_model(self, request, obj, form, change):
        preferences.save_choices(user=obj.user, choices={obj.kind: obj.delivery}, by=Actor.from_request(request))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
