from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("cameras", views.CameraViewSet, basename="camera")
router.register("officers", views.OfficerViewSet, basename="officer")
router.register("checkouts", views.CheckoutViewSet, basename="checkout")
router.register("flags", views.FlagViewSet, basename="flag")

app_name = "api"
urlpatterns = [path("", include(router.urls))]
