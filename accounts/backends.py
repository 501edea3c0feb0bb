"""The staff sign-in lock-out (django-axes) as an authentication backend."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class StaffLockoutBackend(AxesStandaloneBackend):
    """django-axes' check, skipped when there is no request.

    Every sign-in over HTTP (the login page, the admin) passes the request, so it is checked and
    counted. `authenticate()` without a request only comes from code on the server (the test
    client's `login()`, a shell), where axes would raise instead of authenticating.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
