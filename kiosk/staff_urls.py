"""The kiosk console at /kiosks/: quartermasters register, re-link and revoke kiosks."""

from django.urls import path

from .views import staff as staff_views

# Not "kiosks": one letter from the device's own namespace "kiosk" (kiosk/urls.py).
app_name = "kiosk_console"
urlpatterns = [
    path("", staff_views.kiosk_list, name="list"),
    path("register/", staff_views.register, name="register"),
    path("<int:pk>/link/", staff_views.new_link, name="link"),
    path("<int:pk>/revoke/", staff_views.revoke, name="revoke"),
    path("alerts/", staff_views.alert_list, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", staff_views.acknowledge_alert, name="alert_acknowledge"),
]
