"""The kiosk at /kiosk/ (docs/contract.md)."""

from django.urls import path

from .views import officer as views

app_name = "kiosk"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("pin-letter/", views.pin_letter, name="pin_letter"),
    path("pin-letter/choose-pin/", views.choose_pin, name="choose_pin"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("check-out/", views.check_out, name="check_out"),
    path("done/", views.done, name="done"),
    path("return/", views.return_camera, name="return"),
    path("enroll/<str:token>/", views.enroll, name="enroll"),
]
