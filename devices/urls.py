"""URLs of signal devices and vehicles, under /inventory/ beside the cameras (docs/contract.md)."""

from django.urls import path

from . import label_views, record_views
from .views import camera, device_page, lists, vehicle_page

app_name = "devices"

urlpatterns = [
    # Before devices/<asset_tag>/: "new" and "labels" are not asset tags (upper case: devices.forms.DeviceForm).
    path("devices/", lists.DeviceListView.as_view(), name="device_list"),
    path("devices/new/", record_views.device_create, name="device_create"),
    path("devices/labels/", label_views.device_labels, name="device_labels"),
    path("devices/<str:asset_tag>/", device_page.device_detail, name="device_detail"),
    path("devices/<str:asset_tag>/edit/", record_views.device_edit, name="device_edit"),
    *(
        path(
            f"devices/<str:asset_tag>/{slug}/",
            device_page.device_action,
            {"action": slug},
            name=device_page.url_name(slug),
        )
        for slug in device_page.ACTIONS
    ),
    path("vehicles/", lists.VehicleListView.as_view(), name="vehicle_list"),
    path("vehicles/new/", record_views.vehicle_create, name="vehicle_create"),
    path("vehicles/<str:unit_number>/", vehicle_page.vehicle_detail, name="vehicle_detail"),
    path("vehicles/<str:unit_number>/edit/", record_views.vehicle_edit, name="vehicle_edit"),
    *(
        path(
            f"vehicles/<str:unit_number>/{slug}/",
            vehicle_page.vehicle_action,
            {"action": slug},
            name=vehicle_page.url_name(slug),
        )
        for slug in vehicle_page.ACTIONS
    ),
    # The camera page's signal devices (templates/inventory/camera_detail.html).
    path("cameras/<str:asset_tag>/pair-device/", camera.camera_pair, name="camera_pair"),
    path("cameras/<str:asset_tag>/unpair-device/", camera.camera_unpair, name="camera_unpair"),
]
