"""The client's network address, the one place that reads it (audit actors, sign-in limits, django-axes).

Behind reverse proxies REMOTE_ADDR is the nearest proxy's, the same for every user, so a per-address
limit would lock out the whole department after one attacker. Each proxy appends the address it
received the request from to X-Forwarded-For; a client can write anything to the left of those
entries, but not the entries the trusted proxies append. So with TRUSTED_PROXY_COUNT = N the client is
the Nth address from the right, and nothing further left is ever read.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _address(value: str) -> str | None:
    """`value` as a canonical IP address (what a GenericIPAddressField stores), or None."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: Any) -> str | None:
    """The address the request came from, as far as the deployment's trusted proxies vouch for it.

    TRUSTED_PROXY_COUNT = 0 (the default, no proxy): REMOTE_ADDR, and X-Forwarded-For is ignored, since
    the client itself wrote it. N > 0: the Nth address from the right of X-Forwarded-For. A header with
    fewer than N addresses, or with anything but an address in that place, did not come through the N
    proxies as configured: REMOTE_ADDR then, never a value the client chose.
    """
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    # Repeated headers reach WSGI joined by commas, in the order the proxies added them.
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = header.split(",") if header.strip() else []
    if len(hops) < count:
        return remote
    return _address(hops[-count]) or remote
