"""Serialize staff sign-in POSTs (the login pages, and the password change pages, which check the
current password) and refuse a locked address."""

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
        self._paths: tuple[frozenset[str], frozenset[str]] | None = None

    def _guarded_paths(self) -> tuple[frozenset[str], frozenset[str]]:
        """The sign-in pages, and the pages where a signed-in user types their current password."""
        if self._paths is None:
            self._paths = (
                frozenset({reverse("login"), reverse("admin:login")}),
                frozenset({reverse("password_change"), reverse("admin:password_change")}),
            )
        return self._paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        login_paths, password_paths = self._guarded_paths()
        if request.path_info in login_paths:
            username = str(request.POST.get("username", ""))[:150]
        elif request.path_info in password_paths and request.user.is_authenticated:
            username = request.user.get_username()
        else:
            return self.get_response(request)
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
