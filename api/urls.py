from django.urls import include, path
from rest_framework import routers
from rest_framework.reverse import reverse

from . import views


class APIRootView(routers.APIRootView):
    """
    The Hartford Police Department body-worn camera inventory, for docks, scripts and other systems.

    Read cameras, officers, check-outs and flags; check cameras out and in, and report dock charge
    events. Every write goes through the same rules and audit trail as the console and the kiosks.
    Sign in with a staff account (session) or send `Authorization: Token <key>`; a supervisor may read,
    a quartermaster or administrator may also act.

    The full reference, with every field and a "Try it out" button, is at /api/docs/
    (the OpenAPI 3 schema at /api/schema/).
    """

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # Machine readers get the way to the reference as a link too.
        response.data["docs"] = reverse("api_docs", request=request)
        response.data["schema"] = reverse("schema", request=request)
        return response


class Router(routers.DefaultRouter):
    APIRootView = APIRootView


router = Router()
router.register("cameras", views.CameraViewSet, basename="camera")
router.register("officers", views.OfficerViewSet, basename="officer")
router.register("checkouts", views.CheckoutViewSet, basename="checkout")
router.register("flags", views.FlagViewSet, basename="flag")

app_name = "api"
urlpatterns = [path("", include(router.urls))]
