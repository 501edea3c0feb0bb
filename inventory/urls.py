from django.urls import path  # noqa: F401

app_name = "inventory"
urlpatterns: list = []

# --- Labels (printable asset labels; inventory/label_views.py) -----------------------------------
from django.urls import path as _labels_path  # noqa: E402

from . import label_views  # noqa: E402

urlpatterns += [
    _labels_path("labels/", label_views.camera_labels, name="labels"),
]
