"""Keeps an enrolled kiosk's browser inside the kiosk.

The officer at a kiosk is never a Django user, so staff pages already refuse them; this makes it
structural: a browser holding a valid kiosk cookie gets 403 from every path outside the kiosk,
even if someone signed in to the console on it before it was enrolled.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from .device import has_device_cookie, kiosk_for_request


class KioskDeviceLockdownMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # The kiosk's own pages (everything under its home), the load balancer's health probe, and the
        # icon browsers ask for by its fixed path whatever the page links to.
        self.allowed = (
            reverse("kiosk:home"),
            reverse("healthz"),
            reverse("favicon"),
            "/" + settings.STATIC_URL.lstrip("/"),
        )

    def __call__(self, request):
        # Only a request carrying the cookie costs a query; everyone else passes untouched.
        if has_device_cookie(request) and not request.path.startswith(self.allowed):
            kiosk = kiosk_for_request(request)
            if kiosk is not None:
                return render(request, "kiosk/device_locked.html", {"kiosk": kiosk}, status=403)
        return self.get_response(request)
