"""URLs under /inventory/."""

from django.urls import path

from . import label_views
from .flags import views as flag_views
from .views import actions, cameras, records

app_name = "inventory"

# --- cameras: the list, bulk actions, the camera page and one URL per action --------------------
urlpatterns = [
    path("cameras/", cameras.CameraListView.as_view(), name="camera_list"),
    path("cameras/send-to-inspection/", cameras.send_to_inspection, name="camera_send_to_inspection"),
    # Before <asset_tag>/; an asset tag is upper case (inventory.forms.CameraForm), so never "new".
    path("cameras/new/", records.camera_add, name="camera_add"),
    path("cameras/<str:asset_tag>/", cameras.camera_detail, name="camera_detail"),
    path("cameras/<str:asset_tag>/edit/", records.camera_edit, name="camera_edit"),
    *(
        path(f"cameras/<str:asset_tag>/{slug}/", actions.camera_action, {"action": slug}, name=actions.url_name(slug))
        for slug in actions.ACTIONS
    ),
    # --- printable asset labels (inventory/label_views.py) ---
    path("labels/", label_views.camera_labels, name="labels"),
    # --- flags raised by the sweep (inventory/flags/) ---
    path("flags/", flag_views.flag_list, name="flags"),
    path("flags/<int:pk>/acknowledge/", flag_views.flag_acknowledge, name="flag_acknowledge"),
]
