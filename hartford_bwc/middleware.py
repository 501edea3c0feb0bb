"""Request hygiene that every view relies on."""

from __future__ import annotations

import time
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from api.exception_handlers import problem_response

from . import control_characters


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
            if request.path.startswith("/api/"):
                # The API answers every error as a problem (its schema documents this 400).
                return problem_response(
                    status_code=400, detail="Bad request: the address holds a NUL character.", code="bad_request"
                )
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


class SlidingSessionRefreshMiddleware:
    """Pushes a signed-in session's expiry forward at most every SESSION_REFRESH_SECONDS.

    The idle lock (SESSION_COOKIE_AGE after the last request) used to be kept by saving the session on
    every request (SESSION_SAVE_EVERY_REQUEST): three queries and a write on each page view. Saving
    only when the last refresh is older than SESSION_REFRESH_SECONDS keeps the lock within that many
    seconds of the idle limit, without a write per request. Placed after SessionMiddleware.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.modified and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                # Setting the key marks the session modified: SessionMiddleware saves it on the way out.
                session[self.KEY] = now
        return response


class StripControlCharactersMiddleware:
    """Form fields and query-string values arrive without control characters (except tab and line
    breaks), so every form, the kiosk and every filter sees clean text and none can crash on it.

    The API (its serializers refuse what they cannot take, with a 400), uploaded files (the imports
    check their content) and the stocktake's pages are left as they came: a scan holding control
    characters is a misread the stocktake refuses (stocktake.services.clean_code), never a different
    code counted after cleaning.
    """

    EXEMPT_PREFIXES = ("/api/",)

    def __init__(self, get_response):
        self.get_response = get_response
        # Multipart bodies are parsed here only outside the upload pages: an upload view may still want
        # to choose its upload handlers, which must happen before the body is read.
        self.upload_prefixes = (reverse("imports:index"),)
        self.exempt_prefixes = (*self.EXEMPT_PREFIXES, reverse("stocktake:list"))

    def __call__(self, request):
        if not request.path.startswith(self.exempt_prefixes):
            if _has_controls(request.META.get("QUERY_STRING", "")):
                request.GET = _cleaned(request.GET)
            if request.method == "POST" and (
                request.content_type == "application/x-www-form-urlencoded"
                or (request.content_type == "multipart/form-data" and not request.path.startswith(self.upload_prefixes))
            ):
                # Reading POST here is what CsrfViewMiddleware does next anyway; a body over
                # DATA_UPLOAD_MAX_MEMORY_SIZE raises RequestDataTooBig, answered 400 by Django.
                request.POST = _cleaned(request.POST)
        return self.get_response(request)


def _has_controls(text: str) -> bool:
    # Encoded or not: %01 and a raw \x01 are both control characters once decoded.
    return "%" in text or control_characters.has_any_but_whitespace(text)


def _cleaned(data):
    values = (value for key in data for value in data.getlist(key))
    if not any(control_characters.has_any_but_whitespace(value) for value in values):
        return data
    cleaned = data.copy()  # a mutable QueryDict
    for key in list(cleaned):
        cleaned.setlist(key, [control_characters.strip(value) for value in cleaned.getlist(key)])
    cleaned._mutable = False
    return cleaned
