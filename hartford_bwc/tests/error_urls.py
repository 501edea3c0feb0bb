"""The project's URLs plus one view that fails, for the 500 page's tests."""

from django.urls import path

from hartford_bwc.urls import urlpatterns as project_urlpatterns


def fail(request):
    raise RuntimeError("secret-token-123 in a failing query")


urlpatterns = [path("test-failure/", fail), *project_urlpatterns]
