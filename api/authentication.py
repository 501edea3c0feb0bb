"""API token authentication under the per-address sign-in limit."""

from __future__ import annotations

from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

from accounts import login_guard
from hartford_bwc.client_address import client_address


class GuardedTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token <key>`, where a wrong key counts as a failed sign-in from its address.

    A key is 160 random bits, so guessing one is hopeless; but without a count nothing stopped, or
    told anyone of, a client trying keys at full speed. Wrong keys add to the address's failed sign-ins
    (STAFF_LOGIN_FAILURES_PER_ADDRESS, audited when it locks), and a locked address is refused before
    its key is looked up. A request without a token header is not a guess and is not counted.
    """

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        address = client_address(request)
        if login_guard.address_is_locked(address):
            raise Throttled(detail="Too many failed sign-ins or invalid API tokens from this address. Try again later.")
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            login_guard.count_address_failure(address=address)
            raise
