"""URLs under /inventory/."""

from django.urls import path

from .flags import views as flag_views
from .views import actions, attachments, bulk, cameras, labels, records

app_name = "inventory"

# --- cameras: the list, bulk actions, the camera page and one URL per action --------------------
urlpatterns = [
    path("cameras/", cameras.CameraListView.as_view(), name="camera_list"),
    # Before cameras/<asset_tag>/...: "bulk" and "new" are not asset tags (upper case: inventory.forms.CameraForm).
    *(
        path(f"cameras/bulk/{slug}/", bulk.camera_bulk, {"action": slug}, name=bulk.url_name(slug))
        for slug in bulk.FORMS
    ),
    path("cameras/new/", records.camera_add, name="camera_add"),
    path("cameras/<str:asset_tag>/", cameras.camera_detail, name="camera_detail"),
    path("cameras/<str:asset_tag>/edit/", records.camera_edit, name="camera_edit"),
    path("cameras/<str:asset_tag>/attach/", attachments.camera_attach, name="camera_attach"),
    path("attachments/<int:pk>/", attachments.attachment_file, name="attachment_file"),
    *(
        path(f"cameras/<str:asset_tag>/{slug}/", actions.camera_action, {"action": slug}, name=actions.url_name(slug))
        for slug in actions.ACTIONS
    ),
    # --- printable asset labels (inventory/views/labels.py) ---
    path("labels/", labels.camera_labels, name="labels"),
    # --- flags raised by the sweep (inventory/flags/) ---
    path("flags/", flag_views.flag_list, name="flags"),
    path("flags/<int:pk>/", flag_views.flag_detail, name="flag_detail"),
    path("flags/<int:pk>/acknowledge/", flag_views.flag_acknowledge, name="flag_acknowledge"),
    path("flags/<int:pk>/assign/", flag_views.flag_assign, name="flag_assign"),
    path("flags/<int:pk>/notes/", flag_views.flag_note, name="flag_note"),
]
