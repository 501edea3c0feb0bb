"""Admin for signal devices and vehicles. Status, holder, pairing, battery, firmware and a vehicle's
service status belong to devices.services (audited): read-only here. Edits are audited too."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin
from hartford_bwc.admin import ReadOnlyModelAdmin

from .models import Device, DeviceFlag, DeviceModel, Pairing, Vehicle


@admin.register(DeviceModel)
class DeviceModelAdmin(AuditedModelAdmin):
    list_display = ("maker", "name", "kind", "battery", "battery_life_months", "needs_pairing", "minimum_firmware")
    list_filter = ("kind", "battery", "needs_pairing")
    search_fields = ("maker", "name")
    editable_fields = ("kind", "maker", "name", "battery", "battery_life_months", "needs_pairing", "minimum_firmware")


@admin.register(Vehicle)
class VehicleAdmin(AuditedModelAdmin):
    list_display = ("unit_number", "assigned_unit", "plate", "fleet_number", "in_service")
    list_filter = ("in_service", "assigned_unit")
    search_fields = ("unit_number", "plate", "fleet_number")
    list_select_related = ("assigned_unit",)
    # in_service: take_out_of_service / return_to_service.
    editable_fields = ("unit_number", "assigned_unit", "plate", "fleet_number", "notes")


@admin.register(Device)
class DeviceAdmin(AuditedModelAdmin):
    list_display = ("asset_tag", "serial_number", "model", "status", "officer", "vehicle", "firmware_version")
    list_filter = ("status", "model__kind", "model")
    search_fields = ("asset_tag", "serial_number")
    list_select_related = ("model", "officer", "vehicle")
    # Status, holder, loss, battery and firmware change only through the device's actions.
    editable_fields = (
        "asset_tag",
        "serial_number",
        "model",
        "purchase_batch",
        "purchased_on",
        "supplier",
        "purchase_price",
        "warranty_ends_on",
        "notes",
    )


@admin.register(Pairing)
class PairingAdmin(ReadOnlyModelAdmin):
    list_display = ("device", "camera", "paired_at", "unpaired_at")
    search_fields = ("device__asset_tag", "camera__asset_tag")
    list_select_related = ("device", "camera")


@admin.register(DeviceFlag)
class DeviceFlagAdmin(ReadOnlyModelAdmin):
    list_display = ("kind", "device", "vehicle", "raised_at", "resolved_at")
    list_filter = ("kind",)
    list_select_related = ("device", "vehicle")
