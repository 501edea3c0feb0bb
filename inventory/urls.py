from django.urls import path

app_name = "inventory"
urlpatterns: list = []

# --- Flags (issue 5, the flag sweep): keep this block together ----------------------------------
from inventory.flags import views as flag_views  # noqa: E402

urlpatterns += [
    path("flags/", flag_views.flag_list, name="flags"),
    path("flags/<int:pk>/acknowledge/", flag_views.flag_acknowledge, name="flag_acknowledge"),
]
# --- end of flags block --------------------------------------------------------------------------
