"""The project's URLs; each app owns its own under its prefix."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.passwords import GuardedPasswordChangeView
from inventory.flags.notification_views import notification_settings
from inventory.views.dashboard import dashboard

from .health import healthz


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico where a page names no icon (the API's JSON, a PDF): the console's
    own, named at the request (with DEBUG off its name carries the collected file's hash)."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("img/favicon.svg")


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("admin/", admin.site.urls),
    # Only the account pages staff use. Not Django's whole auth.urls: its password reset would let anyone
    # send reset emails to any address, without limit; an administrator resets a password in the admin.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The current password is checked under the sign-in lock-out (accounts.passwords).
    path("accounts/password_change/", GuardedPasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    # Each staff user's choice of flag emails (issue 14), linked from the user menu.
    path("accounts/notifications/", notification_settings, name="notification_settings"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    # Before inventory/: the stocktake is its own app under the inventory's address (docs/contract.md).
    path("inventory/stocktake/", include("stocktake.urls")),
    # Signal devices and vehicles live under the inventory's address too (docs/contract.md).
    path("inventory/", include("devices.urls")),
    path("inventory/", include("inventory.urls")),
    path("assignments/", include("assignments.urls")),
    path("kiosk/", include("kiosk.urls")),
    path("kiosks/", include("kiosk.staff_urls")),
    path("reports/", include("reports.urls")),
    path("imports/", include("imports.urls")),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Staff only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); a browser that is not signed in is sent to sign in.
    path("api/docs/", login_required(SpectacularSwaggerView.as_view(url_name="schema")), name="api_docs"),
]

# Under /api/ even Django's own 400 and 404 answer in JSON, as the API's schema documents.
handler400 = "api.views.bad_request"
handler404 = "api.views.not_found"
