"""Request hygiene that every view relies on."""

from __future__ import annotations

from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import add_never_cache_headers


class RejectNulBytesMiddleware:
    """A NUL byte in the path or the query string is answered 400 before any view runs.

    No asset tag, badge or filter value holds one, and PostgreSQL refuses it in a text parameter
    (DataError, a 500), so a view that looks a URL value up unvalidated would crash on it. Form
    fields already refuse NUL in POST data (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest("Bad request: the address holds a NUL character.", content_type="text/plain")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; no caching of anything that shows a signed-in person's data.

    Every page a staff user sees, every API answer and every kiosk page holds names, badges and custody
    records: a shared station browser's back button or a proxy must not replay them after sign-out.
    """

    NO_STORE_NAMESPACES = frozenset({"api", "kiosk"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        if self._holds_private_data(request):
            add_never_cache_headers(response)
        return response

    def _holds_private_data(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        # API answers to a token (DRF authenticates inside the view, but sets request.user for us too)
        # and kiosk pages, whose officer is signed in to the kiosk's session, not as a Django user.
        match = request.resolver_match
        return bool(match and self.NO_STORE_NAMESPACES.intersection(match.namespaces))
