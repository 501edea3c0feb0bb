"""Serialize staff sign-in POSTs (the login page and the admin's) and refuse a locked address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from hartford_bwc.client_address import client_address
from hartford_bwc.timefmt import when

from . import login_guard


class StaffLoginGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._paths: frozenset[str] | None = None

    def _login_paths(self) -> frozenset[str]:
        if self._paths is None:
            self._paths = frozenset({reverse("login"), reverse("admin:login")})
        return self._paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path_info not in self._login_paths():
            return self.get_response(request)
        username = str(request.POST.get("username", ""))[:150]
        with login_guard.guarded_attempt(username=username, address=client_address(request)) as row:
            if row is not None and row.is_locked(timezone.now()):
                return render(
                    request,
                    "registration/address_locked.html",
                    {"until": when(row.locked_until)},
                    status=429,
                )
            setattr(request, login_guard.GUARD, row)
            try:
                return self.get_response(request)
            finally:
                delattr(request, login_guard.GUARD)
