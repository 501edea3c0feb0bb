"""Request hygiene that every view relies on."""

from __future__ import annotations

from urllib.parse import unquote

from django.http import HttpResponseBadRequest, JsonResponse


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
                # The API answers in JSON, errors included (its schema documents this 400).
                return JsonResponse({"detail": "Bad request: the address holds a NUL character."}, status=400)
            return HttpResponseBadRequest("Bad request: the address holds a NUL character.", content_type="text/plain")
        return self.get_response(request)
