"""Request hygiene that every view relies on."""

from __future__ import annotations

import time
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponseBadRequest


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
