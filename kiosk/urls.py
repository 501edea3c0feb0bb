"""The kiosk at /kiosk/ (docs/contract.md)."""

from django.urls import path

from .views import officer as views
from .views import stocktake

app_name = "kiosk"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("pin-letter/", views.pin_letter, name="pin_letter"),
    path("pin-letter/choose-pin/", views.choose_pin, name="choose_pin"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("check-out/", views.check_out, name="check_out"),
    path("done/", views.done, name="done"),
    path("my-equipment/", views.my_equipment, name="my_equipment"),
    path("return/", views.return_camera, name="return"),
    path("enroll/<str:token>/", views.enroll, name="enroll"),
    path("stocktake/", stocktake.choose, name="stocktake"),
    path("stocktake/<int:pk>/", stocktake.count, name="stocktake_count"),
    path("stocktake/<int:pk>/scan/", stocktake.scan, name="stocktake_scan"),
    path("stocktake/<int:pk>/finish/", stocktake.finish, name="stocktake_finish"),
]
