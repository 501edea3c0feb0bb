"""Keeps the current request where audit.signals can find who is acting."""

from __future__ import annotations

from .context import current_request


class CurrentRequestMiddleware:
    """Holds the request in a context variable while it is handled; after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
