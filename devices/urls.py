"""URLs under /inventory/: signal devices and vehicles."""

from django.urls import path

from . import label_views, placeholder_views, record_views

app_name = "devices"

urlpatterns = [
    # Before devices/<asset_tag>/: "new" and "labels" are not asset tags (upper case: devices.forms.DeviceForm).
    path("devices/new/", record_views.device_create, name="device_create"),
    path("devices/labels/", label_views.device_labels, name="device_labels"),
    path("devices/<str:asset_tag>/edit/", record_views.device_edit, name="device_edit"),
    path("vehicles/new/", record_views.vehicle_create, name="vehicle_create"),
    path("vehicles/<str:unit_number>/edit/", record_views.vehicle_edit, name="vehicle_edit"),
    # --- devcore's lists and pages; stand-ins until the branches are merged ---
    path("devices/", placeholder_views.placeholder, name="device_list"),
    path("devices/<str:asset_tag>/", placeholder_views.placeholder, name="device_detail"),
    path("vehicles/", placeholder_views.placeholder, name="vehicle_list"),
    path("vehicles/<str:unit_number>/", placeholder_views.placeholder, name="vehicle_detail"),
]
